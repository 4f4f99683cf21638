"""Hindi: every string a person can see has a translation, and the pages use it.

The committed catalogue is crisisline/locale/hi/LC_MESSAGES/django.po. After adding or changing a string,
regenerate it from the crisisline package folder with `crisisline makemessages -l hi --no-obsolete`,
translate what is new, and `crisisline compiletranslations`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
from django.core.management import call_command
from django.urls import reverse

from conftest import require_component

PACKAGE_DIR = Path(__file__).resolve().parents[2]
HINDI_PO = PACKAGE_DIR / "locale" / "hi" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %.1f ... as Python's %-formatting reads them; "%%" is a literal per cent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _committed() -> polib.POFile:
    return polib.pofile(str(HINDI_PO))


def test_every_string_in_the_code_has_a_hindi_translation(tmp_path, monkeypatch, settings):
    require_component("gettext", shutil.which("xgettext") is not None, "apt-get install gettext")
    # makemessages writes into the first `locale` folder it meets below the working directory, so it
    # runs on a copy of the package: the committed catalogue is only read, never rewritten by a test.
    copy = tmp_path / "crisisline"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("locale", "static", "var", "__pycache__", "*.pyc")
    )
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command("makemessages", locale=["hi"], no_obsolete=True, verbosity=0)
    extracted = polib.pofile(str(copy / "locale" / "hi" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 50, "makemessages found almost no strings: is it looking in the right place?"

    committed = _committed()
    by_key = {_key(entry): entry for entry in committed}
    missing = [entry.msgid for entry in extracted if _key(entry) not in by_key]
    untranslated = [
        entry.msgid for entry in extracted if _key(entry) in by_key and not by_key[_key(entry)].translated()
    ]
    fuzzy = [entry.msgid for entry in committed if "fuzzy" in entry.flags]
    stale = sorted({_key(entry) for entry in committed} - {_key(entry) for entry in extracted})
    how = "run `crisisline makemessages -l hi --no-obsolete` in crisisline/ and translate"
    assert not fuzzy, f"fuzzy (a guess by msgmerge; check the Hindi and remove the flag): {fuzzy}"
    assert not missing, f"not in the Hindi catalogue ({how}): {missing}"
    assert not untranslated, f"no Hindi translation yet ({how}): {untranslated}"
    assert not stale, f"no longer in the code ({how}): {stale}"
    assert not committed.metadata_is_fuzzy, "the catalogue header is marked fuzzy"


def test_the_hindi_catalogue_is_in_devanagari_with_two_plural_forms():
    committed = _committed()
    assert committed.metadata["Language"] == "hi"
    assert committed.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    not_hindi = []
    for entry in committed:
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural and sorted(entry.msgstr_plural) != [0, 1]:
            not_hindi.append(entry.msgid)
        if not all(DEVANAGARI.search(text) for text in texts):
            not_hindi.append(entry.msgid)
    assert not not_hindi, f"translations with no Hindi in them, or without both plural forms: {not_hindi}"


def test_translations_keep_the_placeholders_of_the_english():
    broken = []
    for entry in _committed():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, hindi in pairs:
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(hindi)):
                broken.append((english, hindi))
    assert not broken, f"placeholders differ between English and Hindi: {broken}"


def test_the_placeholder_check_sees_a_lost_or_renamed_placeholder():
    # The check above is only worth having if it notices the usual slips.
    assert PLACEHOLDER.findall("%(n)s teams of %(total)d, %s, 50%%") == ["%(n)s", "%(total)d", "%s"]
    assert PLACEHOLDER.findall("%(n)s टीमें") != PLACEHOLDER.findall("%(number)s टीमें")


def test_the_sign_in_page_is_in_hindi_once_hindi_is_chosen(client, compiled_hindi):
    response = client.post(reverse("set_language"), {"language": "hi", "next": "/accounts/login/"})
    assert response.status_code == 302

    page = client.get("/accounts/login/").content.decode()

    assert '<html lang="hi">' in page
    assert "लॉग इन करें" in page  # Sign in
    assert "तुरंत बाहर" in page  # Quick exit
    assert "Quick exit" not in page
