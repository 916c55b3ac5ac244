from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "assignment"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Triage and assignment")

    def ready(self) -> None:
        from . import panels  # noqa: F401 - registers the case-page panel
