"""Sections other apps add to the case page, so the core shows them without importing those apps.

An app registers a provider in its ``AppConfig.ready``; the provider returns a panel (a template and
its context) for a case, or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec

from django.http import HttpRequest

from .models import Case


@dataclass(frozen=True)
class CasePanel:
    template: str
    order: int
    context: dict[str, Any] = field(default_factory=dict)


Args = ParamSpec("Args")


class PanelRegistry(Generic[Args]):
    """Providers of panels for one place (the case page, the home page, ...): each returns a panel or
    None. The one registry every place uses, so none is written twice."""

    def __init__(self) -> None:
        self._providers: list[Callable[Args, CasePanel | None]] = []

    def register(self, provider: Callable[Args, CasePanel | None]) -> Callable[Args, CasePanel | None]:
        if provider not in self._providers:  # an app's ready() may run twice (tests, autoreload)
            self._providers.append(provider)
        return provider

    def panels(self, *args: Args.args, **kwargs: Args.kwargs) -> list[CasePanel]:
        found = (provider(*args, **kwargs) for provider in self._providers)
        return sorted((p for p in found if p is not None), key=lambda p: p.order)


# The case page.
case_panels: PanelRegistry[[HttpRequest, Case]] = PanelRegistry()
register = case_panels.register
panels_for = case_panels.panels

# The home page: sections other apps add for the signed-in user (a judge's bookings, ...).
home_panels: PanelRegistry[[HttpRequest]] = PanelRegistry()
register_home = home_panels.register
home_panels_for = home_panels.panels

# The supervisors' alerts page: sections other apps add (lapsed measures, detentions, ...).
supervision_panels: PanelRegistry[[HttpRequest]] = PanelRegistry()
register_supervision = supervision_panels.register
supervision_panels_for = supervision_panels.panels
