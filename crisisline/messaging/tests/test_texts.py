"""The texts Crisisline sends: neutral, short, in the person's language, counted in SMS parts correctly."""

import re

import pytest
from django.core.management import call_command

from conftest import sign_in
from crisisline.messaging.texts import TEMPLATES, render, sms_units, template_lengths


def test_gsm_seven_bit_counts_160_then_153_a_part():
    assert sms_units("a" * 160) == ("GSM-7", 160, 1)
    assert sms_units("a" * 161) == ("GSM-7", 161, 2)
    assert sms_units("a" * 306) == ("GSM-7", 306, 2)
    assert sms_units("a" * 307) == ("GSM-7", 307, 3)
    assert sms_units("[]") == ("GSM-7", 4, 1)  # extension characters take two places


def test_any_indian_script_is_unicode_70_then_67_a_part():
    assert sms_units("क" * 70) == ("Unicode", 70, 1)
    assert sms_units("क" * 71) == ("Unicode", 71, 2)
    assert sms_units("a" * 134 + "क") == ("Unicode", 135, 3)
    assert sms_units("😀") == ("Unicode", 2, 1)  # outside the basic plane: two UTF-16 units


def test_every_text_renders_with_nothing_left_unfilled():
    for template in TEMPLATES.values():
        for language in template.texts:
            _used, text = render(
                template.code,
                language,
                ref="C-7K3P",
                urgency="urgent",
                code="C7K3P",
                link="https://x/p/t",
                count=3,
                when="Mon 20:00",
            )
            assert "{" not in text and "}" not in text, (template.code, language)


def test_a_page_carries_only_the_reference_urgency_code_and_link():
    used, text = render("page", "en", ref="C-7K3P", urgency="immediate", code="C7K3P", link="https://x/p/abc")
    assert used == "en"
    assert text == "Crisisline C-7K3P DANGER NOW. Reply 1 C7K3P to go, 2 C7K3P if you cannot. https://x/p/abc"
    assert not re.search(r"\d{7,}", text)


def test_a_language_without_the_text_falls_back_to_english():
    used, text = render("accepted", "ta", ref="C-7K3P")
    assert used == "en" and text.startswith("Crisisline C-7K3P")


def test_dlt_template_ids_come_from_the_settings(settings):
    settings.DLT_TEMPLATE_IDS = {"page": "1107000000000000001", "page.hi": "1107000000000000002"}
    ids = {(row.code, row.language): row.dlt_template_id for row in template_lengths()}
    assert ids[("page", "en")] == "1107000000000000001"
    assert ids[("page", "hi")] == "1107000000000000002"
    assert ids[("accepted", "en")] == ""


def test_administrators_see_every_text_with_its_length_and_parts(client, administrator, person):
    answer = sign_in(client, administrator).get("/messaging/templates")
    assert answer.status_code == 200
    page = answer.content.decode()
    for row in template_lengths():
        assert row.code in page
    client.logout()
    assert sign_in(client, person).get("/messaging/templates").status_code == 403


@pytest.mark.django_db
def test_the_command_lists_every_text(capsys):
    call_command("messaging", "templates")
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 + sum(len(t.texts) for t in TEMPLATES.values())
    assert re.search(r"page\s+hi\s+\d+\s+Unicode\s+\d", out)
