"""The court's published dishonest-debtor list (失信被执行人名单): a public page (no sign-in) and its export
for the court's WeChat account. Both read ``custody.selectors`` only.

- Only current listings whose decision was served are shown; a removed listing is gone at the next request
  (nothing is cached).
- Identity numbers are masked as courts publish them (``custody.selectors.masked_id_number``: a resident
  identity number keeps its first 6 and last 4 characters; the age and sex are published beside it; an
  organisation's unified social credit code is public and shown whole).
- It is cheap: one indexed query for the page (the partial index on current listings), one for the count,
  one for the money received of the page's cases; paginated.
- The export is plain text, one numbered block per debtor: the WeChat editor drops style sheets and
  classes, and a wide table cannot be read on a phone, while plain text pastes into an article as it is
  (and into a Weibo post or a printed notice just as well). A CSV could not be pasted into an article.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from custody import selectors as custody
from enforcement.models import Court

PAGE_SIZE = 20
EXPORT_LIMIT = 500  # one issue of the court's list; older listings stay on the public page


def _court(request: HttpRequest, *, required: bool = False) -> Court | None:
    raw = request.GET.get("court", "")
    if not raw:
        if required:
            raise Http404
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    court = Court.objects.filter(pk=int(raw)).first()
    if court is None:
        raise Http404
    return court


@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    court = _court(request)
    page = Paginator(custody.published_listings(court), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "court": court,
        "courts": list(custody.courts_publishing()),
        "page": page,
        "entries": custody.published_entries(list(page.object_list)),
        "today": timezone.localdate(),
    }
    return render(request, "portal/credit_list.html", context)


@require_GET
def wechat_export(request: HttpRequest) -> HttpResponse:
    """One court's current list as the body of a WeChat article (plain text, UTF-8)."""
    court = _court(request, required=True)
    if court is None:  # required: _court answered 404 already
        raise Http404
    listings = list(custody.published_listings(court)[:EXPORT_LIMIT])
    today = timezone.localdate()
    text = render_to_string(
        "portal/credit_list_wechat.txt",
        {"court": court, "entries": custody.published_entries(listings, today=today), "today": today},
        request=request,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"dishonest-list-{court.code}-{today:%Y%m%d}.txt"
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response
