"""The public timeline events written before text codes get their code and parameters.

Until now their words were stored in ``detail`` in the language of the staff member who wrote them
("12000.00 yuan paid to the applicant" for a Chinese-speaking party). Each kind is converted from what
the row itself records, never from guessing at free text a person typed:

- money received / paid: the amount in ``data``;
- case closed: the closure mode in ``data``;
- assigned / reassigned: the team's name (``detail`` held just that name, or the team in ``data``);
- notice delivered: the notice in ``data`` and the recipient's role from his party row;
- measure taken: the kind in ``data``; renewed / released: ``detail`` held only the kind's label, in
  English or Chinese, matched exactly against the labels of that time (frozen below);
- detention approved / fine imposed: ``detail`` held the system's sentence, whose one number (days,
  amount) is read back.

A row that does not convert this way keeps its ``detail`` and no code; the pages show it as before.
A converted row's old words stay on record in ``data["detail_before_text_code"]``, and ``detail`` is
emptied (it was never typed by a person), so no reader sees both. Reversible.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import migrations

BATCH = 500
OLD_DETAIL = "detail_before_text_code"

# custody.Measure.Kind as of this migration, with its English and Chinese labels.
MEASURE_LABELS = {
    "Freeze of a bank deposit": "freeze_deposit",
    "冻结银行存款": "freeze_deposit",
    "Deduction of a bank deposit": "deduct_deposit",
    "扣划银行存款": "deduct_deposit",
    "Seizure of movable property": "seize_movable",
    "查封、扣押动产": "seize_movable",
    "Seal of real estate": "seal_real_estate",
    "查封不动产": "seal_real_estate",
    "Freeze of equity or another property right": "freeze_right",
    "冻结股权或其他财产权": "freeze_right",
}
# "Judicial detention of 15 days" / "司法拘留15日"; "Fine of 5000.00 yuan" / "罚款5000.00元".
DETENTION_DAYS = re.compile(r"^(?:Judicial detention of (\d+) days|司法拘留(\d+)日)$")
FINE_AMOUNT = re.compile(r"^(?:Fine of (\d+(?:\.\d+)?) yuan|罚款(\d+(?:\.\d+)?)元)$")


def _amount(value):
    try:
        return f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return None


def _first(match):
    return next(group for group in match.groups() if group is not None) if match else None


def _text_for(event, parties, teams):
    """(code, params) for a legacy public event, or None when its row does not say enough."""
    kind, data, detail = event.kind, event.data or {}, event.detail.strip()
    if kind in ("money_received", "money_paid"):
        amount = _amount(data.get("amount"))
        return (f"payments.{kind}", {"amount": amount}) if amount else None
    if kind == "case_closed" and data.get("closure"):
        return "enforcement.case_closed", {"closure": data["closure"]}
    if kind in ("assigned", "reassigned"):
        team = detail or teams.get(data.get("team"), "")
        return ("assignment.team", {"team": team}) if team else None
    if kind == "notice_delivered":
        role = parties.get(data.get("recipient"))
        if not (role and data.get("notice")):
            return None
        return "intake.notice_delivered", {"notice": data["notice"], "recipient_role": role}
    if kind == "measure_taken" and data.get("kind"):
        return "custody.measure", {"kind": data["kind"]}
    if kind in ("measure_renewed", "measure_released") and detail in MEASURE_LABELS:
        return "custody.measure", {"kind": MEASURE_LABELS[detail]}
    if kind == "detention_approved":
        days = _first(DETENTION_DAYS.match(detail))
        return ("custody.detention_approved", {"days": int(days)}) if days else None
    if kind == "fine_approved":
        amount = _amount(_first(FINE_AMOUNT.match(detail)))
        return ("custody.fine_imposed", {"amount": amount}) if amount else None
    return None


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("enforcement", "CaseEvent")
    Party = apps.get_model("enforcement", "Party")
    Team = apps.get_model("enforcement", "Team")
    legacy = CaseEvent.objects.filter(public=True, text_code="").order_by("pk")
    parties = dict(Party.objects.values_list("pk", "role"))
    teams = dict(Team.objects.values_list("pk", "name"))
    changed = []
    for event in legacy.iterator(chunk_size=BATCH):
        text = _text_for(event, parties, teams)
        if text is None:
            continue
        event.text_code, event.text_params = text
        if event.detail:
            event.data = {**(event.data or {}), OLD_DETAIL: event.detail}
        event.detail = ""
        changed.append(event)
        if len(changed) >= BATCH:
            CaseEvent.objects.bulk_update(changed, ["text_code", "text_params", "detail", "data"])
            changed = []
    CaseEvent.objects.bulk_update(changed, ["text_code", "text_params", "detail", "data"])


def backwards(apps, schema_editor):
    CaseEvent = apps.get_model("enforcement", "CaseEvent")
    for event in CaseEvent.objects.filter(data__has_key=OLD_DETAIL).iterator(chunk_size=BATCH):
        data = dict(event.data)
        event.detail = data.pop(OLD_DETAIL)
        event.data, event.text_code, event.text_params = data, "", {}
        event.save(update_fields=["detail", "data", "text_code", "text_params"])


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0017_case_event_text_codes")]

    operations = [migrations.RunPython(forwards, backwards)]
