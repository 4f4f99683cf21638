"""At rest: identities are not readable in a database dump, an erased client leaves nothing to find even
there, and a master key rotation leaves every record readable."""

import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import require_component
from crisisline.crises.keys import keys_pending, keys_status
from crisisline.crises.models import Client, Crisis
from crisisline.crises.services import (
    client_correct,
    client_erase,
    crisis_identity,
    crisis_text,
    timeline_add,
)
from crisisline.lib import crypto

NAME, PHONE = "Shanthamma Rangaswamy", "9845012345"


def database_dump() -> str:
    """Everything the database holds, as its own dump tool writes it."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    require_component("pg_dump", shutil.which("pg_dump") is not None, "apt-get install postgresql-client")
    settings = connection.settings_dict
    result = subprocess.run(
        ["pg_dump", "--data-only", "-h", settings["HOST"] or "localhost", "-p", str(settings["PORT"] or 5432),
         "-U", settings["USER"] or "postgres", settings["NAME"]],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.fixture
def crisis(open_crisis, lead, responder):
    crisis = open_crisis("sexual_violence", phone=PHONE, note=f"{NAME} called from the lodge")
    client_correct(
        client=crisis.client, by=lead, reason="she gave her name", name=NAME, address="Lodge lane 4"
    )
    timeline_add(crisis=crisis, kind="call", text=f"spoke with {NAME} on {PHONE}", by=responder)
    return crisis


@pytest.mark.django_db(transaction=True)
def test_identities_never_appear_in_the_dump_and_erasure_leaves_nothing_to_find(crisis, lead):
    dump = database_dump()
    for planted in (NAME, PHONE, "Lodge lane"):
        assert planted not in dump
    client_erase(client=crisis.client, by=lead, reason="she asked")
    dump = database_dump()
    assert NAME not in dump and PHONE not in dump
    # Even with the master key in hand, nothing of hers opens any more: her data keys are gone.
    client = Client.objects.get(pk=crisis.client_id)
    assert client.data_key_wrapped == "" and Crisis.objects.get(pk=crisis.pk).data_key_wrapped == ""


def test_rotation_rewraps_everything_and_every_record_stays_readable(crisis, responder, settings):
    crypto._keyring.cache_clear()
    settings.MASTER_KEYS = [bytes(range(32)), *settings.MASTER_KEYS]
    try:
        assert keys_pending() > 0
        call_command("keys", "rotate", verbosity=0)
        assert keys_pending() == 0
        current = crypto.current_key_id()
        assert all(set(counts) <= {current} for counts in keys_status().values())
        # Retire the old key: everything still opens, because everything is under the new one.
        settings.MASTER_KEYS = settings.MASTER_KEYS[:1]
        crypto._keyring.cache_clear()
        crisis = Crisis.objects.get(pk=crisis.pk)
        assert crisis_identity(crisis=crisis, by=responder).name == NAME
        assert NAME in crisis_text(crisis, crisis.note_sealed, purpose="crisis.note")
        assert NAME in crisis_text(crisis, crisis.timeline.get(kind="call").text_sealed, purpose="timeline")
        assert crypto.unseal(
            responder.__class__.objects.get(pk=responder.pk).totp_secret_sealed, purpose="totp"
        )
    finally:
        crypto._keyring.cache_clear()
