"""Sections other apps add to the case page, so the core shows them without importing those apps.

An app registers a provider in its ``AppConfig.ready``; the provider returns a panel (a template and
its context) for a case, or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .models import Case


@dataclass(frozen=True)
class CasePanel:
    template: str
    order: int
    context: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[HttpRequest, Case], CasePanel | None]
_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest, case: Case) -> list[CasePanel]:
    panels = (provider(request, case) for provider in _providers)
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


# --- The home page: sections other apps add for the signed-in user (a judge's bookings, ...) ---------------

HomeProvider = Callable[[HttpRequest], CasePanel | None]
_home_providers: list[HomeProvider] = []


def register_home(provider: HomeProvider) -> HomeProvider:
    if provider not in _home_providers:
        _home_providers.append(provider)
    return provider


def home_panels_for(request: HttpRequest) -> list[CasePanel]:
    panels = (provider(request) for provider in _home_providers)
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


# --- The supervisors' alerts page: sections other apps add (lapsed measures, detentions, ...) -----------

_supervision_providers: list[HomeProvider] = []


def register_supervision(provider: HomeProvider) -> HomeProvider:
    if provider not in _supervision_providers:
        _supervision_providers.append(provider)
    return provider


def supervision_panels_for(request: HttpRequest) -> list[CasePanel]:
    panels = (provider(request) for provider in _supervision_providers)
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)
