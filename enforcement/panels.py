"""Sections other apps add to the case page, so the core shows them without importing those apps.

An app registers a provider in its ``AppConfig.ready``; the provider returns a panel (a template and
its context) for a case, or None when it has nothing to show.

Most of a case's related rows are absent on most cases (no detention, no hold, no certificate, no party
message...). Asking each table in turn would cost the case page a query per table whatever it holds, so
apps also register *presence* checks: the page asks once, in one query of EXISTS subqueries, which of
them the case has (``has``), and a panel reads a table only when it has rows for the case.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec

from django.db import connection
from django.db.models import Exists, QuerySet
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


# --- Presence: which related rows the case has, in one query for the whole page ---------------------------

# name -> the related rows of the case row ``OuterRef("pk")`` (a queryset filtered on it).
_presence: dict[str, Callable[[], QuerySet[Any]]] = {}
# Per request, the case's answers: computed at the first question, kept while the request lives.
_answers: "weakref.WeakKeyDictionary[HttpRequest, tuple[int, dict[str, bool]]]" = weakref.WeakKeyDictionary()


def register_presence(name: str, rows: Callable[[], QuerySet[Any]]) -> None:
    """Register a presence check: ``rows()`` is the related model's rows of the case ``OuterRef("pk")``.
    ``name`` is an identifier (it names a column of the query)."""
    _presence[name] = rows


def has(request: HttpRequest, case: Case, name: str) -> bool:
    """Whether the case has rows of the registered kind ``name`` (one query per page for every kind; an
    unregistered name answers True, so the caller reads its table as it would without the check)."""
    if name not in _presence:
        return True
    answers = _answers.get(request)
    if answers is None or answers[0] != case.pk:
        answers = (case.pk, _ask(case.pk))
        _answers[request] = answers
    return answers[1][name]


# The presence query compiled once per process and database vendor: building two dozen EXISTS subqueries
# through the ORM costs more than running them, on every page. The case id is its one varying parameter.
_SENTINEL = -7_000_000_001
_compiled: dict[tuple[str, int], tuple[str, tuple[Any, ...], int]] = {}


def _ask(case_id: int) -> dict[str, bool]:
    key = (connection.vendor, len(_presence))
    if key not in _compiled:
        expressions = {f"has_{name}": Exists(rows()) for name, rows in _presence.items()}
        query = Case.objects.filter(pk=_SENTINEL).values(**expressions).query
        sql, params = query.sql_with_params()
        _compiled[key] = (sql, tuple(params), list(params).index(_SENTINEL))
    sql, params, at = _compiled[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params[:at], case_id, *params[at + 1 :]))
        row = cursor.fetchone()
        columns = [column[0] for column in cursor.description or []]
    found = dict(zip(columns, row or (), strict=False))
    # No row (the case was deleted meanwhile): answer True everywhere, as if nothing had been asked.
    return {name: bool(found.get(f"has_{name}", True)) for name in _presence}
