"""Pages of alerts and the in-app inbox: the supervisor's alert page, acknowledging, the inbox."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from .. import panels, roles
from ..models import Alert, Team
from ..people import display_name
from ..selectors import alerts as selectors
from ..services import alerts as services

ALERTS_PER_PAGE = 50
INBOX_PER_PAGE = 25


# --- Forms ------------------------------------------------------------------------------------------------


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class AlertFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label=gettext_lazy("Team"),
        empty_label=gettext_lazy("All"),
    )
    judge = JudgeChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("Judge"),
        empty_label=gettext_lazy("All"),
    )
    node = forms.ChoiceField(required=False, label=gettext_lazy("Node"))
    level = forms.ChoiceField(
        required=False, label=gettext_lazy("Level"), choices=[("", gettext_lazy("All")), *Alert.Level.choices]
    )
    open_only = forms.BooleanField(required=False, label=gettext_lazy("Not yet acknowledged only"))

    def __init__(self, data: Any, *, user: roles.AnyUser) -> None:
        super().__init__(data)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = selectors.teams_for_filter(user)
        cast(forms.ModelChoiceField, self.fields["judge"]).queryset = selectors.judges_for_filter(user)
        cast(forms.ChoiceField, self.fields["node"]).choices = [
            ("", _("All")),
            *selectors.node_choices_for_filter(user),
        ]

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments from the fields that are valid; an invalid one filters nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        team, judge = data.get("team"), data.get("judge")
        return {
            "team_id": team.pk if team else None,
            "judge_id": judge.pk if judge else None,
            "node_code": data.get("node") or None,
            "level": data.get("level") or None,
            "include_acknowledged": not data.get("open_only"),
        }


class BulkAcknowledgeForm(forms.Form):
    """The ticked alerts (``alert``, repeated) or every one matching the page's filter (``scope``)."""

    comment = forms.CharField(required=False, max_length=1000)
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("matching", "matching")], required=False)
    alert = forms.TypedMultipleChoiceField(required=False, coerce=int)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        # Any ids: which ones the user may see is the selector's business, not a choice list's.
        ids = [value for value in data.getlist("alert") if value.isdigit() and len(value) < 12]
        cast(forms.TypedMultipleChoiceField, self.fields["alert"]).choices = [(i, i) for i in ids]


class AcknowledgeForm(forms.Form):
    # Not required here: the service refuses an empty comment, with its own message. The rows write the
    # input themselves (one form per row; a bound field would repeat its id on every row).
    comment = forms.CharField(required=False, max_length=1000)


# --- Supervisor page --------------------------------------------------------------------------------------


@login_required
@require_GET
def supervisor_alerts(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_supervise_alerts(user):
        raise PermissionDenied
    form = AlertFilterForm(request.GET or None, user=user)
    page = Paginator(selectors.alerts_for_supervisor(user, **form.filters()), ALERTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_lateness(page.object_list)
    # Counts cover all the court's alerts, not the filtered ones: they are the way into the filters.
    counts = selectors.alert_counts(selectors.alerts_for_supervisor(user))
    context = {
        "form": form,
        "page": page,
        "count_tables": [(_("By team"), counts.teams, "team"), (_("By judge"), counts.judges, "judge")],
        "calendar_year": selectors.calendar_warning(timezone.localdate()),
        "next": request.get_full_path(),
        "filter_items": _filter_items(request),
        "max_bulk": services.MAX_BULK,
        "supervision_panels": panels.supervision_panels_for(request),
        **_row_context(user),
    }
    return render(request, "enforcement/alerts.html", context)


FILTER_FIELDS = ("team", "judge", "node", "level", "open_only")


def _filter_items(request: HttpRequest) -> list[tuple[str, str]]:
    """The page's filter, carried by the bulk form so that "all matching" means what the page shows."""
    return [(name, request.GET[name]) for name in FILTER_FIELDS if request.GET.get(name)]


@login_required
@require_POST
def acknowledge_many(request: HttpRequest) -> HttpResponse:
    """Acknowledge the ticked alerts, or all those matching the filter, with one comment."""
    user = request.user
    if not selectors.may_supervise_alerts(user):
        raise PermissionDenied
    form = BulkAcknowledgeForm(request.POST)
    back = _safe_next(request)
    if not form.is_valid():
        messages.error(request, _("The alerts were not acknowledged: the form was not filled in correctly."))
        return redirect(back)
    visible = selectors.alerts_for_supervisor(user, **AlertFilterForm(request.POST, user=user).filters())
    if form.cleaned_data["scope"] == "matching":
        pending = visible.filter(acknowledged_at__isnull=True)
        ids = list(pending.values_list("pk", flat=True)[: services.MAX_BULK])
    else:
        ids = list(
            selectors.alerts_for_supervisor(user)
            .filter(pk__in=form.cleaned_data["alert"])
            .values_list("pk", flat=True)
        )
        ids += [0] * (len(set(form.cleaned_data["alert"])) - len(ids))  # not visible: counted as not found
    try:
        result = services.acknowledge_alerts(
            actor=roles.acting_user(user),
            alerts=[pk for pk in ids if pk],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as refused:
        messages.error(
            request, _("The alerts were not acknowledged: %(error)s") % {"error": " ".join(refused.messages)}
        )
        return redirect(back)
    hidden = ids.count(0)
    if hidden:
        result.skipped["not_found"] += hidden
    messages.success(request, _summary(result))
    return redirect(back)


SKIP_REASONS = {
    "not_allowed": gettext_lazy("not yours to acknowledge"),
    "acknowledged": gettext_lazy("already acknowledged"),
    "resolved": gettext_lazy("met meanwhile"),
    "not_found": gettext_lazy("not found"),
}


def _summary(result: services.BulkAcknowledgement) -> str:
    done = ngettext(
        "%(count)d alert acknowledged.", "%(count)d alerts acknowledged.", len(result.acknowledged)
    ) % {"count": len(result.acknowledged)}
    skipped = [f"{SKIP_REASONS[reason]} {count}" for reason, count in sorted(result.skipped.items()) if count]
    if not skipped:
        return done
    return _("%(done)s Left as they were: %(skipped)s.") % {"done": done, "skipped": "; ".join(skipped)}


def _row_context(user: roles.AnyUser) -> dict[str, Any]:
    """What every alert row needs to know: the courts whose alerts the user may acknowledge."""
    may = roles.has_role(user, *services.ACKNOWLEDGING_ROLES)
    return {"ack_court_ids": roles.court_ids_of(user) if may else frozenset()}


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge with a comment. htmx gets the row back; a plain form post goes back to the page."""
    alert = selectors.get_alert_for_user(request.user, pk)
    form = AcknowledgeForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.acknowledge_alert(
                actor=roles.acting_user(request.user), alert=alert, comment=form.cleaned_data["comment"]
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
    else:
        error = " ".join(str(e) for e in form.errors.get("comment", []))
    back = _safe_next(request)
    if request.headers.get("HX-Request") == "true":
        fresh = selectors.with_lateness([selectors.get_alert_for_user(request.user, pk)])[0]
        context = {
            "alert": fresh,
            "error": error,
            "comment": form.data.get("comment", "") if error else "",
            "next": back,
            **_row_context(request.user),
        }
        return render(request, "enforcement/_alert_row.html", context)
    if error:
        messages.error(request, _("The alert was not acknowledged: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect(back)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("supervisor-alerts")


# --- Inbox ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = roles.acting_user(request.user)
    page = Paginator(selectors.inbox_items(user), INBOX_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/inbox.html", {"page": page})


@login_required
@require_GET
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening an item marks it read and follows its link (only to this site)."""
    user = roles.acting_user(request.user)
    item = selectors.get_inbox_item_for_user(user, pk)
    services.mark_inbox_read(user=user, item_ids=[item.pk])
    if item.url and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(item.url)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_inbox_read(user=roles.acting_user(request.user))
    return redirect("inbox")
