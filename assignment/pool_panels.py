"""The 终本 pool's section of the case page: the rounds, their results, and the keeper's forms."""

from django.db.models import OuterRef
from django.http import HttpRequest
from django.utils import timezone

from enforcement import access
from enforcement.models import Case
from enforcement.notify import in_pool
from enforcement.panels import CasePanel, has, register, register_presence
from enforcement.services.deadlines import active_deadlines

from .forms import PoolLeadForm, PoolRoundForm
from .models import PoolRound
from .pool import LEAD_NODES, current_round
from .selectors import pool_rounds

register_presence("assignment_pool_rounds", lambda: PoolRound.objects.filter(case=OuterRef("pk")))


@register
def pool_panel(request: HttpRequest, case: Case) -> CasePanel | None:
    rows = pool_rounds(case) if has(request, case, "assignment_pool_rounds") else []
    if not rows:
        return None
    keeps = in_pool(case) and access.keeps_pool(request.user, case)
    context = {
        "rows": rows,
        "in_pool": in_pool(case),
        "keeps": keeps,
        "current": current_round(case, timezone.localdate()) if keeps else None,
        "round_form": PoolRoundForm(),
        "leads_waiting": keeps and active_deadlines(case).filter(node_type__code__in=LEAD_NODES).exists(),
        "lead_form": PoolLeadForm(),
    }
    return CasePanel(template="assignment/pool_panel.html", order=6, context=context)
