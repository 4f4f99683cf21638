from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crisisline.network.demo import DEMO_LOGINS, DemoError, DemoSize, demo_build, demo_reset, network_exists


class Command(BaseCommand):
    help = "Fill the database with a realistic synthetic network (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--states", type=int, default=DemoSize.states, help="how many states (Avahan's first)"
        )
        parser.add_argument(
            "--teams", type=int, default=DemoSize.teams, help="how many crisis response teams"
        )
        parser.add_argument("--seed", type=int, default=DemoSize.seed, help="same seed, same data")
        parser.add_argument("--reset", action="store_true", help="replace the network that is there")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a network exists")

    def handle(self, *args, states, teams, seed, reset, if_empty, **options):
        if not settings.CRISISLINE_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is off here (CRISISLINE_DEMO_ALLOWED=false, the production default)."
            )
        if if_empty and network_exists():
            self.stdout.write("The database already holds a network; demo data left as it is.")
            return
        if reset:
            demo_reset()
        try:
            counts = demo_build(
                DemoSize(states=states, teams=teams, seed=seed), progress=options["verbosity"] > 0
            )
        except DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
        for username, password, about in DEMO_LOGINS:
            self.stdout.write(f"demo login: {username} / {password}  ({about})")
