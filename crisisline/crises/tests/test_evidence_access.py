"""Opening evidence: only for those who may see the crisis, every read audited, served with strict headers;
everyone else gets 404, exactly as for a token that does not exist."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.crises.evidence import attachment_add, crisis_evidence
from crisisline.crises.tests import evidence_samples as samples
from crisisline.people.services import token_create

CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "evidence"


@pytest.fixture
def crisis(open_crisis):
    return open_crisis()


@pytest.fixture
def photo(crisis, person):
    return attachment_add(
        crisis=crisis,
        upload=samples.jpeg_with_gps(),
        content_type="image/jpeg",
        description="her arm",
        by=person,
    )


@pytest.fixture
def paper(crisis, person, photo):
    return attachment_add(crisis=crisis, upload=samples.pdf(), content_type="application/pdf", by=person)


def web(person) -> Client:
    return sign_in(Client(), person)


def api(person) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(person=person, name='tests').plaintext}")


def reads():
    return list(AuditEntry.objects.filter(action="attachment.read").order_by("seq"))


# --- Someone of the crisis's team ------------------------------------------------------------------------
def test_a_team_member_opens_the_copy_for_the_screen_and_the_read_is_audited(responder, crisis, photo):
    response = web(responder).get(reverse("evidence", args=[photo.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert samples.GPS_MARKER not in response.content
    assert response.content.startswith(b"\xff\xd8\xff")
    [read] = reads()
    assert read.actor_id == responder.pk
    assert (read.object_type, read.object_id) == ("attachment", str(photo.pk))
    assert read.details == {"crisis": crisis.reference, "display": True}


def test_the_original_is_served_as_a_download_and_the_read_is_audited(responder, crisis, photo):
    response = web(responder).get(reverse("evidence", args=[photo.token]) + "?original=1")
    assert response.status_code == 200
    assert response.content == samples.jpeg_with_gps()
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{crisis.reference}-evidence-1-original.jpg"'
    )
    [read] = reads()
    assert read.details == {"crisis": crisis.reference, "display": False}


def test_the_file_is_served_with_strict_headers(responder, crisis, photo):
    response = web(responder).get(reverse("evidence", args=[photo.token]))
    assert response["Content-Disposition"] == f'inline; filename="{crisis.reference}-evidence-1.jpg"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CSP


def test_a_document_is_a_download_with_a_neutral_name(responder, crisis, paper):
    response = web(responder).get(reverse("evidence", args=[paper.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{crisis.reference}-evidence-2-original.pdf"'
    )
    assert response.content == samples.pdf()


def test_the_api_lists_and_serves_the_files(responder, crisis, photo, paper):
    client = api(responder)
    listed = client.get(f"/api/v1/crises/{crisis.reference}/attachments")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2
    assert [item["token"] for item in body["items"]] == [photo.token, paper.token]
    assert body["items"][0]["description"] == "her arm"
    assert not reads()  # listing opens no file
    response = client.get(f"/api/v1/attachments/{photo.token}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == CSP
    assert response["Cache-Control"] == "no-store"
    original = client.get(f"/api/v1/attachments/{photo.token}?original=true")
    assert original.content == samples.jpeg_with_gps()
    assert [read.details["display"] for read in reads()] == [True, False]


def test_the_crisis_page_lists_the_evidence_without_the_file_names(rf, responder, crisis, photo, paper):
    request = rf.get("/")
    request.user = responder
    html = render_to_string(
        "crises/_evidence.html",
        {"crisis": crisis, "evidence": crisis_evidence(crisis=crisis)},
        request=request,
    )
    assert reverse("evidence", args=[photo.token]) in html
    assert reverse("evidence", args=[paper.token]) in html
    assert photo.sha256[:16] in html
    assert "her arm" in html
    assert reverse("evidence_upload", args=[crisis.reference]) in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf,audio/*"' in html
    assert 'capture="environment"' in html
    assert not reads()


# --- Everyone else ---------------------------------------------------------------------------------------
@pytest.fixture
def outsiders(network):
    state = network["states"]["KA"]
    return {
        "another team": make_person("selvi", ("team_lead", network["teams"]["madurai"])),
        "same organisation, other team": make_person("asha", ("responder", network["teams"]["mysuru2"])),
        "programme manager": make_person("pm", ("programme_manager", state)),
        "administrator": make_person("admin", ("administrator", None)),
    }


@pytest.mark.parametrize(
    "who", ["another team", "same organisation, other team", "programme manager", "administrator"]
)
def test_someone_who_may_not_see_the_crisis_gets_404_on_the_web_and_the_api(outsiders, who, crisis, photo):
    outsider = outsiders[who]
    browser, client = web(outsider), api(outsider)
    for url in (
        reverse("evidence", args=[photo.token]),
        reverse("evidence", args=[photo.token]) + "?original=1",
    ):
        assert browser.get(url).status_code == 404
    for url in (
        f"/api/v1/attachments/{photo.token}",
        f"/api/v1/attachments/{photo.token}?original=true",
        f"/api/v1/crises/{crisis.reference}/attachments",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    upload = samples.pdf()
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = client.post(
        f"/api/v1/crises/{crisis.reference}/attachments",
        {"file": SimpleUploadedFile("x.pdf", upload, content_type="application/pdf")},
    )
    assert posted.status_code == 404
    assert browser.post(reverse("evidence_upload", args=[crisis.reference])).status_code == 404
    assert not reads()


def test_a_token_that_does_not_exist_answers_the_same_404(outsiders, responder, photo):
    missing = "A" * len(photo.token)
    outsider = outsiders["another team"]
    assert web(responder).get(reverse("evidence", args=[missing])).status_code == 404
    assert (
        api(responder).get(f"/api/v1/attachments/{missing}").json()
        == api(outsider).get(f"/api/v1/attachments/{photo.token}").json()
    )


def test_someone_signed_out_is_sent_to_sign_in(client, photo):
    url = reverse("evidence", args=[photo.token])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not reads()
    assert client.get(f"/api/v1/attachments/{photo.token}").status_code == 401
