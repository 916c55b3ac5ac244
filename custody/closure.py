"""What custody leaves in the way of closing a case, and what closing as fully performed does to the
measures (registered in ``CustodyConfig.ready``).

- A case may not close while a detention runs or its family's notice is not recorded (the 24-hour clock
  must be met, not cancelled by the closure), nor while a detention or fine waits for the president:
  once the case is closed it could no longer be decided.
- 执行完毕 (fully performed) releases every measure still in force, each with the reason "performed",
  through ``services.release_measure`` and inside the closing transaction, so the freezes and seals do
  not outlive a debt that is paid, and their clocks stop as a release stops them.
- 执行完毕, 终结执行 and 不予执行 are grounds for removal from the dishonest-debtor list (失信名单规定 2017
  Art.10): closing so records the ground on each current listing of the case, which opens its
  3-working-day removal clock (the listing outlives the case; the judge removes it).

Every custody writer locks the case first, and the closure holds that lock: nothing read here can change
before the closure commits, so these reads need no lock of their own.
"""

import datetime
from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from enforcement import access
from enforcement.closure import ClosureStep, Item, register_blockers, register_step
from enforcement.models import Case
from enforcement.templatetags.money import yuan

from . import services
from .models import Detention, DishonestListing, Fine, Measure, RemovalGround

RELEASE_REASON = pgettext_lazy(
    "reason for releasing a measure", "Performed: the case closed as fully performed."
)
FAMILY_NOTICE_WINDOW = datetime.timedelta(hours=services.FAMILY_NOTICE_HOURS)


def _tab(case: Case, tab: str, anchor: str) -> str:
    return reverse("case-detail", args=[case.pk]) + f"?custody={tab}#{anchor}"


def custody_left(case: Case, lock: bool) -> Iterable[Item]:
    """Detentions running, family notices not recorded, and detentions and fines waiting for a decision."""
    left: list[Item] = []
    today = timezone.localdate()
    for detention in Detention.objects.filter(case=case).order_by("proposed_at", "pk"):
        url = _tab(case, "detentions", f"detention-{detention.pk}")
        left.extend(_detention_left(detention, today, url))
    for fine in Fine.objects.filter(case=case, status=Fine.Status.PROPOSED).order_by("proposed_at", "pk"):
        left.append(
            Item(
                "fine_proposed",
                _("A fine of %(amount)s yuan on %(name)s is waiting for the president's decision.")
                % {"amount": yuan(fine.amount), "name": fine.person_name},
                url=_tab(case, "detentions", f"fine-{fine.pk}"),
                amount=fine.amount,
            )
        )
    return left


def _detention_left(detention: Detention, today: datetime.date, url: str) -> list[Item]:
    name = detention.person_name
    if detention.status == Detention.Status.PROPOSED:
        message = _("A detention of %(name)s is waiting for the president's decision.") % {"name": name}
        return [Item("detention_proposed", message, url=url)]
    if detention.status not in (Detention.Status.APPROVED, Detention.Status.RELEASED):
        return []
    left = []
    if (
        detention.status == Detention.Status.APPROVED
        and detention.release_on
        and today < detention.release_on
    ):
        message = _("%(name)s is in judicial detention until the release on %(date)s.") % {
            "name": name,
            "date": detention.release_on.isoformat(),
        }
        left.append(Item("detention_running", message, url=url))
    if detention.started_at is not None and detention.family_notified_at is None:
        due = timezone.localtime(detention.started_at + FAMILY_NOTICE_WINDOW)
        message = _(
            "The family of %(name)s has not been told of the detention (due by %(due)s): record the notice "
            "first."
        ) % {"name": name, "due": f"{due:%Y-%m-%d %H:%M}"}
        left.append(Item("family_notice_missing", message, url=url))
    return left


register_blockers(custody_left)


# --- 执行完毕: the measures in force are released ------------------------------------------------------


def _in_force(case: Case) -> list[Measure]:
    return list(
        Measure.objects.filter(case=case, status=Measure.Status.IN_FORCE).order_by("effective_on", "pk")
    )


def measures_to_release(case: Case) -> Iterable[Item]:
    items = []
    for measure in _in_force(case):
        values = {"kind": measure.get_kind_display(), "asset": measure.asset, "holder": measure.holder}
        if measure.expires_on is not None:
            message = pgettext(
                "a step of closing the case",
                "Release: %(kind)s, %(asset)s (%(holder)s), in force until %(date)s",
            ) % {**values, "date": measure.expires_on.isoformat()}
        else:
            message = (
                pgettext("a step of closing the case", "Release: %(kind)s, %(asset)s (%(holder)s)") % values
            )
        items.append(
            Item(
                f"release_measure:{measure.pk}", message, url=_tab(case, "measures", f"measure-{measure.pk}")
            )
        )
    return items


def release_measures(actor: User, case: Case) -> None:
    measures = _in_force(case)
    if measures and not access.judges_case(actor, case):
        raise PermissionDenied(
            _(
                "Closing as fully performed releases the measures in force, which only the case's judge, or "
                "a judge or lead of its team, may do."
            )
        )
    today = timezone.localdate()
    for measure in measures:
        services.release_measure(actor=actor, measure=measure, released_on=today, reason=str(RELEASE_REASON))


register_step(
    ClosureStep(
        code="custody.release_measures",
        closures=frozenset({Case.Closure.PERFORMED}),
        pending=measures_to_release,
        perform=release_measures,
    )
)


# --- 执行完毕, 终结执行, 不予执行: a ground for removal from the dishonest-debtor list --------------------

REMOVAL_GROUND_OF_CLOSURE: dict[str, str] = {
    Case.Closure.PERFORMED: RemovalGround.PERFORMED,
    Case.Closure.TERMINATED: RemovalGround.TERMINATED,
    Case.Closure.NOT_ENFORCED: RemovalGround.NOT_ENFORCED,
}


def _listed_without_ground(case: Case) -> list[DishonestListing]:
    return list(
        DishonestListing.objects.filter(case=case, status=DishonestListing.Status.LISTED, removal_ground="")
        .select_related("party")
        .order_by("listed_on", "pk")
    )


def listings_to_mark(case: Case) -> Iterable[Item]:
    return [
        Item(
            f"listing_removal_ground:{listing.pk}",
            pgettext(
                "a step of closing the case",
                "Record the ground for removing %(name)s from the dishonest-debtor list (decision "
                "%(decision)s): removal is due within 3 working days",
            )
            % {"name": listing.party.name, "decision": listing.decision_number},
            url=reverse("case-detail", args=[case.pk]) + f"#listing-{listing.pk}",
        )
        for listing in _listed_without_ground(case)
    ]


def _mark_listings(actor: User, case: Case, closure: str) -> None:
    listings = _listed_without_ground(case)
    if listings and not access.judges_case(actor, case):
        raise PermissionDenied(
            _(
                "Closing this way records the ground for removing the debtor from the dishonest-debtor list, "
                "which only the case's judge, or a judge or lead of its team, may do."
            )
        )
    note = _("The case closed: %(closure)s.") % {"closure": Case.Closure(closure).label}
    today = timezone.localdate()
    for listing in listings:
        services.record_removal_ground(
            actor=actor, listing=listing, ground=REMOVAL_GROUND_OF_CLOSURE[closure], arose_on=today, note=note
        )


def _marker(closure: str) -> Callable[[User, Case], None]:
    def perform(actor: User, case: Case) -> None:
        _mark_listings(actor, case, closure)

    return perform


# One step per mode: a step is performed before the case records its closure, so each knows its own ground.
for _closure in REMOVAL_GROUND_OF_CLOSURE:
    register_step(
        ClosureStep(
            code=f"custody.listing_removal_ground.{_closure}",
            closures=frozenset({_closure}),
            pending=listings_to_mark,
            perform=_marker(_closure),
        )
    )
