from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Case accounts and payouts")

    def ready(self) -> None:
        from . import (
            closure,  # noqa: F401 - registers what money leaves in the way of closing a case
            event_texts,  # noqa: F401 - registers the words of its timeline texts
            indicators,  # noqa: F401 - registers the money indicators of the supervision pages
            panels,  # noqa: F401 - registers the case-page panel
            supervision_pages,  # noqa: F401 - registers its page on the supervision hub
        )
