from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Each registers its case-page panel, home-page section or progress-page section.
        from . import appointments, event_texts, leads, messages, panels, progress_snapshot  # noqa: F401

        progress_snapshot.connect()  # the progress query's snapshots follow the rows they are built from
