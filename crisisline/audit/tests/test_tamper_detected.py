"""Someone with access to the database drops the triggers and changes the trail: `verify` finds it and
names the first broken entry, through the function, the command and the console script."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.management.base import CommandError

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.selectors import audit_verify
from crisisline.audit.services import entry_hash
from crisisline.audit.tests.support import (
    CONSOLE_SCRIPT,
    drop_triggers,
    rehash,
    run,
    sql,
    write_chain,
)


def entries(*seqs: int):
    return AuditEntry.objects.filter(seq__in=seqs)


def change_one_byte_of_the_reason():
    sql("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ("reason 4", 3))


def change_one_byte_of_the_details():
    entries(3).update(details={"code": "KA-MYS-04", "count": 3})


def move_the_time_by_a_microsecond():
    entry = AuditEntry.objects.get(seq=3)
    entries(3).update(at=entry.at + timedelta(microseconds=1))


def delete_an_entry():
    sql("DELETE FROM audit_auditentry WHERE seq = %s", (3,))


def delete_an_entry_and_renumber_the_rest():
    sql("DELETE FROM audit_auditentry WHERE seq = %s", (3,))
    for seq in (4, 5, 6):
        entries(seq).update(seq=seq - 1)
    AuditHead.objects.filter(pk=1).update(seq=5)


def swap_two_entries():
    entries(2).update(seq=1000)
    entries(4).update(seq=2)
    entries(1000).update(seq=4)


def swap_two_neighbours():
    entries(3).update(seq=1000)
    entries(4).update(seq=3)
    entries(1000).update(seq=4)


def delete_the_last_entry():
    sql("DELETE FROM audit_auditentry WHERE seq = %s", (6,))


def insert_an_entry_in_the_middle():
    """A forged #3, chained properly after #2 (the formula is no secret); the old #3 to #6 renumbered."""
    for seq in (6, 5, 4, 3):
        entries(seq).update(seq=seq + 1)
    before = AuditEntry.objects.get(seq=2)
    fields = {
        "seq": 3,
        "at": before.at,
        "actor_id": None,
        "actor": "system",
        "action": "test.forged",
        "object_type": "",
        "object_id": "",
        "team_id": None,
        "address": "",
        "reason": "",
        "details": {},
        "prev_hash": before.hash,
    }
    AuditEntry.objects.create(hash=entry_hash(**fields), **fields)
    AuditHead.objects.filter(pk=1).update(seq=7)


def rewrite_an_entry_and_its_hash():
    entries(3).update(reason="nothing happened")
    rehash(3)


def change_two_entries():
    entries(5).update(reason="later change")
    entries(2).update(details={"code": "KA-MYS-02", "count": 20})


def edit_the_head_hash():
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(hash=("1" if head.hash[0] != "1" else "2") + head.hash[1:])


def edit_the_head_time():
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(at=head.at - timedelta(seconds=1))


def set_the_head_back_consistently():
    four = AuditEntry.objects.get(seq=4)
    AuditHead.objects.filter(pk=1).update(seq=4, hash=four.hash, at=four.at)


def delete_the_head():
    AuditHead.objects.filter(pk=1).delete()


TAMPERING = [
    (change_one_byte_of_the_reason, 3, "changed after it was written"),
    (change_one_byte_of_the_details, 3, "changed after it was written"),
    (move_the_time_by_a_microsecond, 3, "changed after it was written"),
    (delete_an_entry, 3, "missing (the next entry is #4)"),
    (delete_an_entry_and_renumber_the_rest, 3, "not the entry written at this position"),
    (swap_two_entries, 2, "not the entry written at this position"),
    (swap_two_neighbours, 3, "not the entry written at this position"),
    (delete_the_last_entry, 6, "missing: the chain ends at entry #5 but the head says #6"),
    (insert_an_entry_in_the_middle, 3, "inserted: entry #4 was written right after entry #2"),
    (rewrite_an_entry_and_its_hash, 3, "rewritten after it was written"),
    (change_two_entries, 2, "changed after it was written"),
    (edit_the_head_hash, 6, "its hash is not the one the head holds"),
    (edit_the_head_time, 6, "its time is not the one the head holds"),
    (set_the_head_back_consistently, 5, "beyond the head (#4)"),
    (delete_the_head, 7, "the head row, which records where the chain ends, is missing"),
]


@pytest.mark.parametrize(
    ("tamper", "first_broken", "problem"), TAMPERING, ids=[t[0].__name__ for t in TAMPERING]
)
def test_tampering_is_found_and_the_first_broken_entry_named(chain, tamper, first_broken, problem):
    assert audit_verify().ok
    drop_triggers()
    tamper()

    result = audit_verify()
    assert not result.ok
    assert result.broken_at == first_broken
    assert problem in result.problem

    with pytest.raises(CommandError) as refused:
        run("verify")
    assert refused.value.returncode == 1
    assert str(refused.value).startswith(f"audit trail BROKEN at entry #{first_broken}: {problem}")


def test_an_intact_trail_is_reported_with_its_head(chain):
    stdout, _stderr = run("verify")
    head = AuditHead.objects.get()
    assert stdout == f"audit trail intact: 6 entries, head #6 {head.hash}\n"


def test_an_empty_trail_is_intact(db):
    assert audit_verify().ok
    assert run("verify")[0] == f"audit trail intact: 0 entries, head #0 {'0' * 64}\n"


def test_the_console_script_exits_1_with_the_message_on_stderr(subprocess_env):
    write_chain(4)  # committed: the child process sees it

    def verify() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), "audit", "verify"],
            env=subprocess_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    intact = verify()
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit trail intact: 4 entries, head #4 ")

    drop_triggers()  # committed too, as an attacker's would be
    sql("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ("reason 3", 2))
    broken = verify()
    assert broken.returncode == 1
    assert "audit trail BROKEN at entry #2: changed after it was written" in broken.stderr
    assert broken.stdout == ""
