"""Pages of the parties' property leads: the party reports one from his progress page; staff who may see
the case download its attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.feedback import form_errors_text, refusal_text
from enforcement.selectors import get_case_for_user

from .. import leads
from ..forms import LeadForm
from ..models import LeadAttachment
from ..proof import session_access

PROGRESS_PAGE = "/progress/"


def _back() -> HttpResponseRedirect:
    """The party's progress page, at the leads section."""
    try:
        page = reverse("portal:progress")
    except NoReverseMatch:
        page = PROGRESS_PAGE
    return HttpResponseRedirect(page + "#leads")


@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """The party's report; he comes back to his progress page with what happened."""
    access = session_access(request)
    if access is None:
        messages.warning(request, _("Your session has ended: query your case again to continue."))
        return HttpResponseRedirect(PROGRESS_PAGE)
    form = LeadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The lead was not sent: %(errors)s") % {"errors": form_errors_text(form)})
        return _back()
    try:
        leads.submit_party_lead(
            access,
            kind=form.cleaned_data["kind"],
            detail=form.cleaned_data["detail"],
            urgent=form.cleaned_data["urgent"],
            files=form.cleaned_data["attachments"],
        )
    except ValidationError as error:
        messages.error(request, _("The lead was not sent: %(errors)s") % {"errors": refusal_text(error)})
        return _back()
    messages.success(request, _("Thank you. The lead was sent to the judge, who will verify it."))
    return _back()


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """An attachment for staff who may see the case, always as a download and never sniffed as a page."""
    case = get_case_for_user(request.user, pk)
    item = get_object_or_404(LeadAttachment, pk=attachment_id, lead__case=case)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(item), content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(item: LeadAttachment) -> str:
    """The party's name for the file, ending in the extension of its real type."""
    extension = leads.EXTENSIONS.get(item.content_type, "")
    name = item.original_name
    if item.content_type == "image/jpeg" and name.lower().endswith(".jpeg"):
        return name
    return name if name.lower().endswith(extension) else name + extension
