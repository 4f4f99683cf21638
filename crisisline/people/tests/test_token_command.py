"""`crisisline token create|list|revoke`: the token once on stdout, never again; clear refusals."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from crisisline.people.models import ApiToken
from crisisline.people.services import token_authenticate, token_create

CONSOLE_SCRIPT = Path(sys.executable).with_name("crisisline")


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("token", *args, stdout=stdout, stderr=stderr, no_color=True)
    return stdout.getvalue(), stderr.getvalue()


def minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def cells(line: str) -> list[str]:
    """The columns of a `token list` line: separated by two spaces or more."""
    return re.split(r" {2,}", line.strip())


# --- create ---------------------------------------------------------------------------------------------
def test_create_prints_only_the_token_which_then_authenticates(person):
    stdout, stderr = run("create", "--user", "meena", "--name", "reporting script")
    token = stdout.strip()
    assert stdout == token + "\n"  # one line, nothing else: TOKEN=$(crisisline token create ...)
    assert token_authenticate(token) == person
    row = ApiToken.objects.get()
    assert (row.person, row.name) == (person, "reporting script")
    assert token.startswith(f"cl_{row.prefix}_")
    assert "shown only this once" in stderr
    assert row.prefix in stderr
    assert token not in stderr


def test_create_without_a_name(person):
    stdout, _stderr = run("create", "--user", "meena")
    assert ApiToken.objects.get().name == ""
    assert token_authenticate(stdout.strip()) == person


def test_create_for_an_unknown_user_is_refused(person):
    with pytest.raises(CommandError, match="No person with the username 'nobody'"):
        run("create", "--user", "nobody")
    assert not ApiToken.objects.exists()


def test_create_for_a_disabled_user_is_refused(person):
    person.is_active = False
    person.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match=r"This account is disabled; it cannot get an API token\."):
        run("create", "--user", "meena")
    assert not ApiToken.objects.exists()


def test_create_needs_a_user(person):
    with pytest.raises(CommandError, match="--user"):
        run("create")
    assert not ApiToken.objects.exists()


# --- list -----------------------------------------------------------------------------------------------
def test_list_shows_every_token_but_never_a_secret(person, administrator):
    mine = token_create(person=person, name="phone app")
    theirs = token_create(person=administrator, name="backup job")
    token_authenticate(mine.plaintext)
    stdout, _stderr = run("list")
    mine.token.refresh_from_db()
    assert [cells(line) for line in stdout.splitlines()] == [
        ["PREFIX", "OWNER", "NAME", "CREATED", "LAST USED", "REVOKED"],
        [
            mine.token.prefix,
            "meena",
            "phone app",
            minute(mine.token.created_at),
            minute(mine.token.last_used_at),
            "-",
        ],
        [theirs.token.prefix, "admin", "backup job", minute(theirs.token.created_at), "-", "-"],
    ]
    for new in (mine, theirs):
        secret = new.plaintext.split("_", 2)[2]
        assert secret not in stdout
        assert new.token.secret_sha256 not in stdout


def test_list_shows_revoked_tokens_with_the_time(person):
    new = token_create(person=person)
    run("revoke", new.token.prefix)
    new.token.refresh_from_db()
    stdout, _stderr = run("list")
    assert cells(stdout.splitlines()[1]) == [
        new.token.prefix,
        "meena",
        "-",
        minute(new.token.created_at),
        "-",
        minute(new.token.revoked_at),
    ]


def test_list_of_one_user(person, administrator):
    mine = token_create(person=person)
    token_create(person=administrator)
    stdout, _stderr = run("list", "--user", "meena")
    assert [cells(line)[0] for line in stdout.splitlines()[1:]] == [mine.token.prefix]


def test_list_with_no_tokens_is_just_the_header(person):
    stdout, _stderr = run("list")
    assert stdout.splitlines() == ["PREFIX  OWNER  NAME  CREATED  LAST USED  REVOKED"]


def test_list_of_an_unknown_user_is_refused(person):
    with pytest.raises(CommandError, match="No person with the username 'nobody'"):
        run("list", "--user", "nobody")


# --- revoke ---------------------------------------------------------------------------------------------
def test_revoke_makes_the_token_fail(person):
    new = token_create(person=person)
    other = token_create(person=person)
    stdout, _stderr = run("revoke", new.token.prefix)
    assert f"Token {new.token.prefix} of meena revoked" in stdout
    assert token_authenticate(new.plaintext) is None
    assert token_authenticate(other.plaintext) == person
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None


def test_revoke_an_unknown_prefix_is_refused(person):
    new = token_create(person=person)
    with pytest.raises(CommandError, match="No API token with the prefix 'ffffffffff'"):
        run("revoke", "ffffffffff")
    new.token.refresh_from_db()
    assert new.token.revoked_at is None
    assert token_authenticate(new.plaintext) == person


def test_a_subcommand_is_required(db):
    with pytest.raises(CommandError):
        run()


# --- the real console script ----------------------------------------------------------------------------
def test_console_script_exits_non_zero_with_the_message_and_writes_nothing(tmp_path):
    """The `crisisline` script as an administrator's shell runs it, on a fresh SQLite database."""
    database = tmp_path / "crisisline.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "CRISISLINE_DATA": str(tmp_path / "data")}

    def crisisline(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    migrated = crisisline("migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr

    refused = crisisline("token", "create", "--user", "nobody")
    assert refused.returncode != 0
    assert "No person with the username 'nobody'" in refused.stderr
    assert refused.stdout == ""
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM people_apitoken").fetchone() == (0,)


def test_console_script_prints_a_token_a_script_can_capture(subprocess_env, person):
    """`TOKEN=$(crisisline token create --user meena)`: stdout is the token and nothing else."""
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "token", "create", "--user", "meena", "--name", "cron"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.removesuffix("\n")
    assert "\n" not in token
    assert token_authenticate(token) == person
    assert ApiToken.objects.get().name == "cron"
    assert "shown only this once" in done.stderr
