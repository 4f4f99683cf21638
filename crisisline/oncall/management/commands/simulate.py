import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from crisisline.oncall.simulate import Plan, simulate

SCRATCH_MARK = "CRISISLINE_SIMULATE_SCRATCH"


def scratch_env(data: Path) -> dict[str, str]:
    """The environment of the scratch run: none of the user's Crisisline settings (their database, keys,
    providers), only a data directory of its own with an SQLite file in it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    return env | {
        "CRISISLINE_DATA": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'crisisline.sqlite3'}",
        "CRISISLINE_OUTBOX": str(data / "outbox.jsonl"),
        "CRISISLINE_CONSOLE_ECHO": "false",
        "CRISISLINE_LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
        SCRATCH_MARK: str(data),
    }


class Command(BaseCommand):
    help = (
        "Watch dispatch and escalation at work: a stream of crises with simulated responders (some accept, "
        "some cannot go, some never answer) and an SMS outage, on a simulated clock, in a scratch database "
        "of its own (your data is not touched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--crises", type=int, default=Plan.crises, help="how many crises (default 12)")
        parser.add_argument(
            "--minutes", type=int, default=Plan.minutes, help="simulated minutes to run (default 60)"
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=Plan.speed,
            help="simulated seconds per real second (default 60: a simulated minute a second; 0: no waiting)",
        )
        parser.add_argument("--seed", type=int, default=Plan.seed, help="same seed, same story (default 1)")
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch data directory to look at afterwards"
        )
        parser.add_argument("--scratch", default="", help=argparse.SUPPRESS)  # the child process

    def handle(self, *args, crises, minutes, speed, seed, keep, scratch, **options):
        if not 1 <= crises <= 500 or not 1 <= minutes <= 24 * 60 or speed < 0:
            raise CommandError("--crises must be 1..500, --minutes 1..1440 and --speed 0 or more.")
        plan = Plan(crises=crises, minutes=minutes, speed=speed, seed=seed)
        if scratch:
            self.play(plan, Path(scratch), verbosity=options["verbosity"])
            return
        data = Path(tempfile.mkdtemp(prefix="crisisline-simulate-"))
        argv = [sys.executable, "-m", "crisisline", "simulate", "--scratch", str(data)]
        argv += [f"--crises={crises}", f"--minutes={minutes}", f"--speed={speed}", f"--seed={seed}"]
        argv += [f"--verbosity={options['verbosity']}"]
        # Ctrl-C reaches the child too; it stops and prints its summary, and this process waits for it.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            code = subprocess.run(argv, env=scratch_env(data), check=False).returncode
        finally:
            signal.signal(signal.SIGINT, previous)
            if keep:
                self.stdout.write(
                    f"Scratch data kept in {data}; to look around in it:\n"
                    f"  CRISISLINE_DATA={data} crisisline run --no-demo"
                )
            else:
                shutil.rmtree(data, ignore_errors=True)
        if code:
            raise CommandError(f"the simulation stopped with exit code {code}")

    def play(self, plan: Plan, data: Path, *, verbosity: int) -> None:
        """In the scratch process: refuse anything but the scratch database, set it up, play the plan."""
        database = settings.DATABASES["default"]
        if (
            os.environ.get(SCRATCH_MARK) != str(data)
            or data.resolve() != settings.DATA_DIR
            or database["ENGINE"] != "django.db.backends.sqlite3"
            or Path(database["NAME"]).resolve().parent != data.resolve()
        ):
            raise CommandError("--scratch is for the simulation's own scratch database only.")
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the parent ignored it for us
        self.stdout.write(f"Preparing a scratch database in {data} ...")
        call_command("migrate", interactive=False, verbosity=0)
        with tqdm(
            total=plan.minutes,
            unit="min",
            desc="simulated time",
            disable=verbosity == 0 or not sys.stderr.isatty(),
            leave=False,
            bar_format="{desc}: {bar} {n:.0f}/{total} min",
        ) as bar:

            def write(line: str) -> None:
                with tqdm.external_write_mode():
                    self.stdout.write(line)
                    self.stdout.flush()

            def progress(elapsed: float) -> None:
                bar.n = min(elapsed, plan.minutes)
                bar.refresh()

            simulate(plan, write=write, progress=progress)
