from django.core.management.base import BaseCommand, CommandError

from crisisline.network.models import Organisation
from crisisline.network.services import NetworkError, TeamDraft, team_create


class Command(BaseCommand):
    help = "Add a crisis response team to an organisation, with its helplines and localities."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--organisation", required=True, help="organisation code")
        create.add_argument("--code", required=True, help="short team code, e.g. KA-MYS-03")
        create.add_argument("--name", required=True)
        create.add_argument("--time-zone", default="Asia/Kolkata")
        create.add_argument("--language", action="append", dest="languages", help="repeat for each language")
        create.add_argument("--helpline", action="append", dest="helplines", default=[], help="phone number")
        create.add_argument(
            "--locality",
            action="append",
            dest="localities",
            default=[],
            help="NAME:KIND, e.g. 'Bus stand:market'",
        )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['organisation']}.")
        localities = [
            tuple(text.rsplit(":", 1)) if ":" in text else (text, "") for text in options["localities"]
        ]
        draft = TeamDraft(
            organisation=organisation,
            code=options["code"],
            name=options["name"],
            time_zone=options["time_zone"],
            languages=options["languages"] or ["hi"],
            helplines=options["helplines"],
            localities=localities,
        )
        try:
            team = team_create(draft=draft)
        except NetworkError as error:
            details = "\n".join(f"  {field}: {message}" for field, message in error.fields.items())
            raise CommandError(f"{error.message}\n{details}") from None
        self.stdout.write(f"created team {team.code}")
