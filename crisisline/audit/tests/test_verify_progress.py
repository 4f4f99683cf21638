"""`audit verify` shows a progress bar over the entries on a terminal, and nothing but its verdict when run
from cron (whose mail should say only whether the trail is intact)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal(chain):
    stdout, stderr = StringIO(), Terminal()
    call_command("audit", "verify", stdout=stdout, stderr=stderr)
    assert "verifying: 100%" in stderr.getvalue()
    assert "6/6" in stderr.getvalue()
    assert stdout.getvalue().startswith("audit trail intact: 6 entries")


def test_no_progress_bar_when_not_on_a_terminal(chain):
    stdout, stderr = StringIO(), StringIO()
    call_command("audit", "verify", stdout=stdout, stderr=stderr)
    assert stderr.getvalue() == ""
