import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from crisisline.lib.env import env_int, env_str


def gunicorn_argv() -> list[str]:
    host = env_str("CRISISLINE_HOST", "127.0.0.1")
    port = env_int("PORT", 8000, minimum=1, maximum=65535)
    workers = env_int("CRISISLINE_WEB_WORKERS", 2, minimum=1, maximum=64)
    threads = env_int("CRISISLINE_WEB_THREADS", 4, minimum=1, maximum=64)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "crisisline.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--graceful-timeout=10",
        "--timeout=60",
        "--access-logfile=-",
        # The control socket sits at one path per user: two servers on one machine would fight over it.
        "--no-control-socket",
        # Paths never hold identities by design; the query string is left out all the same.
        '--access-logformat=%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
    ]


class Command(BaseCommand):
    help = "Serve the web site and API with gunicorn (static files through whitenoise)."

    def handle(self, *args, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv()
        os.environ["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        os.execv(argv[0], argv)
