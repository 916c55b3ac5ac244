"""Online searches: a request to institutions, their replies and the assets they found."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import access
from enforcement.models import Case, CaseEvent, Party
from enforcement.services.deadlines import meet_deadline
from enforcement.services.events import record_event

from ..models import FoundAsset, InstitutionKind, Measure, PropertySearch, SearchInquiry
from ._common import _lock_case, _not_in_future

SEARCH_NODE = "online_search"
INSTITUTION_NAME_LENGTH = 100  # SearchInquiry.institution

# What a found asset becomes with one action (the judge may change it in the form).
MEASURE_FOR_ASSET = {
    "deposit": Measure.Kind.FREEZE_DEPOSIT,
    "real_estate": Measure.Kind.SEAL_REAL_ESTATE,
    "vehicle": Measure.Kind.SEIZE_MOVABLE,
    "movable": Measure.Kind.SEIZE_MOVABLE,
    "equity": Measure.Kind.FREEZE_RIGHT,
    "securities": Measure.Kind.FREEZE_RIGHT,
    "other_right": Measure.Kind.FREEZE_RIGHT,
}
HOLDER_FOR_INSTITUTION = {
    InstitutionKind.BANK: Measure.HolderKind.BANK,
    InstitutionKind.PAYMENT_PLATFORM: Measure.HolderKind.OTHER,
    InstitutionKind.OTHER: Measure.HolderKind.OTHER,
}


@dataclass(frozen=True)
class Institution:
    kind: str
    name: str


@transaction.atomic
def request_search(
    *,
    actor: User,
    case: Case,
    requested_on: datetime.date,
    institutions: Sequence[Institution],
    note: str = "",
) -> PropertySearch:
    """A search sent to institutions. The case's first one meets its online-search deadline (opened at
    filing); it opens none of its own."""
    locked = _lock_case(case)
    access.require(access.works_case(actor, locked), _("Only the case's judge and team record searches."))
    _not_in_future(requested_on, "requested_on", _("The request date"))
    if requested_on < timezone.localtime(locked.filed_at).date():
        raise ValidationError({"requested_on": _("The request date cannot be before the case was filed.")})
    cleaned = _institutions(institutions)
    first = not locked.searches.exists()
    search = PropertySearch.objects.create(
        case=locked, requested_on=requested_on, note=note.strip(), requested_by=actor
    )
    SearchInquiry.objects.bulk_create(
        SearchInquiry(search=search, institution_kind=i.kind, institution=i.name) for i in cleaned
    )
    record_event(
        case=locked,
        kind=CaseEvent.Kind.ONLINE_SEARCH_STARTED,
        actor=actor,
        public=False,
        detail="、".join(i.name for i in cleaned)[:500],
        data={"search": search.pk, "institutions": len(cleaned)},
    )
    if first:
        meet_deadline(case=locked, code=SEARCH_NODE, actor=actor)
    return search


def _institutions(institutions: Sequence[Institution]) -> list[Institution]:
    cleaned: list[Institution] = []
    seen: set[str] = set()
    for item in institutions:
        name = item.name.strip()
        if not name:
            continue
        if item.kind not in InstitutionKind.values:
            raise ValidationError(
                {"institutions": _("Unknown kind of institution: %(kind)s.") % {"kind": item.kind}}
            )
        if name in seen:
            raise ValidationError({"institutions": _("%(name)s is listed twice.") % {"name": name}})
        if len(name) > INSTITUTION_NAME_LENGTH:
            raise ValidationError({"institutions": _("The name of an institution is too long.")})
        seen.add(name)
        cleaned.append(Institution(item.kind, name))
    if not cleaned:
        raise ValidationError({"institutions": _("Name at least one institution asked.")})
    return cleaned


@dataclass(frozen=True)
class AssetFound:
    kind: str
    description: str
    reference: str = ""
    amount: Decimal | None = None
    owner: Party | None = None


@transaction.atomic
def record_reply(
    *,
    actor: User,
    inquiry: SearchInquiry,
    replied_on: datetime.date,
    note: str = "",
    assets: Sequence[AssetFound] = (),
) -> SearchInquiry:
    """An institution's reply: what it found (nothing, or assets). A reply is recorded once."""
    locked = SearchInquiry.objects.select_for_update().select_related("search__case").get(pk=inquiry.pk)
    case = _lock_case(locked.search.case)
    access.require(access.works_case(actor, case), _("Only the case's judge and team record searches."))
    if locked.reply != SearchInquiry.Reply.PENDING:
        raise ValidationError(_("This institution's reply is already recorded."))
    _not_in_future(replied_on, "replied_on", _("The reply date"))
    if replied_on < locked.search.requested_on:
        raise ValidationError({"replied_on": _("The reply cannot come before the request.")})
    for asset in assets:
        _check_asset(asset, case)
    locked.reply = SearchInquiry.Reply.FOUND if assets else SearchInquiry.Reply.NOTHING
    locked.replied_on, locked.reply_note = replied_on, note.strip()
    locked.save(update_fields=["reply", "replied_on", "reply_note"])
    for asset in assets:
        FoundAsset.objects.create(
            inquiry=locked,
            kind=asset.kind,
            description=asset.description.strip(),
            reference=asset.reference.strip(),
            amount=asset.amount,
            owner=asset.owner,
        )
    found = "；".join(a.description.strip() for a in assets) or _("nothing found")
    record_event(
        case=case,
        kind=CaseEvent.Kind.ONLINE_SEARCH_REPLY,
        actor=actor,
        public=False,
        detail=f"{locked.institution}：{found}"[:500],
        data={"inquiry": locked.pk, "assets": len(assets)},
    )
    return locked


def _check_asset(asset: AssetFound, case: Case) -> None:
    if asset.kind not in MEASURE_FOR_ASSET:
        raise ValidationError({"assets": _("Unknown kind of asset: %(kind)s.") % {"kind": asset.kind}})
    if not asset.description.strip():
        raise ValidationError({"assets": _("Describe each asset found.")})
    if asset.amount is not None and asset.amount <= 0:
        raise ValidationError({"assets": _("An amount must be more than zero.")})
    if asset.owner is not None and asset.owner.case_id != case.pk:
        raise ValidationError({"assets": _("The owner must be a party of this case.")})
