from django.core.management.base import BaseCommand
from tqdm import tqdm

from crisisline.crises.keys import keys_pending, keys_rotate, keys_status
from crisisline.lib.crypto import current_key_id


class Command(BaseCommand):
    help = "Master keys: which key holds what (status), and re-wrap everything under the newest (rotate)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rotate"])

    def handle(self, *args, action: str, **options):
        current = current_key_id()
        if action == "status":
            self.stdout.write(f"current master key: {current}")
            for kind, counts in keys_status().items():
                parts = ", ".join(
                    f"{key}{' (current)' if key == current else ''}: {n}" for key, n in counts.items()
                )
                self.stdout.write(f"{kind}: {parts or 'none'}")
            return
        with tqdm(
            total=keys_pending(), unit="keys", desc="re-wrapping", disable=options["verbosity"] == 0
        ) as bar:
            done = keys_rotate(progress=bar.update)
        self.stdout.write(f"re-wrapped {done} under master key {current}")
