"""The second factor: setting up an authenticator app, codes that work once, backup codes for a lost phone,
a reset by someone allowed to manage the person, and the second step required at sign-in from everyone
whose roles can reach identities."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import TEST_TOTP_SECRET, make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.lib.crypto import unseal
from crisisline.lib.totp import STEP_SECONDS, code_at, step_at
from crisisline.people.models import BackupCode, Person, TrustedDevice
from crisisline.people.second_factor import (
    BACKUP_CODE_COUNT,
    SecondFactorError,
    backup_code_use,
    backup_codes_new,
    qr_code_data_uri,
    second_factor_check,
    second_factor_confirm,
    second_factor_enrol,
    second_factor_reset,
    secret_for_typing,
)

PASSWORD = "long-enough-password-1"
BACKUP_CODE = re.compile(r"^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$")


@pytest.fixture
def newcomer(network):
    """Ravi, a responder whose second factor is not set up yet."""
    ravi = make_person("ravi", ("responder", network["teams"]["mysuru"]))
    Person.objects.filter(pk=ravi.pk).update(totp_secret_sealed="", totp_confirmed_at=None)
    ravi.refresh_from_db()
    return ravi


def _code(secret: str = TEST_TOTP_SECRET, *, steps_later: int = 0) -> str:
    return code_at(secret, timezone.now() + timedelta(seconds=steps_later * STEP_SECONDS))


# --- Setting it up --------------------------------------------------------------------------------------
def test_enrolling_keeps_the_secret_sealed_and_the_same_until_confirmed(newcomer):
    secret = second_factor_enrol(person=newcomer)

    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    stored = Person.objects.get(pk=newcomer.pk)
    assert secret not in stored.totp_secret_sealed
    assert unseal(stored.totp_secret_sealed, purpose="totp").decode() == secret
    assert stored.totp_confirmed_at is None and not stored.has_second_factor
    assert second_factor_enrol(person=stored) == secret  # a reload shows the QR code already scanned


def test_a_wrong_first_code_does_not_confirm(newcomer):
    secret = second_factor_enrol(person=newcomer)
    wrong = str((int(_code(secret)) + 1) % 1_000_000).zfill(6)

    with pytest.raises(SecondFactorError):
        second_factor_confirm(person=newcomer, code=wrong)
    assert not Person.objects.get(pk=newcomer.pk).has_second_factor


def test_confirming_gives_ten_backup_codes_kept_only_as_digests(newcomer):
    secret = second_factor_enrol(person=newcomer)

    codes = second_factor_confirm(person=newcomer, code=_code(secret))

    assert newcomer.has_second_factor
    assert len(codes) == BACKUP_CODE_COUNT == len(set(codes))
    assert all(BACKUP_CODE.match(code) for code in codes), codes
    stored = list(BackupCode.objects.filter(person=newcomer).values_list("digest", flat=True))
    assert len(stored) == BACKUP_CODE_COUNT
    assert not {code.replace("-", "") for code in codes} & set(stored)
    assert AuditEntry.objects.filter(action="second_factor.enrol", actor_id=newcomer.pk).exists()
    # The code that confirmed cannot be used again to sign in.
    assert second_factor_check(person=newcomer, code=_code(secret)) is None


def test_the_qr_code_is_an_inline_svg_of_the_otpauth_link_and_the_secret_is_grouped_for_typing():
    uri = qr_code_data_uri("otpauth://totp/Crisisline:meena?secret=JBSWY3DPEHPK3PXP&issuer=Crisisline")
    assert uri.startswith("data:image/svg+xml")
    assert "<svg" in unquote(uri)
    assert secret_for_typing("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"


# --- Using it -------------------------------------------------------------------------------------------
def test_a_code_works_once_and_an_older_one_not_at_all(person):
    assert second_factor_check(person=person, code=_code()) == "totp"
    assert second_factor_check(person=person, code=_code()) is None  # replayed
    assert second_factor_check(person=person, code=_code(steps_later=-1)) is None  # older than one used
    assert second_factor_check(person=person, code=_code(steps_later=1)) == "totp"  # the phone runs ahead


def test_a_code_is_accepted_once_even_when_the_person_object_is_stale(person):
    stale = Person.objects.get(pk=person.pk)
    assert second_factor_check(person=person, code=_code()) == "totp"
    assert second_factor_check(person=stale, code=_code()) is None  # a second request at the same moment


def test_codes_from_too_far_away_in_time_are_refused(person):
    assert second_factor_check(person=person, code=_code(steps_later=3)) is None
    assert second_factor_check(person=person, code=_code(steps_later=-3)) is None
    assert second_factor_check(person=person, code="12345") is None
    assert second_factor_check(person=person, code="") is None


def test_a_backup_code_works_once_however_it_is_typed(person):
    codes = backup_codes_new(person=person)
    first, second = codes[0], codes[1]

    assert second_factor_check(person=person, code=f"  {first.upper()} ") == "backup_code"
    assert second_factor_check(person=person, code=first) is None
    assert backup_code_use(person=person, code=second.replace("-", " "))
    assert BackupCode.objects.filter(person=person, used_at__isnull=True).count() == BACKUP_CODE_COUNT - 2


def test_new_backup_codes_replace_the_old_ones(person):
    old = backup_codes_new(person=person)
    new = backup_codes_new(person=person)

    assert not backup_code_use(person=person, code=old[0])
    assert backup_code_use(person=person, code=new[0])
    assert AuditEntry.objects.filter(action="second_factor.backup_codes_new", actor_id=person.pk).count() == 2


def test_backup_codes_of_one_person_do_not_work_for_another(person, network):
    other = make_person("devi", ("call_receiver", network["teams"]["mysuru"]))
    codes = backup_codes_new(person=other)
    assert not backup_code_use(person=person, code=codes[0])


# --- Reset ----------------------------------------------------------------------------------------------
def test_an_administrator_resets_a_lost_phone_and_it_is_audited(person, administrator):
    backup_codes_new(person=person)
    TrustedDevice.objects.create(person=person, digest="d" * 64)

    second_factor_reset(person=person, by=administrator)

    person.refresh_from_db()
    assert not person.has_second_factor and person.totp_secret_sealed == ""
    assert not BackupCode.objects.filter(person=person).exists()
    assert not TrustedDevice.objects.filter(person=person).exists()
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert (entry.actor_id, entry.object_id) == (administrator.pk, str(person.pk))


def test_a_team_lead_resets_a_member_of_their_team(person, network):
    lead = make_person("lakshmi", ("team_lead", network["teams"]["mysuru"]))
    second_factor_reset(person=person, by=lead)
    assert not Person.objects.get(pk=person.pk).has_second_factor


def test_someone_not_allowed_to_manage_the_person_cannot_reset(person, network):
    colleague = make_person("devi", ("call_receiver", network["teams"]["mysuru"]))
    with pytest.raises(PermissionDenied):
        second_factor_reset(person=person, by=colleague)
    assert Person.objects.get(pk=person.pk).has_second_factor


def test_a_reset_ends_the_sessions_that_passed_the_old_second_factor(client, person, administrator):
    sign_in(client, person)
    assert client.get("/").status_code == 200

    second_factor_reset(person=person, by=administrator)

    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


# --- The second step at sign-in -------------------------------------------------------------------------
def _password(client, username="meena", password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/"}, **extra)


def test_after_the_password_comes_the_code_then_the_page(client, person, network):
    response = _password(client)
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/second-factor/"
    assert client.get("/").headers["Location"] == "/accounts/second-factor/?next=%2F"

    page = client.get("/accounts/second-factor/")
    html = page.content.decode()
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert page.headers["Cache-Control"] == "no-store"

    response = client.post("/accounts/second-factor/", {"code": _code(), "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.session["second_factor_verified"] is True


def test_the_page_asked_for_is_reached_after_both_steps(client, person, network):
    first = client.get("/teams/KA-MYS-01/")
    login = first.headers["Location"]
    assert login == "/accounts/login/?next=/teams/KA-MYS-01/"
    response = client.post(login, {"username": "meena", "password": PASSWORD, "next": "/teams/KA-MYS-01/"})
    verify = response.headers["Location"]
    assert verify == "/accounts/second-factor/?next=%2Fteams%2FKA-MYS-01%2F"
    response = client.post(verify, {"code": _code(), "next": "/teams/KA-MYS-01/"})
    assert response.headers["Location"] == "/teams/KA-MYS-01/"


def test_a_next_address_on_another_site_is_ignored(client, person, network):
    _password(client)
    response = client.post("/accounts/second-factor/", {"code": _code(), "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_wrong_code_is_refused_and_the_session_stays_half_way(client, person, network):
    _password(client)
    response = client.post("/accounts/second-factor/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/").headers["Location"].startswith("/accounts/second-factor/")


def test_a_backup_code_passes_the_second_step_and_warns_when_few_are_left(client, person, network):
    codes = backup_codes_new(person=person)
    for code in codes[:7]:
        assert backup_code_use(person=person, code=code)

    _password(client)
    response = client.post("/accounts/second-factor/", {"code": codes[7]}, follow=True)

    assert response.redirect_chain[0][0] == "/"
    assert "You have 2 backup codes left" in response.content.decode()


def test_a_person_whose_roles_need_no_second_factor_goes_straight_in(client, network):
    make_person("manager", ("programme_manager", network["states"]["KA"]))
    response = _password(client, username="manager")
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/states/KA/", "/accounts/backup-codes/"])
def test_every_page_waits_for_the_second_step(client, person, network, path):
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/second-factor/?next=")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/accounts/login/", 200),
        ("get", "/accounts/second-factor/", 200),
        ("post", "/exit", 303),
        ("post", "/language", 302),
        ("get", "/healthz", None),
        ("get", "/api/v1/states", 401),
        ("post", "/accounts/logout/", 302),
    ],
)
def test_some_doors_stay_open_before_the_second_step(client, person, network, method, path, status):
    client.force_login(person)
    response = getattr(client, method)(path, {"language": "hi", "next": "/"} if path == "/language" else {})
    if status is None:
        assert response.status_code in (200, 503)  # /healthz answers for the worker too
    else:
        assert response.status_code == status
    assert "/accounts/second-factor/" not in response.headers.get("Location", "")


def test_someone_without_a_second_factor_is_sent_to_set_it_up(client, newcomer):
    response = _password(client, username="ravi")
    assert response.headers["Location"] == "/accounts/second-factor/setup/"
    assert client.get("/").headers["Location"] == "/accounts/second-factor/setup/?next=%2F"
    assert client.get("/accounts/second-factor/").headers["Location"] == "/accounts/second-factor/setup/"


def test_setting_up_shows_the_qr_code_and_key_then_the_backup_codes_once(client, newcomer):
    _password(client, username="ravi")

    page = client.get("/accounts/second-factor/setup/")
    html = page.content.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml' in html
    secret = (
        re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    )
    # The app shows a neutral name (CRISISLINE_TOTP_ISSUER), not "Crisisline", to anyone looking at the phone.
    assert f"otpauth://totp/Sign-in%20code%3Aravi?secret={secret}&issuer=Sign-in+code" in html.replace(
        "&amp;", "&"
    )
    assert "Crisisline%3A" not in html

    response = client.post("/accounts/second-factor/setup/", {"code": code_at(secret, timezone.now())})

    assert response.status_code == 200
    shown = re.findall(r"<li><code>([a-z0-9-]{9})</code></li>", response.content.decode())
    assert len(shown) == BACKUP_CODE_COUNT and all(BACKUP_CODE.match(code) for code in shown)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/").status_code == 200  # the second step is passed for this session
    assert client.get("/accounts/second-factor/setup/").status_code == 302  # and not shown again


def test_a_wrong_code_during_set_up_keeps_the_same_secret(client, newcomer):
    _password(client, username="ravi")
    first = client.get("/accounts/second-factor/setup/").content.decode()
    response = client.post("/accounts/second-factor/setup/", {"code": "000000"})
    html = response.content.decode()
    assert "That code is not right" in html
    key = re.compile(r'id="secret">([A-Z2-7 ]+)<')
    assert key.search(html).group(1) == key.search(first).group(1)


def test_new_backup_codes_from_their_page(client, person, network):
    sign_in(client, person)
    page = client.get("/accounts/backup-codes/")
    assert page.status_code == 200 and "unused backup code" in page.content.decode()

    response = client.post("/accounts/backup-codes/")

    shown = re.findall(r"<li><code>([a-z0-9-]{9})</code></li>", response.content.decode())
    assert len(shown) == BACKUP_CODE_COUNT
    assert backup_code_use(person=person, code=shown[0])


def test_five_wrong_codes_lock_the_account_and_end_the_half_sign_in(client, person, network):
    _password(client)
    for _ in range(4):
        assert client.post("/accounts/second-factor/", {"code": "000000"}).status_code == 200

    response = client.post("/accounts/second-factor/", {"code": "000000"})

    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert Person.objects.get(pk=person.pk).locked_until > timezone.now()
    assert AuditEntry.objects.filter(action="second_factor.failed", actor_id=person.pk).count() == 5


def test_the_step_used_at_sign_in_is_remembered(client, person, network):
    _password(client)
    client.post("/accounts/second-factor/", {"code": _code()})
    assert Person.objects.get(pk=person.pk).totp_last_step >= step_at(timezone.now())
