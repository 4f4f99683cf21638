import signal

from django.core.management.base import BaseCommand

from crisisline.worker.loop import Worker


class Command(BaseCommand):
    help = "Run the background worker: claims due work from the database until SIGTERM or Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one pass over what is due, then exit")

    def handle(self, *args, once: bool = False, **options):
        worker = Worker()
        if once:
            worker.start()
            try:
                handled = worker.run_once()
            finally:
                worker.finish()
            self.stdout.write(f"handled {handled}")
            return

        def stop(signum, frame):
            # Finish what is in hand, then leave; anything unfinished stays due in its row.
            worker.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run_forever()
