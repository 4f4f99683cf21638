"""Evidence: photos, medical papers and voice notes added to a crisis.

- What a file is comes from its first bytes, never from the type it declares or its name: both are the
  sender's word. A declared type (or, lacking one, a name's extension) of another kind than the bytes (a
  "photo" that is a program, a "PDF" that is a picture) is refused as disguised.
- The original is kept byte for byte, its SHA-256 taken before anything else touches it, and written to
  DATA_DIR/evidence/<first two characters of the token>/<token>, encrypted with the crisis's data key. A
  picture also gets a copy for the screen, <token>.display: its pixels re-encoded, turned upright, and
  nothing else kept (no EXIF and its GPS position, no XMP, no ICC profile and its comments).
- The files are in place before the row is written, and removed again when the row cannot be: there is
  never a row without its file, nor (after a failed request) a file without its row.
- Reading a file needs CRISIS_VIEW on its crisis and is audited ("attachment.read"); a file is named by a
  random token, but the access check is what protects it.
- Erasing a client destroys the data keys of their crises (services.client_erase); evidence_shred then
  deletes the files as well, so that an old backup of the database cannot open them again either."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from crisisline.audit.services import audit_record
from crisisline.crises.models import Attachment, Crisis, TimelineEntry
from crisisline.crises.services import CrisisError, _data_key, _work
from crisisline.lib.crypto import CryptoError, open_bytes_with, open_with, seal_bytes_with, seal_with
from crisisline.people.models import Person
from crisisline.people.policy import Action, require

PHOTO, DOCUMENT, VOICE = "photo", "document", "voice"
KINDS = {PHOTO: gettext_lazy("Photo"), DOCUMENT: gettext_lazy("Document"), VOICE: gettext_lazy("Voice note")}
MB = 1024 * 1024
LIMITS = {PHOTO: 10 * MB, DOCUMENT: 10 * MB, VOICE: 20 * MB}
LARGEST = max(LIMITS.values())
DESCRIPTION_MAX = 500
# A picture is decoded to make its screen copy: beyond this many pixels it would take too much memory (a
# phone's 50-megapixel photo fits; its 108-megapixel mode is over 10 MB anyway).
PIXELS_MAX = 50_000_000
DISPLAY_LONGEST = 2048  # the screen copy's longest side, in pixels: enough to read a medical paper
PURPOSE = "attachment"  # of the sealed files (lib/crypto.py)
# What a sender says when it does not know what it sends.
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}


# --- What a file is ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Format:
    label: str | Promise  # for people: "a JPEG photo"
    kind: str
    content_type: str  # what it is served as
    extension: str  # for the neutral file name it is served with
    claims: frozenset[str]  # declared types and name extensions that mean this format
    pillow: str = ""  # Pillow's name for it: pictures get a screen copy


def _format(label, kind, content_type, extension, claims, pillow=""):
    return Format(label, kind, content_type, extension, frozenset(claims.split()), pillow)


# The declared types and extensions each format answers to: what browsers and phones are seen to send.
# Phones label an M4A recording in many ways, AAC among them; cheap Android phones record AMR, bare (#!AMR)
# or in a 3GP box, and some name either kind .amr.
# fmt: off
JPEG = _format(gettext_lazy("a JPEG photo"), PHOTO, "image/jpeg", "jpg",
               "image/jpeg image/jpg image/pjpeg jpg jpeg jpe jfif", "JPEG")
PNG = _format(gettext_lazy("a PNG picture"), PHOTO, "image/png", "png", "image/png image/x-png png", "PNG")
WEBP = _format(gettext_lazy("a WebP picture"), PHOTO, "image/webp", "webp", "image/webp webp", "WEBP")
PDF = _format(gettext_lazy("a PDF document"), DOCUMENT, "application/pdf", "pdf",
              "application/pdf application/x-pdf pdf")
OGG = _format(gettext_lazy("an Ogg voice note"), VOICE, "audio/ogg", "ogg",
              "audio/ogg audio/opus application/ogg video/ogg ogg oga opus")
MP3 = _format(gettext_lazy("an MP3 recording"), VOICE, "audio/mpeg", "mp3",
              "audio/mpeg audio/mp3 audio/mpeg3 audio/x-mpeg-3 mp3")
M4A = _format(gettext_lazy("an M4A recording"), VOICE, "audio/mp4", "m4a",
              "audio/mp4 audio/x-m4a audio/m4a audio/aac audio/x-aac video/mp4 m4a mp4 aac")
AAC = _format(gettext_lazy("an AAC recording"), VOICE, "audio/aac", "aac",
              "audio/aac audio/x-aac audio/aacp aac")
AMR = _format(gettext_lazy("an AMR voice note"), VOICE, "audio/amr", "amr", "audio/amr audio/x-amr amr")
AMR_WB = _format(gettext_lazy("an AMR-WB voice note"), VOICE, "audio/amr-wb", "awb",
                 "audio/amr-wb audio/amr awb amr")
THREE_GP = _format(gettext_lazy("a 3GP voice note"), VOICE, "audio/3gpp", "3gp",
                   "audio/3gpp video/3gpp audio/amr 3gp 3gpp 3ga amr")
WAV = _format(gettext_lazy("a WAV recording"), VOICE, "audio/wav", "wav",
              "audio/wav audio/x-wav audio/wave audio/vnd.wave wav")
# fmt: on
FORMATS = (JPEG, PNG, WEBP, PDF, OGG, MP3, M4A, AAC, AMR, AMR_WB, THREE_GP, WAV)
BY_CONTENT_TYPE = {f.content_type: f for f in FORMATS}
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2"}
_VIDEO_TRACK = re.compile(rb"hdlr[\s\S]{8}vide")  # an MP4 or 3GP handler box for a video track


def sniff(data: bytes) -> Format | None:
    """The format the bytes say, or None when they are not one that is taken."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE"):
        return WEBP if head[8:12] == b"WEBP" else WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"OggS") and len(head) > 27:
        # The first page's packet names the codec: speech is Opus (WhatsApp) or Vorbis; not Ogg video.
        packet = head[27 + head[26] :]
        return OGG if packet.startswith((b"OpusHead", b"\x01vorbis")) else None
    if head.startswith(b"#!AMR-WB\n"):
        return AMR_WB
    if head.startswith(b"#!AMR\n"):
        return AMR
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        box = M4A if brand in MP4_AUDIO_BRANDS else THREE_GP if brand[:3] in (b"3gp", b"3g2") else None
        return None if box is None or _VIDEO_TRACK.search(data) else box
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return MP3  # an ID3 tag, or an MPEG audio frame header of layer III
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return AAC  # an ADTS frame header
    return None


def _claimed(content_type: str, name: str) -> set[Format] | None:
    """The formats the sender's word allows: by the declared type or, when there is none, by the name's
    extension. None: the sender said nothing we can check."""
    declared = content_type.split(";")[0].strip().lower()
    if declared not in UNDECLARED:
        return {f for f in FORMATS if declared in f.claims}
    extension = name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""
    return {f for f in FORMATS if extension in f.claims} or None


# --- Refusals ------------------------------------------------------------------------------------------
class EvidenceError(CrisisError):
    """A file refused: too large (413), not a kind that is taken or not what it says it is (415)."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message, {"file": message}, status=status)
        self.code = code


def _too_large(limit: int) -> EvidenceError:
    return EvidenceError(
        _("The file is too large: at most %(size)s. Nothing was saved.") % {"size": filesizeformat(limit)},
        status=413,
        code="too_large",
    )


def _unsupported() -> EvidenceError:
    return EvidenceError(
        _(
            "This kind of file cannot be added: photos (JPEG, PNG, WebP), PDF documents and voice notes "
            "(Ogg, MP3, M4A, AAC, AMR, 3GP, WAV) only. Nothing was saved."
        ),
        status=415,
        code="unsupported_media_type",
    )


# --- Receiving an upload -------------------------------------------------------------------------------
class EvidenceUploadHandler(FileUploadHandler):
    """Keeps the one uploaded file, named "file", in memory: Django's default puts a large upload in a
    temporary file, which would be the evidence in plain text on disk. Keeps no more than the largest size
    allowed; the rest is counted, not kept, so that the refusal can say the file is too large."""

    field = "file"

    def __init__(self, request=None):
        super().__init__(request)
        self.taken = False

    def new_file(self, field_name, *args, **kwargs):
        if field_name != self.field or self.taken:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self.buffer, self.received = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        room = LARGEST + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])

    def file_complete(self, file_size):
        self.taken = True
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, self.received, self.charset,
            self.content_type_extra,
        )  # fmt: skip


def keep_uploads_in_memory(request) -> None:
    """Before anything reads the request's body (request.POST, request.FILES, a CSRF check)."""
    request.upload_handlers = [EvidenceUploadHandler(request)]


@dataclass(frozen=True)
class _Received:
    data: bytes  # at most LARGEST + 1 bytes
    size: int  # the whole file's
    declared: str
    name: str


def _receive(upload: UploadedFile | bytes, name: str, content_type: str) -> _Received:
    if isinstance(upload, bytes | bytearray):
        return _Received(bytes(upload), len(upload), content_type, name)
    upload.seek(0)
    data = upload.read(LARGEST + 1)
    return _Received(data, max(upload.size or 0, len(data)), upload.content_type or "", upload.name or "")


def _checked(received: _Received) -> Format:
    if received.size == 0:
        raise CrisisError(_("The file is empty. Nothing was saved."), {"file": _("Choose a file.")})
    if received.size > LARGEST:
        raise _too_large(LARGEST)
    found = sniff(received.data)
    if found is None:
        raise _unsupported()
    claimed = _claimed(received.declared, received.name)
    # A picture sent under another picture's name (a PNG screenshot forwarded as .jpg) is what phones do, and
    # harmless; a file that claims to be another kind of thing altogether is disguised.
    if claimed is not None and found.kind not in {format.kind for format in claimed}:
        raise EvidenceError(
            _("This file is %(found)s but says it is something else: it may be disguised. Nothing was saved.")
            % {"found": found.label},
            status=415,
            code="unsupported_media_type",
        )
    if received.size > LIMITS[found.kind]:
        raise _too_large(LIMITS[found.kind])
    return found


# --- The copy for the screen ---------------------------------------------------------------------------
def display_copy(data: bytes, found: Format) -> bytes:
    """The picture's pixels only, upright, at most DISPLAY_LONGEST pixels a side, in its own format. A new
    image is made from the pixels, so that nothing of the original's metadata can come along."""
    try:
        with Image.open(io.BytesIO(data), formats=[found.pillow]) as image:
            if image.width * image.height > PIXELS_MAX:
                raise EvidenceError(
                    _("The picture is too large to show: at most %(n)s megapixels. Nothing was saved.")
                    % {"n": PIXELS_MAX // 1_000_000},
                    status=413,
                    code="too_large",
                )
            image.draft("RGB", (DISPLAY_LONGEST, DISPLAY_LONGEST))  # JPEG: decode at a smaller scale
            upright = ImageOps.exif_transpose(image)
            upright = _in_srgb(upright, image.info.get("icc_profile"))
            mode = "RGBA" if found is not JPEG and upright.has_transparency_data else "RGB"
            pixels = upright.convert(mode)
            pixels.thumbnail((DISPLAY_LONGEST, DISPLAY_LONGEST))
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except EvidenceError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceError(
            _("The picture cannot be read: the file may be damaged. Nothing was saved."),
            status=415,
            code="unsupported_media_type",
        ) from None
    out = io.BytesIO()
    options = {"JPEG": {"quality": 85}, "WEBP": {"quality": 85}, "PNG": {}}[found.pillow]
    clean.save(out, format=found.pillow, **options)
    return out.getvalue()


def _in_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours as they were meant, once the ICC profile is dropped (a bruise must look like a bruise)."""
    if not icc:
        return image
    from PIL import ImageCms

    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an odd profile: the colours may be a little off, nothing of it is kept either way
    return converted or image


# --- Files on disk -------------------------------------------------------------------------------------
def evidence_dir() -> Path:
    return Path(settings.DATA_DIR) / "evidence"


def file_path(token: str, *, display: bool = False) -> Path:
    """Only ever with a token from the database, never one from a request."""
    return evidence_dir() / token[:2] / (f"{token}.display" if display else token)


def _write(path: Path, blob: bytes) -> None:
    """Whole or not at all: written beside its place and flushed to disk, then linked into it in one step
    (a link, not a rename: it refuses to replace a file that is already there, however unlikely)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(blob)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def _fingerprint(sha256: str) -> str:
    """The hash as 9f:86:d0:...: the audit trail refuses seven digits in a row (they could be a phone
    number), which a hash in one piece has more often than not."""
    return ":".join(sha256[i : i + 2] for i in range(0, len(sha256), 2))


# --- Adding, opening, verifying ------------------------------------------------------------------------
def attachment_add(
    *,
    crisis: Crisis,
    upload: UploadedFile | bytes,
    name: str = "",
    content_type: str = "",
    description: str = "",
    by: Person,
    request=None,
) -> Attachment:
    """Add a file to a crisis: `upload` is an uploaded file, or its bytes with the `name` and the
    `content_type` the sender gave. Checked whole before anything is written; refused with EvidenceError
    (413, 415) or CrisisError. The name is used for that check only, never kept: it may hold a name.
    The files are written first and removed if the transaction fails: call it outside a larger transaction,
    whose later rollback would leave them behind."""
    _work(by, crisis)
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise CrisisError(
            _("Nothing was saved."),
            {"description": _("Keep it short (at most %(n)s letters).") % {"n": DESCRIPTION_MAX}},
        )
    received = _receive(upload, name, content_type)
    found = _checked(received)
    original = received.data
    sha256 = hashlib.sha256(original).hexdigest()
    screen = display_copy(original, found) if found.pillow else None
    key = _data_key(crisis)
    token = secrets.token_urlsafe(16)
    written: list[Path] = []
    try:
        for path, content in ((file_path(token), original), (file_path(token, display=True), screen)):
            if content is not None:
                _write(path, seal_bytes_with(key, content, purpose=PURPOSE))
                written.append(path)
        with transaction.atomic():
            # An erasure committed since `crisis` was read would have destroyed the key of these files.
            current = Crisis.objects.select_for_update().filter(pk=crisis.pk).exclude(data_key_wrapped="")
            if not current.exists():
                raise CrisisError(_("This crisis's client was erased; it can no longer change."), status=409)
            attachment = Attachment.objects.create(
                crisis=crisis,
                token=token,
                kind=found.kind,
                content_type=found.content_type,
                size=received.size,
                sha256=sha256,
                has_display_copy=screen is not None,
                uploaded_by=by,
                description_sealed=seal_with(key, description, purpose="attachment.description"),
            )
            TimelineEntry.objects.create(
                crisis=crisis,
                kind=TimelineEntry.Kind.ATTACHMENT,
                at=attachment.uploaded_at,
                by=by,
                data={
                    "attachment": attachment.pk,
                    "kind": found.kind,
                    "size": received.size,
                    "sha256": sha256,
                },
            )
            audit_record(
                actor=by, action="attachment.add", obj=attachment, team=crisis.team_id, request=request,
                details={"crisis": crisis.reference, "kind": found.kind, "size": received.size,
                         "sha256": _fingerprint(sha256)},
            )  # fmt: skip
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return attachment


def _erased() -> EvidenceError:
    return EvidenceError(_("This evidence was erased with its client's data."), status=404, code="not_found")


def attachment_open(*, attachment: Attachment, by: Person, display: bool, request=None) -> bytes:
    """The file's bytes, the copy for the screen (`display`) or the original, for a reader who may see the
    crisis; the read is audited."""
    crisis = attachment.crisis
    require(by, Action.CRISIS_VIEW, crisis)
    if display and not attachment.has_display_copy:
        raise CrisisError(_("This file has no copy for the screen."), status=404)
    if not crisis.data_key_wrapped:
        raise _erased()
    blob = file_path(attachment.token, display=display).read_bytes()
    content = open_bytes_with(_data_key(crisis), blob, purpose=PURPOSE)
    audit_record(
        actor=by, action="attachment.read", obj=attachment, team=crisis.team_id, request=request,
        details={"crisis": crisis.reference, "display": display},
    )  # fmt: skip
    return content


def attachment_verify(*, attachment: Attachment) -> bool:
    """Whether the original on disk still opens with its crisis's key and has the SHA-256 taken at upload.
    False when it is missing or was changed; EvidenceError when it was erased."""
    crisis = attachment.crisis
    if not crisis.data_key_wrapped:
        raise _erased()
    try:
        blob = file_path(attachment.token).read_bytes()
        original = open_bytes_with(_data_key(crisis), blob, purpose=PURPOSE)
    except (FileNotFoundError, CryptoError):
        return False
    return hashlib.sha256(original).hexdigest() == attachment.sha256


# --- Reading the list ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvidenceItem:
    attachment: Attachment
    number: int  # 1, 2, ... in the order they were added to the crisis
    description: str
    kind_label: str | Promise
    erased: bool


@dataclass(frozen=True)
class Evidence:
    """What the crisis page shows (templates/crises/_evidence.html): the files and the limits."""

    items: list[EvidenceItem]
    photo_max: int = LIMITS[PHOTO]
    document_max: int = LIMITS[DOCUMENT]
    voice_max: int = LIMITS[VOICE]


def crisis_evidence(*, crisis: Crisis) -> Evidence:
    """A crisis's evidence, oldest first, descriptions opened: for a reader the caller has checked."""
    key = _data_key(crisis) if crisis.data_key_wrapped else None

    def item(number: int, attachment: Attachment) -> EvidenceItem:
        sealed = attachment.description_sealed
        return EvidenceItem(
            attachment=attachment,
            number=number,
            description=open_with(key, sealed, purpose="attachment.description") if key else "",
            kind_label=KINDS.get(attachment.kind, attachment.kind),
            erased=key is None,
        )

    attachments = crisis.attachments.select_related("uploaded_by").order_by("pk")
    return Evidence([item(number, attachment) for number, attachment in enumerate(attachments, start=1)])


def attachment_description(attachment: Attachment) -> str:
    """What the uploader said it shows, opened: for a reader the caller has checked."""
    crisis = attachment.crisis
    if not crisis.data_key_wrapped:
        return ""
    return open_with(_data_key(crisis), attachment.description_sealed, purpose="attachment.description")


def attachment_number(attachment: Attachment) -> int:
    return Attachment.objects.filter(crisis_id=attachment.crisis_id, pk__lte=attachment.pk).count()


def download_name(attachment: Attachment, *, display: bool) -> str:
    """C-7K3P-evidence-1.jpg: the crisis and the order, nothing of what the sender called the file."""
    found = BY_CONTENT_TYPE.get(attachment.content_type)
    extension = found.extension if found else "bin"
    original = "" if display else "-original"
    return f"{attachment.crisis.reference}-evidence-{attachment_number(attachment)}{original}.{extension}"


# --- Erasure -------------------------------------------------------------------------------------------
def evidence_shred(crisis_ids: Iterable[int]) -> int:
    """Delete the evidence files of these crises, once their data keys are destroyed (client_erase calls
    this when its transaction commits). The rows stay, with the SHA-256 and the size, for the record; the
    description goes. Returns how many files were deleted."""
    attachments = Attachment.objects.filter(crisis_id__in=list(crisis_ids))
    deleted = 0
    for token in attachments.values_list("token", flat=True):
        for path in (file_path(token), file_path(token, display=True)):
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # no screen copy, or shredded before
            deleted += 1
    attachments.update(description_sealed="", has_display_copy=False)
    return deleted
