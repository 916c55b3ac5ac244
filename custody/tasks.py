from celery import shared_task

from . import services


@shared_task(name="custody.flag_lapsed_measures")
def flag_lapsed_measures() -> int:
    """Hourly (beat): measures whose term ended unrenewed become "lapsed", once each."""
    return services.flag_lapsed_measures()
