"""The `crisisline` command: Django's management commands under one name, with a clear message instead of
a traceback when a setting from the environment is wrong."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "crisisline"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisline.settings")
    from django.core.exceptions import ImproperlyConfigured

    from crisisline.lib.env import ConfigError

    try:
        import django

        django.setup()
    except (ConfigError, ImproperlyConfigured) as error:
        print(f"crisisline: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
