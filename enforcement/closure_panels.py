"""The home page's reminder for reviewers: the closures (终本, 终结执行) waiting for their approval."""

from django.http import HttpRequest

from .panels import CasePanel, register_home
from .roles import acting_user
from .selectors import closures as closure_selectors


@register_home
def closures_to_review(request: HttpRequest) -> CasePanel | None:
    if not request.user.is_authenticated:
        return None
    waiting = closure_selectors.proposals_to_review(acting_user(request.user))
    count = waiting.count()
    if not count:
        return None
    oldest = waiting.first()
    return CasePanel(
        template="enforcement/_closure_reviews_home.html", order=5, context={"count": count, "oldest": oldest}
    )
