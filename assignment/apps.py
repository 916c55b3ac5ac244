from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "assignment"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Triage and assignment")

    def ready(self) -> None:
        # Each registers: the case-page panel, the words of the app's timeline texts.
        from . import event_texts, panels  # noqa: F401
