"""`crisisline audit verify|head|show`: check the audit trail, print its head for anchoring outside the
server, and list entries for administrators (entries hold no identities, so the listing holds none)."""

from __future__ import annotations

import json
import re
from datetime import UTC

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from crisisline.audit.selectors import audit_entries, audit_head, audit_verify

ANCHOR = re.compile(r"^([1-9][0-9]*):([0-9a-fA-F]{64})$")
USAGE_ERROR = 2  # like argparse: the command was called wrongly
BROKEN = 1


def parse_anchor(text: str) -> tuple[int, str]:
    match = ANCHOR.match(text.strip())
    if match is None:
        raise CommandError(
            f"--anchor must look like SEQ:HASH, the second line `crisisline audit head` printed "
            f"(a position from 1 and 64 hexadecimal digits), not {text!r}.",
            returncode=USAGE_ERROR,
        )
    return int(match[1]), match[2].lower()


def parse_object(text: str) -> tuple[str, str]:
    object_type, _, object_id = text.partition(":")
    if not object_type or not object_id:
        raise CommandError(
            f"--object must look like TYPE:ID, e.g. team:12, not {text!r}.", returncode=USAGE_ERROR
        )
    return object_type, object_id


class Command(BaseCommand):
    help = "Verify the audit trail, print its head for anchoring, or list its entries."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,head,show}")
        verify = subcommands.add_parser(
            "verify", help="check the whole chain; exit 1 and name the first broken entry"
        )
        verify.add_argument(
            "--anchor",
            default=None,
            metavar="SEQ:HASH",
            help="also check against a head kept outside the server",
        )
        subcommands.add_parser(
            "head", help="print the head's position, hash and time, then the anchor to keep"
        )
        show = subcommands.add_parser("show", help="list entries, oldest first")
        show.add_argument("--last", type=int, default=20, metavar="N", help="the last N entries (default 20)")
        show.add_argument(
            "--object", dest="about", default=None, metavar="TYPE:ID", help="only entries about this object"
        )
        show.add_argument(
            "--actor", default=None, metavar="USERNAME", help='only entries by this person, or "system"'
        )

    def handle(self, *args, subcommand: str, **options):
        {"verify": self._verify, "head": self._head, "show": self._show}[subcommand](**options)

    def _verify(self, *, anchor: str | None, **options) -> None:
        wanted = parse_anchor(anchor) if anchor is not None else None
        head = audit_head()
        total = head.seq if head is not None else None
        # A bar on a terminal only: verify runs from cron too, and its mail should be the verdict alone.
        with tqdm(total=total, unit="entries", desc="verifying", file=self.stderr._out, disable=None) as bar:
            result = audit_verify(anchor=wanted, progress=bar.update)
        if not result.ok:
            raise CommandError(
                f"audit trail BROKEN at entry #{result.broken_at}: {result.problem}", returncode=BROKEN
            )
        self.stdout.write(
            f"audit trail intact: {result.checked} entries, head #{result.head_seq} {result.head_hash}"
        )
        if wanted is not None:
            self.stdout.write(f"matches the anchor {wanted[0]}:{wanted[1]}")

    def _head(self, **options) -> None:
        head = audit_head()
        if head is None:
            raise CommandError("The audit trail's head row is missing: run `crisisline audit verify`.")
        if head.seq == 0:
            self.stderr.write("The audit trail has no entries yet: nothing to anchor.")
            return
        at = head.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.stdout.write(f"{head.seq} {head.hash} {at}")
        self.stdout.write(f"{head.seq}:{head.hash}")

    def _show(self, *, last: int, about: str | None, actor: str | None, **options) -> None:
        if last < 1:
            raise CommandError("--last must be 1 or more.", returncode=USAGE_ERROR)
        object_type, object_id = parse_object(about) if about is not None else ("", "")
        entries = audit_entries(last=last, object_type=object_type, object_id=object_id, actor=actor or "")
        if not entries:
            self.stdout.write("No audit entries match.")
            return
        rows = [("SEQ", "TIME", "ACTOR", "ACTION", "OBJECT", "TEAM", "FROM", "REASON", "DETAILS")]
        rows += [
            (
                f"#{entry.seq}",
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                entry.actor,
                entry.action,
                f"{entry.object_type}:{entry.object_id}" if entry.object_type else "-",
                "-" if entry.team_id is None else str(entry.team_id),
                entry.address or "-",
                " ".join(entry.reason.split()) or "-",  # one line per entry, whatever was typed
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else "-",
            )
            for entry in entries
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
