from django.core.management.base import BaseCommand, CommandError

from crisisline.crises.models import CrisisType
from crisisline.crises.services import (
    CrisisError,
    StepSpec,
    crisis_type_add,
    current_protocol,
    protocol_change,
)
from crisisline.network.models import State, Team


def _step(text: str) -> StepSpec:
    """CODE:LABEL:MINUTES or CODE:LABEL:MINUTES:STANDARD or CODE:LABEL::STANDARD."""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise CommandError(f"--step {text!r}: write CODE:LABEL:MINUTES, optionally :STANDARD at the end.")
    code, label, minutes = parts[:3]
    try:
        return StepSpec(code, label, int(minutes) if minutes else None, parts[3] if len(parts) == 4 else "")
    except ValueError:
        raise CommandError(f"--step {text!r}: the minutes must be a whole number.") from None


class Command(BaseCommand):
    help = "Crisis types and their response protocols: show a team's, change one locally, add a local type."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the protocols a team uses now")
        show.add_argument("--team", required=True)
        for name in ("set", "add-type"):
            command = sub.add_parser(name)
            where = command.add_mutually_exclusive_group(required=True)
            where.add_argument("--state")
            where.add_argument("--team")
            command.add_argument("--type", required=True, dest="crisis_type", help="crisis type code")
            command.add_argument(
                "--step", action="append", default=[], help="CODE:LABEL:MINUTES[:STANDARD], in order"
            )
            if name == "add-type":
                command.add_argument("--name", required=True)
                command.add_argument(
                    "--urgency", default="today", choices=["immediate", "urgent", "today", "routine"]
                )

    def handle(self, *args, action, **options):
        if action == "show":
            team = Team.objects.filter(code=options["team"]).first()
            if team is None:
                raise CommandError(f"No team with code {options['team']}.")
            for crisis_type in CrisisType.objects.filter(active=True):
                if crisis_type.team_id not in (None, team.pk) or crisis_type.state_id not in (
                    None,
                    team.organisation.district.state_id,
                ):
                    continue
                protocol = current_protocol(crisis_type=crisis_type, team=team)
                level = "team" if protocol.team_id else "state" if protocol.state_id else "network"
                self.stdout.write(f"{crisis_type.code} (v{protocol.version}, {level})")
                for step in protocol.steps.all():
                    target = step.standard or f"{step.minutes} min"
                    self.stdout.write(f"  {step.position}. {step.code:24} {target:36} {step.label}")
            return
        at = (
            (State if options["state"] else Team)
            .objects.filter(code=options["state"] or options["team"])
            .first()
        )
        if at is None:
            level = "state" if options["state"] else "team"
            raise CommandError(f"No {level} with code {options['state'] or options['team']}.")
        steps = [_step(text) for text in options["step"]]
        try:
            if action == "add-type":
                crisis_type_add(
                    code=options["crisis_type"],
                    name=options["name"],
                    urgency=options["urgency"],
                    at=at,
                    steps=steps,
                    by=None,
                )
            else:
                crisis_type = CrisisType.objects.filter(code=options["crisis_type"]).first()
                if crisis_type is None:
                    raise CommandError(f"No crisis type {options['crisis_type']}.")
                protocol_change(crisis_type=crisis_type, at=at, steps=steps, by=None)
        except CrisisError as error:
            details = "\n".join(f"  {field}: {message}" for field, message in error.fields.items())
            raise CommandError(f"{error.message}\n{details}") from None
        self.stdout.write("saved")
