"""The operator creates the first administrator (and anyone else) from the command line."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crisisline.people.models import Person, Role
from crisisline.people.services import PeopleError, invitation_open, person_set_active, role_revoke


def test_the_first_administrator_gets_a_one_time_link(db, capsys):
    call_command("person", "invite", "--username", "first.admin", "--role", "administrator")
    link = capsys.readouterr().out.strip()
    assert link.startswith("http://127.0.0.1:8000/invite/")
    assert invitation_open(code=link.rsplit("/", 1)[1]).person.username == "first.admin"
    assert Role.objects.get(person__username="first.admin").kind == "administrator"


def test_roles_at_a_level_and_clear_errors(network, capsys):
    call_command("person", "invite", "--username", "pm.ka", "--role", "programme_manager:state:KA")
    assert Role.objects.get(person__username="pm.ka").state.code == "KA"
    for role, message in (
        ("wizard", "the kind is one of"),
        ("call_receiver:team:XX-01", "no team with code XX-01"),
        ("call_receiver:galaxy:X", "LEVEL one of"),
        ("call_receiver", "This role belongs to a team"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("person", "invite", "--username", "someone", "--role", role)
    assert not Person.objects.filter(username="someone").exists()


def test_the_last_administrator_cannot_be_removed_or_disabled(administrator, network):
    from conftest import make_person

    with pytest.raises(PeopleError, match="last administrator"):
        role_revoke(role=administrator.roles.get(), by=None)
    second = make_person("second.admin", ("administrator", None))
    role_revoke(role=second.roles.get(), by=None)  # two administrators: one may go
    third = make_person("third.admin", ("administrator", None))
    person_set_active(person=third, active=False, by=administrator)  # and may be disabled
    with pytest.raises(PeopleError, match="last administrator"):
        role_revoke(role=administrator.roles.get(), by=None)  # the disabled one does not count
    with pytest.raises(PeopleError, match="last administrator"):
        role_revoke(role=administrator.roles.get(), by=None)
