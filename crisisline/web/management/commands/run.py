import ctypes
import ctypes.util
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from crisisline.lib.env import env_int, env_str
from crisisline.network.management.commands.demo import print_demo_logins
from crisisline.web.management.commands.serve import gunicorn_argv


def _die_with_parent() -> None:
    """In the child, before it starts: on Linux, ask for SIGTERM when this supervisor dies, even by kill -9,
    so that no web server or worker is left running on its own. Elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Command(BaseCommand):
    help = "Set up and run everything: migrations, demo data the first time, web server and worker together."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load demo data into an empty database"
        )

    def handle(self, *args, no_demo: bool = False, **options):
        self.stdout.write("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compiletranslations", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.CRISISLINE_DEMO_ALLOWED and not no_demo:
            call_command("demo", if_empty=True)

        # Each child gets its own session, so Ctrl-C reaches only this process, which then stops the
        # children in order and waits for them: no half-stopped server left behind.
        children = {
            "web server": subprocess.Popen(
                gunicorn_argv(), start_new_session=True, preexec_fn=_die_with_parent
            ),
            "worker": subprocess.Popen(
                [sys.executable, "-m", "crisisline", "worker"],
                start_new_session=True,
                preexec_fn=_die_with_parent,
            ),
        }
        host, port = env_str("CRISISLINE_HOST", "127.0.0.1"), env_int("PORT", 8000, minimum=1, maximum=65535)
        self.stdout.write(self.style.SUCCESS(f"\nCrisisline is running on http://{host}:{port}/"))
        if settings.CRISISLINE_DEMO_ALLOWED:
            print_demo_logins(self.stdout)
        self.stdout.write(f"  data: {settings.DATA_DIR}\n  Press Ctrl-C to stop.\n")

        stopping = []
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while not stopping and all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
        for name, child in children.items():
            if child.poll() is not None and not stopping:
                self.stderr.write(f"the {name} stopped (exit code {child.returncode}); stopping the rest")
        self.stdout.write("Stopping ...")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped.")
        if not stopping:
            raise SystemExit(1)
