"""Evidence on the web: adding a file to a crisis, and opening one. Thin doors onto crises/evidence.py.

- Someone who may not see the crisis gets 404 for its evidence, as if there were none: a token is never
  confirmed to exist.
- A file is served with its own strict headers: never cached, never sniffed into another type, and in a
  sandbox that runs nothing, whatever the file holds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from crisisline.crises.evidence import (
    LARGEST,
    attachment_add,
    attachment_open,
    download_name,
    keep_uploads_in_memory,
)
from crisisline.crises.models import Attachment, Crisis
from crisisline.crises.selectors import crisis_by_reference
from crisisline.crises.services import CrisisError
from crisisline.people.models import Person
from crisisline.people.policy import Action, can

FORM_ROOM = 64 * 1024  # the description and the form's own parts, beside the file
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def file_response(attachment: Attachment, content: bytes, *, display: bool) -> HttpResponse:
    """The bytes of an attachment with the headers every door serves them with (web and API)."""
    response = HttpResponse(content, content_type=attachment.content_type)
    disposition = "inline" if display else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{download_name(attachment, display=display)}"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def visible_attachment(person: Person, token: str) -> Attachment:
    """The attachment named by `token` if `person` may see its crisis; else 404, whether it exists or not."""
    attachment = Attachment.objects.select_related("crisis").filter(token=token).first()
    if attachment is None or not can(person, Action.CRISIS_VIEW, attachment.crisis):
        raise Http404
    return attachment


def _crisis_url(crisis: Crisis) -> str:
    return reverse("crisis", args=[crisis.reference]) + "#evidence"


@csrf_exempt  # only so that the upload handler can be set first: _upload checks the CSRF token
@login_required
@require_POST
def evidence_upload(request: HttpRequest, reference: str) -> HttpResponse:
    crisis = crisis_by_reference(reference=reference)
    if crisis is None or not can(request.user, Action.CRISIS_VIEW, crisis):
        raise Http404
    if int(request.META.get("CONTENT_LENGTH") or 0) > LARGEST + FORM_ROOM:
        messages.error(request, _("The file is too large. Nothing was saved."))  # the body is not even read
        return HttpResponseRedirect(_crisis_url(crisis))
    keep_uploads_in_memory(request)
    return _upload(request, crisis)


@csrf_protect
def _upload(request: HttpRequest, crisis: Crisis) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file, take a photo or record a voice note."))
        return HttpResponseRedirect(_crisis_url(crisis))
    try:
        attachment_add(crisis=crisis, upload=upload, description=request.POST.get("description", ""),
                       by=request.user, request=request)  # fmt: skip
    except PermissionDenied:
        raise Http404 from None
    except CrisisError as error:
        reasons = [reason for reason in error.fields.values() if reason != error.message]
        messages.error(request, " ".join([error.message, *reasons]))
        return HttpResponseRedirect(_crisis_url(crisis))
    messages.success(request, _("Evidence added."))
    return HttpResponseRedirect(_crisis_url(crisis))


@login_required
@require_GET
def evidence_file(request: HttpRequest, token: str) -> HttpResponse:
    """The copy for the screen, shown in the browser; ?original=1 (or a file without one): the original, to
    download."""
    attachment = visible_attachment(request.user, token)
    display = attachment.has_display_copy and request.GET.get("original") != "1"
    try:
        content = attachment_open(attachment=attachment, by=request.user, display=display, request=request)
    except (PermissionDenied, CrisisError):
        raise Http404 from None
    return file_response(attachment, content, display=display)
