"""Adding evidence: what is taken and kept, what is refused, and that a refusal leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.crises import evidence
from crisisline.crises.evidence import EvidenceError, attachment_add, attachment_open, attachment_verify
from crisisline.crises.models import Attachment, TimelineEntry
from crisisline.crises.services import CrisisError
from crisisline.crises.tests import evidence_samples as samples
from crisisline.lib.crypto import open_bytes_with, unwrap
from crisisline.people.services import token_create

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "evidence"


@pytest.fixture
def crisis(open_crisis):
    return open_crisis()


def add(crisis, by, data, *, name="file", content_type="", description=""):
    return attachment_add(
        crisis=crisis, upload=data, name=name, content_type=content_type, description=description, by=by
    )


def files_in(directory):
    return sorted(path for path in directory.rglob("*") if path.is_file()) if directory.exists() else []


# --- A photo ---------------------------------------------------------------------------------------------
def test_the_original_photo_is_kept_byte_for_byte_with_its_sha256(crisis, person):
    photo = samples.jpeg_with_gps()
    attachment = add(crisis, person, photo, name="IMG_2041.jpg", content_type="image/jpeg")
    assert attachment.kind == "photo"
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(photo)
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    assert attachment.has_display_copy
    assert attachment_open(attachment=attachment, by=person, display=False) == photo
    assert attachment_verify(attachment=attachment)


def test_the_copy_for_the_screen_has_no_metadata_and_stands_upright(crisis, person):
    attachment = add(crisis, person, samples.jpeg_with_gps(width=40, height=20), content_type="image/jpeg")
    shown = attachment_open(attachment=attachment, by=person, display=True)
    assert samples.GPS_MARKER not in shown
    image = Image.open(io.BytesIO(shown))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0  # no EXIF at all: no GPS, no camera, no orientation
    assert "icc_profile" not in image.info
    assert "xmp" not in image.info
    # Stored on its side with orientation 6: upright it is tall, the left (red) half on top.
    assert image.size == (20, 40)
    assert image.getpixel((10, 5))[0] > 200 and image.getpixel((10, 5))[2] < 50
    assert image.getpixel((10, 35))[2] > 200 and image.getpixel((10, 35))[0] < 50


def test_the_files_on_disk_are_encrypted_with_the_crisis_key(crisis, person, evidence_dir):
    photo = samples.jpeg_with_gps()
    attachment = add(crisis, person, photo, content_type="image/jpeg")
    token = attachment.token
    original, display = evidence_dir / token[:2] / token, evidence_dir / token[:2] / f"{token}.display"
    assert files_in(evidence_dir) == sorted([original, display])
    for path in (original, display):
        stored = path.read_bytes()
        assert not stored.startswith(b"\xff\xd8\xff")  # no JPEG magic
        assert b"Exif" not in stored and b"JFIF" not in stored
        assert samples.GPS_MARKER not in stored
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = unwrap(crisis.data_key_wrapped)
    assert open_bytes_with(key, original.read_bytes(), purpose="attachment") == photo


def test_a_changed_file_no_longer_verifies(crisis, person, evidence_dir):
    attachment = add(crisis, person, samples.pdf(), content_type="application/pdf")
    path = evidence_dir / attachment.token[:2] / attachment.token
    stored = bytearray(path.read_bytes())
    stored[-1] ^= 1
    path.write_bytes(bytes(stored))
    assert not attachment_verify(attachment=attachment)
    path.unlink()
    assert not attachment_verify(attachment=attachment)


# --- Documents and voice notes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "name", "declared", "kind", "content_type"),
    [
        (samples.pdf(), "report.pdf", "application/pdf", "document", "application/pdf"),
        (samples.ogg_opus(), "PTT-20240301-WA0004.opus", "audio/ogg", "voice", "audio/ogg"),
        # A phone's browser often does not know .amr: it says nothing, and the bytes decide.
        (samples.amr(), "Voice 001.amr", "application/octet-stream", "voice", "audio/amr"),
        (samples.amr(), "", "", "voice", "audio/amr"),
        (samples.m4a(), "Recording.m4a", "audio/x-m4a", "voice", "audio/mp4"),
    ],
    ids=["pdf", "ogg-opus", "amr-undeclared", "amr-no-name", "m4a"],
)
def test_documents_and_voice_notes_are_taken_without_a_screen_copy(
    crisis, person, evidence_dir, data, name, declared, kind, content_type
):
    attachment = add(crisis, person, data, name=name, content_type=declared)
    assert (attachment.kind, attachment.content_type) == (kind, content_type)
    assert not attachment.has_display_copy
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert files_in(evidence_dir) == [evidence_dir / attachment.token[:2] / attachment.token]
    assert attachment_open(attachment=attachment, by=person, display=False) == data


def test_adding_writes_the_timeline_and_the_audit_trail_without_the_file_name(crisis, person):
    photo = samples.jpeg_with_gps()
    attachment = add(
        crisis,
        person,
        photo,
        name="Lakshmi-injury.jpg",
        content_type="image/jpeg",
        description="bruises on her arm",
    )
    entry = crisis.timeline.get(kind=TimelineEntry.Kind.ATTACHMENT)
    assert entry.by == person
    assert entry.data == {
        "attachment": attachment.pk,
        "kind": "photo",
        "size": len(photo),
        "sha256": attachment.sha256,
    }
    audit = AuditEntry.objects.get(action="attachment.add")
    sha256 = attachment.sha256
    assert audit.details == {
        "crisis": crisis.reference,
        "kind": "photo",
        "size": len(photo),
        "sha256": ":".join(sha256[i : i + 2] for i in range(0, 64, 2)),
    }
    assert (audit.object_type, audit.object_id, audit.team_id) == (
        "attachment",
        str(attachment.pk),
        crisis.team_id,
    )
    for text in (str(entry.data), str(audit.details), audit.reason):
        assert "Lakshmi" not in text and "bruises" not in text
    assert "bruises" not in attachment.description_sealed  # sealed with the crisis key
    assert evidence.attachment_description(attachment) == "bruises on her arm"


# --- Refusals --------------------------------------------------------------------------------------------
def assert_nothing_saved(crisis, evidence_dir):
    assert not Attachment.objects.exists()
    assert not crisis.timeline.filter(kind=TimelineEntry.Kind.ATTACHMENT).exists()
    assert not AuditEntry.objects.filter(action="attachment.add").exists()
    assert files_in(evidence_dir) == []


def test_a_program_renamed_jpg_is_refused(crisis, person, evidence_dir):
    with pytest.raises(EvidenceError) as refused:
        add(crisis, person, samples.exe(), name="photo.jpg", content_type="image/jpeg")
    assert (refused.value.status, refused.value.code) == (415, "unsupported_media_type")
    assert "cannot be added" in refused.value.message
    assert_nothing_saved(crisis, evidence_dir)


def test_a_png_declared_as_pdf_is_refused_as_disguised(crisis, person, evidence_dir):
    with pytest.raises(EvidenceError) as refused:
        add(crisis, person, samples.png(), name="report.pdf", content_type="application/pdf")
    assert (refused.value.status, refused.value.code) == (415, "unsupported_media_type")
    assert "disguised" in refused.value.message
    assert_nothing_saved(crisis, evidence_dir)


def test_a_name_that_disagrees_is_refused_when_no_type_is_declared(crisis, person, evidence_dir):
    with pytest.raises(EvidenceError, match="disguised"):
        add(crisis, person, samples.png(), name="report.pdf", content_type="application/octet-stream")
    assert_nothing_saved(crisis, evidence_dir)


@pytest.mark.parametrize(
    ("data", "declared", "limit"),
    [
        (b"\xff\xd8\xff\xe0" + bytes(10 * MB), "image/jpeg", "10.0\xa0MB"),  # a photo: 10 MB
        (b"%PDF-1.4\n" + bytes(10 * MB), "application/pdf", "10.0\xa0MB"),  # a document: 10 MB
        (samples.amr() + bytes(20 * MB), "audio/amr", "20.0\xa0MB"),  # a voice note: 20 MB
    ],
    ids=["photo", "document", "voice"],
)
def test_an_oversized_file_is_refused(crisis, person, evidence_dir, data, declared, limit):
    with pytest.raises(EvidenceError) as refused:
        add(crisis, person, data, content_type=declared)
    assert (refused.value.status, refused.value.code) == (413, "too_large")
    assert limit in refused.value.message
    assert_nothing_saved(crisis, evidence_dir)


def test_a_voice_note_may_be_larger_than_a_photo(crisis, person):
    attachment = add(crisis, person, samples.amr() + bytes(12 * MB), content_type="audio/amr")
    assert attachment.size > 10 * MB


def test_a_damaged_picture_is_refused(crisis, person, evidence_dir):
    with pytest.raises(EvidenceError, match="cannot be read"):
        add(crisis, person, samples.jpeg_with_gps()[:200], content_type="image/jpeg")
    assert_nothing_saved(crisis, evidence_dir)


def test_an_empty_file_and_a_long_description_are_refused(crisis, person, evidence_dir):
    with pytest.raises(CrisisError, match="empty"):
        add(crisis, person, b"", content_type="image/jpeg")
    with pytest.raises(CrisisError) as refused:
        add(crisis, person, samples.pdf(), description="x" * 501)
    assert "description" in refused.value.fields
    assert_nothing_saved(crisis, evidence_dir)


def test_nothing_is_half_saved_when_the_database_refuses(crisis, person, evidence_dir, monkeypatch):
    def failing_audit(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        add(crisis, person, samples.jpeg_with_gps(), content_type="image/jpeg")
    assert_nothing_saved(crisis, evidence_dir)


def test_someone_outside_the_team_cannot_add(crisis, network, evidence_dir):
    from django.core.exceptions import PermissionDenied

    outsider = make_person("selvi", ("responder", network["teams"]["madurai"]))
    with pytest.raises(PermissionDenied):
        add(crisis, outsider, samples.pdf())
    assert_nothing_saved(crisis, evidence_dir)


# --- Through the web and the API -------------------------------------------------------------------------
def test_a_phone_uploads_a_photo_through_the_crisis_page(client, crisis, person):
    sign_in(client, person)
    photo = SimpleUploadedFile("IMG_2041.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        reverse("evidence_upload", args=[crisis.reference]), {"file": photo, "description": "her arm"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("crisis", args=[crisis.reference]) + "#evidence"
    attachment = Attachment.objects.get()
    assert (attachment.crisis, attachment.uploaded_by, attachment.kind) == (crisis, person, "photo")
    assert [str(m) for m in response.wsgi_request._messages] == ["Evidence added."]


def test_a_refused_upload_says_why_on_the_crisis_page(client, crisis, person, evidence_dir):
    sign_in(client, person)
    disguised = SimpleUploadedFile("report.pdf", samples.png(), content_type="application/pdf")
    response = client.post(reverse("evidence_upload", args=[crisis.reference]), {"file": disguised})
    assert response.status_code == 302
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "disguised" in message and "Nothing was saved" in message
    assert_nothing_saved(crisis, evidence_dir)


def test_a_large_upload_never_lands_in_a_plain_temporary_file(client, crisis, person, monkeypatch):
    """Django puts an upload over 2.5 MB in a temporary file by default: that would be the evidence, in
    plain, on disk."""

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the upload was written to a temporary file")

    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryUploadedFile", no_temporary_file)
    voice = samples.amr() + bytes(4 * MB)
    sign_in(client, person)
    response = client.post(
        reverse("evidence_upload", args=[crisis.reference]),
        {"file": SimpleUploadedFile("Voice 002.amr", voice, content_type="audio/amr")},
    )
    assert response.status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(person=person, name='tests').plaintext}")
    response = api.post(
        f"/api/v1/crises/{crisis.reference}/attachments",
        {"file": SimpleUploadedFile("Voice 003.amr", voice, content_type="audio/amr")},
    )
    assert response.status_code == 201
    assert [a.size for a in Attachment.objects.order_by("pk")] == [len(voice), len(voice)]


def test_the_api_adds_a_voice_note(api, crisis):
    voice = SimpleUploadedFile("note.ogg", samples.ogg_opus(), content_type="audio/ogg")
    response = api.post(
        f"/api/v1/crises/{crisis.reference}/attachments", {"file": voice, "description": "what she said"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body == {
        "token": attachment.token,
        "kind": "voice",
        "content_type": "audio/ogg",
        "size": len(samples.ogg_opus()),
        "sha256": hashlib.sha256(samples.ogg_opus()).hexdigest(),
        "uploaded_at": body["uploaded_at"],
        "uploaded_by": "meena",
        "has_display_copy": False,
        "description": "what she said",
    }


@pytest.mark.parametrize(
    ("name", "data", "declared", "status", "code"),
    [
        ("photo.jpg", samples.exe(), "image/jpeg", 415, "unsupported_media_type"),
        ("report.pdf", samples.png(), "application/pdf", 415, "unsupported_media_type"),
        ("big.jpg", b"\xff\xd8\xff\xe0" + bytes(10 * MB), "image/jpeg", 413, "too_large"),
    ],
    ids=["program", "disguised", "too-large"],
)
def test_the_api_refuses_in_the_one_error_shape(
    api, crisis, evidence_dir, name, data, declared, status, code
):
    upload = SimpleUploadedFile(name, data, content_type=declared)
    response = api.post(f"/api/v1/crises/{crisis.reference}/attachments", {"file": upload})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["fields"]["file"]
    assert_nothing_saved(crisis, evidence_dir)


def test_the_api_needs_a_file(api, crisis):
    response = api.post(f"/api/v1/crises/{crisis.reference}/attachments", {"description": "nothing"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_a_picture_under_another_pictures_name_is_taken_as_what_it_is(crisis, person):
    """A PNG screenshot forwarded as "photo.jpg" (phones do this) is not disguised: both are pictures."""
    attachment = add(crisis, person, samples.png(), name="photo.jpg", content_type="image/jpeg")
    assert attachment.content_type == "image/png" and attachment.kind == "photo"
