"""Appends from several connections at once each take the next position: none lost, none twice, no gap,
and the chain verifies. Four threads, each with its own database connection, 50 entries each."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from crisisline.audit.models import AuditEntry
from crisisline.audit.selectors import audit_verify
from crisisline.audit.services import audit_record

THREADS, EACH = 4, 50


@pytest.mark.django_db(transaction=True)  # committed for real: each thread sees the others' entries
def test_concurrent_appends_keep_the_chain_whole():
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def append(thread: int) -> None:
        try:
            start.wait()
            for number in range(EACH):
                audit_record(actor=None, action="test.concurrent", details={"thread": thread, "n": number})
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=append, args=(thread,)) for thread in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in threads)

    result = audit_verify()
    assert (result.ok, result.checked, result.head_seq) == (True, THREADS * EACH, THREADS * EACH)
    entries = list(AuditEntry.objects.order_by("seq").values_list("seq", "details"))
    assert [seq for seq, _details in entries] == list(range(1, THREADS * EACH + 1))
    for thread in range(THREADS):  # each thread's entries in the order it wrote them
        assert [d["n"] for _seq, d in entries if d["thread"] == thread] == list(range(EACH))
