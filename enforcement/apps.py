from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Enforcement cases")

    def ready(self) -> None:
        # Connects the worker to the text messages queued by the services (``sms_queue.delivery_requested``);
        # registers the closure conditions the core checks on its own records (终本: the notice served, the
        # leads, the interview), the certificates panel of the case page, the reviewers' reminder at home
        # and the core's supervision pages.
        from . import (
            certificate_panel,  # noqa: F401
            closure_conditions,  # noqa: F401
            closure_panels,  # noqa: F401
            indicator_panels,  # noqa: F401 - the headline indicators on the supervisors' home page
            supervision,  # noqa: F401
            tasks,  # noqa: F401
        )
