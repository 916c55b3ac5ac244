from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Enforcement cases")

    def ready(self) -> None:
        # Connects the worker to the text messages queued by the services (``sms_queue.delivery_requested``).
        from . import (
            certificate_panel,  # noqa: F401 - registers the certificates panel of the case page
            tasks,  # noqa: F401
        )
