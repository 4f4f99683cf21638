from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OncallConfig(AppConfig):
    name = "crisisline.oncall"
    label = "oncall"
    verbose_name = "On call"

    def ready(self) -> None:
        from crisisline.oncall import hooks, jobs, jobs_rosters  # noqa: F401 - escalation on open, the worker's jobs
        from crisisline.oncall.defaults import policies_sync

        # After every migrate: the network's default escalation policies exist (defaults.py).
        post_migrate.connect(lambda sender, **kwargs: policies_sync(), sender=self, weak=False)
