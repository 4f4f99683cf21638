"""Erasing a client takes their evidence with it: the data keys are destroyed, then the files are deleted,
so that not even a backup of the database with the old wrapped keys could open them again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from crisisline.crises.evidence import EvidenceError, attachment_add, attachment_open, attachment_verify
from crisisline.crises.models import Attachment, Crisis
from crisisline.crises.services import CrisisError, client_erase
from crisisline.crises.tests import evidence_samples as samples
from crisisline.people.services import token_create


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "evidence"


@pytest.fixture
def crisis(open_crisis):
    return open_crisis(phone="9845012345")


@pytest.fixture
def evidence(crisis, person):
    photo = attachment_add(
        crisis=crisis,
        upload=samples.jpeg_with_gps(),
        content_type="image/jpeg",
        description="her arm",
        by=person,
    )
    voice = attachment_add(crisis=crisis, upload=samples.amr(), content_type="audio/amr", by=person)
    return [photo, voice]


@pytest.fixture
def erased(crisis, lead, evidence, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=crisis.client, by=lead, reason="she asked us to")
    for attachment in evidence:
        attachment.refresh_from_db()
        attachment.crisis.refresh_from_db()
    return evidence


def files_in(directory):
    return [path for path in directory.rglob("*") if path.is_file()]


def test_erasing_the_client_deletes_the_evidence_files(evidence, evidence_dir, erased):
    assert files_in(evidence_dir) == []


def test_the_rows_stay_for_the_record_without_the_description(erased):
    photo = erased[0]
    assert Attachment.objects.count() == 2
    assert photo.sha256 and photo.size and photo.kind == "photo"
    assert photo.description_sealed == ""
    assert not photo.has_display_copy


def test_erased_evidence_no_longer_opens(erased, person):
    photo, voice = erased
    for attachment in (photo, voice):
        with pytest.raises(EvidenceError) as refused:
            attachment_open(attachment=attachment, by=person, display=False)
        assert refused.value.status == 404
        with pytest.raises(EvidenceError):
            attachment_verify(attachment=attachment)


def test_erased_evidence_answers_404_on_the_web_and_the_api(erased, person):
    photo, voice = erased
    browser = sign_in(Client(), person)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(person=person, name='tests').plaintext}")
    for attachment in (photo, voice):
        assert browser.get(reverse("evidence", args=[attachment.token])).status_code == 404
        assert browser.get(reverse("evidence", args=[attachment.token]) + "?original=1").status_code == 404
        assert api.get(f"/api/v1/attachments/{attachment.token}?original=true").status_code == 404


def test_nothing_more_can_be_added_to_an_erased_clients_crisis(erased, crisis, person, evidence_dir):
    crisis.refresh_from_db()
    with pytest.raises(CrisisError) as refused:
        attachment_add(crisis=crisis, upload=samples.pdf(), content_type="application/pdf", by=person)
    assert refused.value.status == 409
    assert files_in(evidence_dir) == []


def test_the_files_go_only_once_the_erasure_commits(crisis, lead, evidence, evidence_dir):
    """Until then (here: never, the test's transaction is rolled back) the files are not touched."""
    client_erase(client=crisis.client, by=lead, reason="she asked us to")
    assert len(files_in(evidence_dir)) == 3  # the photo, its screen copy, the voice note


def test_a_file_sent_while_the_client_is_erased_is_not_kept(crisis, lead, person, evidence_dir):
    in_flight = Crisis.objects.select_related("client").get(pk=crisis.pk)  # read before the erasure
    client_erase(client=crisis.client, by=lead, reason="she asked us to")
    with pytest.raises(CrisisError) as refused:
        attachment_add(crisis=in_flight, upload=samples.pdf(), content_type="application/pdf", by=person)
    assert refused.value.status == 409
    assert not Attachment.objects.exists()
    assert files_in(evidence_dir) == []
