from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crisisline.crises.demo import demo_crises, demo_crises_reset
from crisisline.lib.totp import code_at
from crisisline.network.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoError,
    DemoSize,
    demo_build,
    demo_logins,
    demo_reset,
    network_exists,
)
from crisisline.oncall.demo import demo_oncall


def print_demo_logins(out) -> None:
    logins = demo_logins()
    if not logins:
        return
    out.write(f"demo logins, all with the password {DEMO_PASSWORD}:")
    for username, about in logins:
        out.write(f"  {username:24} {about}")
    out.write(
        "  second factor: the code that `crisisline demo --code` prints, or add the key "
        f"{DEMO_TOTP_SECRET} to an authenticator app"
    )


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
        parser.add_argument(
            "--crises", type=int, default=None, help="crises over the past year (default: 15 a team)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="replace the network and people that are there"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a network exists")
        parser.add_argument(
            "--code", action="store_true", help="print the demo accounts' current two-factor code"
        )

    def handle(self, *args, states, teams, seed, reset, if_empty, code, crises, **options):
        if not settings.CRISISLINE_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is off here (CRISISLINE_DEMO_ALLOWED=false, the production default)."
            )
        if code:
            self.stdout.write(code_at(DEMO_TOTP_SECRET, timezone.now()))
            return
        if if_empty and network_exists():
            self.stdout.write("The database already holds a network; demo data left as it is.")
            return
        if crises is not None and crises < 0:
            raise CommandError("--crises must be 0 or more.")
        if reset:
            demo_crises_reset()
            demo_reset()
        progress = options["verbosity"] > 0
        try:
            counts = demo_build(DemoSize(states=states, teams=teams, seed=seed), progress=progress)
        except DemoError as error:
            raise CommandError(str(error)) from None
        counts |= demo_crises(count=15 * teams if crises is None else crises, seed=seed, progress=progress)
        counts |= demo_oncall(progress=progress)
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
        print_demo_logins(self.stdout)
