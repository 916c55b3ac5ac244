from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "custody"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Property under control")

    def ready(self) -> None:
        from payments.signals import entry_reversed

        from . import (
            closure,  # noqa: F401 - registers the closure blockers and the release on 执行完毕
            credit_panels,  # noqa: F401 - registers the credit sanctions' panel of the case page
            event_texts,  # noqa: F401 - registers the words of its timeline texts
            panels,  # noqa: F401 - registers the case-page panel and the supervisors' section
            requirements,  # noqa: F401 - registers its checks of the 终本 conditions
        )

        # Money a deduction brought in and finance later reversed is unlinked from the measure.
        entry_reversed.connect(_unlink_reversed_money, dispatch_uid="custody.unlink_reversed_money")


def _unlink_reversed_money(sender: Any, entry: Any, actor: Any, **kwargs: Any) -> None:
    from .services import unlink_reversed_money

    unlink_reversed_money(entry=entry, actor=actor)
