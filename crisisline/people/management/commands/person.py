"""`crisisline person invite`: the server's operator creates accounts from the command line, first of all the
first administrator of a new installation (nobody can sign in to invite them)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crisisline.network.models import District, Organisation, State, Team
from crisisline.people.models import Role
from crisisline.people.policy import RoleSpec
from crisisline.people.services import PeopleError, person_invite

LEVELS = {"team": Team, "organisation": Organisation, "district": District, "state": State}


def _role(text: str) -> RoleSpec:
    """KIND, or KIND:LEVEL:CODE such as call_receiver:team:KA-MYS-01 or programme_manager:state:KA."""
    kind, *where = text.split(":")
    if kind not in Role.Kind.values:
        raise CommandError(f"--role {text!r}: the kind is one of {', '.join(Role.Kind.values)}.")
    if not where:
        return RoleSpec(kind=kind)
    if len(where) != 2 or where[0] not in LEVELS:
        raise CommandError(f"--role {text!r}: write KIND:LEVEL:CODE, LEVEL one of {', '.join(LEVELS)}.")
    place = LEVELS[where[0]].objects.filter(code=where[1]).first()
    if place is None:
        raise CommandError(f"--role {text!r}: no {where[0]} with code {where[1]}.")
    return RoleSpec(kind=kind, **{where[0]: place})


class Command(BaseCommand):
    help = "Create an account with its roles and print its one-time link to choose a password."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        invite = sub.add_parser("invite")
        invite.add_argument("--username", required=True)
        invite.add_argument(
            "--role", action="append", required=True, help="KIND or KIND:LEVEL:CODE; repeatable"
        )
        invite.add_argument("--display-name", default="")
        invite.add_argument("--language", default="en")

    def handle(self, *args, **options):
        roles = [_role(text) for text in options["role"]]
        try:
            new = person_invite(
                username=options["username"],
                display_name=options["display_name"],
                language=options["language"],
                roles=roles,
                by=None,
            )
        except PeopleError as error:
            details = "\n".join(f"  {field}: {message}" for field, message in error.fields.items())
            raise CommandError(f"{error.message}\n{details}".rstrip()) from None
        self.stdout.write(f"{settings.BASE_URL}/invite/{new.code}")
        self.stderr.write(
            f"Account {new.person.username} created. Pass the link on: it works once, for 7 days."
        )
