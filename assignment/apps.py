from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "assignment"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Triage and assignment")

    def ready(self) -> None:
        # Each registers: the case-page panels, the words of the app's timeline texts, and the 终本
        # closure's step that opens the pool's re-searches, and its pages on the supervision hub.
        from . import event_texts, panels, pool, pool_panels, supervision_pages  # noqa: F401
