"""How a page tells the user that an action was done, or why not (Django's messages framework)."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def form_errors_text(form: forms.BaseForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def refusal_text(error: PermissionDenied | ValidationError) -> str:
    """The reason a service gave for refusing, as one sentence for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def attempt(request: HttpRequest, form: forms.BaseForm, action: Callable[[], object], done: str) -> bool:
    """Check the form, run the service call, and leave a message saying what happened."""
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": form_errors_text(form)})
        return False
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return False
    messages.success(request, done)
    return True
