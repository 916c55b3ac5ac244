"""The credit sanctions on the party's progress page: consumption-restriction orders issued on the case and
its dishonest-debtor listings, as ``custody.selectors.credit_for_progress`` gives them (nothing proposed or
refused, no notes, no identity numbers). Names are shown as the rest of the page shows them: the party's
own in full, other natural persons masked (张三 → 张某)."""

from dataclasses import replace
from typing import Any

from django.http import HttpRequest

from custody import selectors as custody

from .proof import PortalAccess, PortalSection, register_section
from .snapshot import masked_name


def _shown_name(party_id: int, name: str, kind: str, viewer_id: int) -> str:
    return name if party_id == viewer_id else masked_name(name, kind)


@register_section
def credit_section(request: HttpRequest, access: PortalAccess) -> PortalSection | None:
    credit = custody.credit_for_progress(access.case)
    if not credit:
        return None
    viewer = access.party_id
    context: dict[str, Any] = {
        "restrictions": [
            replace(r, party_name=_shown_name(r.party_id, r.party_name, r.party_kind, viewer))
            for r in credit.restrictions
        ],
        "listings": [
            replace(x, party_name=_shown_name(x.party_id, x.party_name, x.party_kind, viewer))
            for x in credit.listings
        ],
    }
    return PortalSection(template="portal/_credit.html", order=30, context=context)
