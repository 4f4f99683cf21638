from django.core.management.base import BaseCommand, CommandError

from crisisline.network.models import Organisation, State, Team
from crisisline.network.selectors import effective_standards
from crisisline.network.services import NetworkError, standard_set
from crisisline.network.standards import STANDARDS, format_value


def _find(model, code: str, what: str):
    found = model.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"No {what} with code {code}.")
    return found


class Command(BaseCommand):
    help = "Show a team's effective minimum standards, or set a standard for the network or one level."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="the standards that exist, with the network's values")
        show = sub.add_parser("show", help="a team's effective standards and where each comes from")
        show.add_argument("--team", required=True, help="team code")
        put = sub.add_parser("set", help="set a standard for the network, or tighten it for one level")
        put.add_argument("code", help="standard code (see: crisisline standards list)")
        put.add_argument("value", type=int)
        where = put.add_mutually_exclusive_group()
        where.add_argument("--state", help="state code")
        where.add_argument("--organisation", help="organisation code")
        where.add_argument("--team", help="team code")
        put.add_argument("--note", default="")

    def handle(self, *args, action, **options):
        if action == "list":
            for standard in STANDARDS:
                default = format_value(standard, standard.network_default)
                self.stdout.write(
                    f"{standard.code:40} {standard.unit:8} default {default:10} {standard.label}"
                )
        elif action == "show":
            team = _find(Team, options["team"], "team")
            for item in effective_standards(team):
                source = item.source.level.value + (f": {item.source.name}" if item.source.name else "")
                self.stdout.write(f"{item.standard.code:40} {item.display:10} set by {source}")
        else:
            at = None
            if options["state"]:
                at = _find(State, options["state"], "state")
            elif options["organisation"]:
                at = _find(Organisation, options["organisation"], "organisation")
            elif options["team"]:
                at = _find(Team, options["team"], "team")
            try:
                row = standard_set(code=options["code"], value=options["value"], at=at, note=options["note"])
            except NetworkError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"set {row.code} = {row.value}")
