"""API for evidence: add a file to a crisis, list a crisis's files, download one.

The same service as the web pages (crises/evidence.py) and the same rules: a crisis or a file the reader may
not see answers 404 exactly like one that does not exist; every download is audited. A refused file
answers 413 (too_large) or 415 (unsupported_media_type) in the one error shape, with nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut, PageQuery, page_of, paginate
from crisisline.crises.evidence import (
    EvidenceError,
    attachment_add,
    attachment_description,
    attachment_open,
    keep_uploads_in_memory,
)
from crisisline.crises.models import Attachment, Crisis
from crisisline.crises.services import CrisisError
from crisisline.crises.views_evidence import file_response, visible_attachment
from crisisline.people.policy import Action, scope

router = Router(tags=["evidence"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
REFUSED_FILE = {413: ErrorOut, 415: ErrorOut}
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BINARY = {"schema": {"type": "string", "format": "binary"}}


class AttachmentOut(Schema):
    token: str = Field(description="names the file in GET /attachments/{token}")
    kind: str = Field(description="photo, document or voice")
    content_type: str = Field(description="what the file's bytes are, whatever the sender declared")
    size: int = Field(description="of the original, in bytes")
    sha256: str = Field(description="of the original, taken at upload (hex)")
    uploaded_at: datetime
    uploaded_by: str | None = Field(None, description="username")
    has_display_copy: bool = Field(
        False, description="a picture: GET /attachments/{token} gives a copy without its metadata"
    )
    description: str = ""


def _uploads_in_memory(run: Callable) -> Callable:
    """Before ninja reads the body: the file stays in memory, never in a plain temporary file."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        keep_uploads_in_memory(request)
        return run(request, *args, **kwargs)

    return wrapper


def _crisis(request, reference: str) -> Crisis:
    crisis = scope(request.auth, Action.CRISIS_VIEW, Crisis.objects.all()).filter(reference=reference).first()
    if crisis is None:
        raise Http404(_("No crisis with reference %(ref)s.") % {"ref": reference})
    return crisis


def _out(attachment: Attachment, description: str) -> dict:
    return {
        "token": attachment.token,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "uploaded_by": attachment.uploaded_by.get_username() if attachment.uploaded_by else None,
        "has_display_copy": attachment.has_display_copy,
        "description": description,
    }


def _refused(error: CrisisError) -> ApiError:
    if isinstance(error, EvidenceError):
        return ApiError(error.status, error.code, error.message, error.fields)
    code = {409: "conflict", 422: "invalid"}.get(error.status, "refused")
    return ApiError(error.status, code, error.message, error.fields)


@router.post(
    "/crises/{reference}/attachments",
    response={201: AttachmentOut, **ERRORS, **REFUSED_FILE},
    summary="Add evidence: a photo (JPEG, PNG, WebP), a PDF or a voice note (Ogg, MP3, M4A, AAC, AMR, WAV)",
    description=(
        "multipart/form-data with `file` and an optional `description`. What the file is comes from its "
        "bytes; a declared type that disagrees is refused (415). Photos and PDFs up to 10 MB, voice notes "
        "up to 20 MB (413). The original is kept with its SHA-256; a picture also gets a copy without "
        "metadata."
    ),
)
@decorate_view(_uploads_in_memory)
def attachment_create(
    request,
    reference: str,
    file: File[UploadedFile],
    description: str = Form("", description="what it shows; kept encrypted"),
):
    crisis = _crisis(request, reference)
    try:
        attachment = attachment_add(
            crisis=crisis, upload=file, description=description, by=request.auth, request=request
        )
    except CrisisError as error:
        raise _refused(error) from None
    return Status(201, _out(attachment, description.strip()))


@router.get(
    "/crises/{reference}/attachments",
    response={200: page_of(AttachmentOut), **READ_ERRORS},
    summary="A crisis's evidence, oldest first (the list only: each file is read on its own)",
)
def attachment_list(request, reference: str, paging: Query[PageQuery]):
    crisis = _crisis(request, reference)
    page = paginate(crisis.attachments.select_related("uploaded_by").order_by("pk"), paging)
    page["items"] = [_out(attachment, attachment_description(attachment)) for attachment in page["items"]]
    return page


@router.get(
    "/attachments/{token}",
    response={200: None, **READ_ERRORS},
    summary="Download a file (every download is audited)",
    description=(
        "A picture: its copy without metadata, or with `original=true` the original as uploaded. Any other "
        "file: the original. The Content-Type is the file's own."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "the file's bytes",
                "content": {"image/*": BINARY, "application/pdf": BINARY, "audio/*": BINARY},
            }
        }
    },
)
def attachment_download(
    request, token: str, original: bool = Query(False, description="true: the original, with its metadata")
):
    attachment = visible_attachment(request.auth, token)
    display = attachment.has_display_copy and not original
    try:
        content = attachment_open(attachment=attachment, by=request.auth, display=display, request=request)
    except CrisisError as error:
        raise _refused(error) from None
    return file_response(attachment, content, display=display)
