from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("The parties online")

    def ready(self) -> None:
        # Each registers its case-page panel, home-page section or progress-page section.
        from . import appointments, credit, leads, panels, party_messages, snapshot  # noqa: F401

        snapshot.connect()  # the progress query's snapshots follow the rows they are built from
