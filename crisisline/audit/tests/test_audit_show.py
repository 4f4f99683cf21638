"""`crisisline audit show` lists entries for administrators, oldest first: the last N, those about one
object, or those by one person."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone

from conftest import make_person
from crisisline.audit.services import audit_record
from crisisline.audit.tests.support import run


def cells(line: str) -> list[str]:
    return re.split(r" {2,}", line.strip())


@pytest.fixture
def entries(db):
    asha = make_person("asha", ("administrator", None))
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    written = [
        audit_record(actor=None, action="test.system", object_type="team", object_id=3),
        audit_record(
            actor=asha,
            action="standard.set",
            object_type="team",
            object_id=3,
            team=3,
            reason="agreed at the\nmonthly meeting",
            details={"code": "response_minutes", "value": 10},
            request=request,
        ),
        audit_record(actor=asha, action="person.invite", object_type="person", object_id=9),
    ]
    return written


def test_show_lists_the_last_entries_oldest_first_one_line_each(entries):
    lines = run("show")[0].splitlines()
    assert cells(lines[0]) == [
        "SEQ",
        "TIME",
        "ACTOR",
        "ACTION",
        "OBJECT",
        "TEAM",
        "FROM",
        "REASON",
        "DETAILS",
    ]
    assert [cells(line)[0] for line in lines[1:]] == ["#1", "#2", "#3"]
    second = cells(lines[2])
    assert second == [
        "#2",
        timezone.localtime(entries[1].at).isoformat(timespec="seconds"),
        "asha",
        "standard.set",
        "team:3",
        "3",
        "198.51.100.4",
        "agreed at the monthly meeting",
        '{"code": "response_minutes", "value": 10}',
    ]
    assert cells(lines[1])[2:] == ["system", "test.system", "team:3", "-", "-", "-", "-"]


def test_show_filters_by_count_object_and_actor(entries):
    assert [cells(line)[0] for line in run("show", "--last", "2")[0].splitlines()[1:]] == ["#2", "#3"]
    assert [cells(line)[0] for line in run("show", "--object", "team:3")[0].splitlines()[1:]] == ["#1", "#2"]
    assert [cells(line)[0] for line in run("show", "--actor", "asha")[0].splitlines()[1:]] == ["#2", "#3"]
    assert [cells(line)[0] for line in run("show", "--actor", "system")[0].splitlines()[1:]] == ["#1"]
    assert run("show", "--actor", "nobody")[0] == "No audit entries match.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--object", "team"], "--object must look like TYPE:ID"),
        (["--object", ":3"], "--object must look like TYPE:ID"),
        (["--last", "0"], "--last must be 1 or more"),
    ],
)
def test_show_refuses_malformed_filters_as_usage_errors(entries, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        run("show", *args)
    assert refused.value.returncode == 2
