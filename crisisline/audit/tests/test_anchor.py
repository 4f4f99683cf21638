"""`audit head` prints where the chain ends, to be kept outside the server; `verify --anchor` checks the
chain against it. A chain rewritten consistently from an early entry on (every hash recomputed) passes a
plain verify, and only an anchor taken before the rewrite shows it: that is what anchoring is for."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from django.core.management.base import CommandError

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.selectors import audit_verify
from crisisline.audit.tests.support import (
    CONSOLE_SCRIPT,
    drop_triggers,
    rewrite_chain_from,
    run,
    sql,
    write_chain,
)


def anchor_now() -> str:
    return run("head")[0].splitlines()[1]


def test_head_prints_position_hash_and_time_then_the_anchor(chain):
    stdout, _stderr = run("head")
    head = AuditHead.objects.get()
    first, second = stdout.splitlines()
    seq, digest, time = first.split(" ")
    assert (int(seq), digest) == (6, head.hash)
    assert time.endswith("Z")
    assert datetime.fromisoformat(time) == head.at.astimezone(UTC)
    assert second == f"6:{head.hash}"


def test_head_of_an_empty_trail_says_there_is_nothing_to_anchor(db):
    stdout, stderr = run("head")
    assert stdout == ""
    assert "no entries yet" in stderr


def test_verify_against_an_anchor_passes_also_after_more_entries(chain):
    anchor = anchor_now()
    stdout, _stderr = run("verify", "--anchor", anchor)
    assert stdout.splitlines() == [
        f"audit trail intact: 6 entries, head #6 {chain[-1].hash}",
        f"matches the anchor {anchor}",
    ]
    write_chain(3)
    assert run("verify", "--anchor", anchor)[0].startswith("audit trail intact: 9 entries, head #9 ")
    assert run("verify", "--anchor", anchor.upper())[0].startswith("audit trail intact: 9 entries")


def test_a_consistent_rewrite_passes_a_plain_verify_but_not_the_anchor_taken_before(chain):
    anchor_at_4 = f"4:{chain[3].hash}"
    anchor_at_head = anchor_now()
    drop_triggers()
    sql("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ("nothing to see", 2))
    rewrite_chain_from(2)

    assert audit_verify().ok  # the chain alone cannot tell
    assert run("verify")[0].startswith("audit trail intact: 6 entries")
    for anchor, position in ((anchor_at_4, 4), (anchor_at_head, 6)):
        seq, digest = anchor.split(":")
        result = audit_verify(anchor=(int(seq), digest))
        assert (result.ok, result.broken_at) == (False, position)
        with pytest.raises(CommandError) as refused:
            run("verify", "--anchor", anchor)
        assert refused.value.returncode == 1
        assert str(refused.value) == (
            f"audit trail BROKEN at entry #{position}: its hash differs from the anchor {anchor}: "
            "the chain up to this entry was rewritten"
        )


def test_removing_the_last_entries_and_moving_the_head_back_fails_against_the_anchor(chain):
    anchor = anchor_now()
    drop_triggers()
    AuditEntry.objects.filter(seq__gte=5).delete()
    four = AuditEntry.objects.get(seq=4)
    AuditHead.objects.filter(pk=1).update(seq=4, hash=four.hash, at=four.at)

    assert audit_verify().ok
    with pytest.raises(CommandError) as refused:
        run("verify", "--anchor", anchor)
    assert refused.value.returncode == 1
    assert str(refused.value) == (
        "audit trail BROKEN at entry #5: missing: the anchor is for entry #6 but the chain ends at #4: "
        "entries were removed"
    )


@pytest.mark.parametrize(
    "anchor",
    [
        "",
        "6",
        "6:",
        ":" + "a" * 64,
        "six:" + "a" * 64,
        "0:" + "a" * 64,
        "-1:" + "a" * 64,
        "6:" + "a" * 63,
        "6:" + "g" * 64,
        "6 " + "a" * 64,
    ],
)
def test_a_malformed_anchor_is_a_usage_error(chain, anchor):
    with pytest.raises(CommandError, match=r"--anchor must look like SEQ:HASH") as refused:
        run("verify", f"--anchor={anchor}")
    assert refused.value.returncode == 2


def test_the_console_script_exits_2_on_a_malformed_anchor(subprocess_env):
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "audit", "verify", "--anchor", "6:not-a-hash"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--anchor must look like SEQ:HASH" in done.stderr
    assert done.stdout == ""
