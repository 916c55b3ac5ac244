from celery import shared_task

from . import services


@shared_task(name="custody.flag_lapsed_measures")
def flag_lapsed_measures() -> int:
    """Hourly (beat): measures whose term ended unrenewed become "lapsed", once each."""
    return services.flag_lapsed_measures()


@shared_task(name="custody.remove_expired_listings")
def remove_expired_listings() -> int:
    """Hourly (beat): dishonest-debtor listings whose term is over are removed, once each."""
    return services.remove_expired_listings()
