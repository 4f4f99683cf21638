"""`crisisline token create|list|revoke`: API tokens from the command line, for administrators and scripts."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crisisline.people.selectors import person_by_username, token_list
from crisisline.people.services import TokenError, token_create_for_username, token_revoke_by_prefix


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{create,list,revoke}")
        create = subcommands.add_parser("create", help="create a token and print it (only this once)")
        create.add_argument("--user", required=True, help="username of the token's owner")
        create.add_argument("--name", default="", help="a label, e.g. what the token is for")
        listing = subcommands.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--user", default=None, help="only this person's tokens")
        revoke = subcommands.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix", help="the prefix `token list` shows")

    def handle(self, *args, subcommand: str, **options):
        try:
            {"create": self._create, "list": self._list, "revoke": self._revoke}[subcommand](**options)
        except TokenError as error:
            raise CommandError(str(error)) from None

    def _create(self, *, user: str, name: str, **options) -> None:
        new = token_create_for_username(username=user, name=name)
        # Only the token on stdout, so that `TOKEN=$(crisisline token create ...)` captures it.
        self.stdout.write(new.plaintext)
        self.stderr.write(
            f"Token {new.token.prefix} for {new.token.person.username} created. It is shown only this "
            "once: store it now.",
            style_func=self.style.WARNING,
        )

    def _list(self, *, user: str | None, **options) -> None:
        person = None
        if user is not None:
            person = person_by_username(username=user)
            if person is None:
                raise CommandError(f"No person with the username {user!r}.")
        rows = [("PREFIX", "OWNER", "NAME", "CREATED", "LAST USED", "REVOKED")]
        rows += [
            (
                t.prefix,
                t.person.username,
                t.name or "-",
                _when(t.created_at),
                _when(t.last_used_at),
                _when(t.revoked_at),
            )
            for t in token_list(person=person)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )

    def _revoke(self, *, prefix: str, **options) -> None:
        token = token_revoke_by_prefix(prefix=prefix)
        self.stdout.write(
            f"Token {token.prefix} of {token.person.username} revoked at {_when(token.revoked_at)}."
        )
