from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Registers the case-page panel and the timeline texts of the window.
        from . import event_texts, panels  # noqa: F401
