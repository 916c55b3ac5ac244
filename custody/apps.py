from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "custody"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Property under control")

    def ready(self) -> None:
        from . import panels  # noqa: F401 - registers the case-page panel and the supervisors' section
