from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CrisesConfig(AppConfig):
    name = "crisisline.crises"
    label = "crises"
    verbose_name = "Crises"

    def ready(self) -> None:
        from crisisline.crises import jobs  # noqa: F401 - registers the follow-up reminders with the worker
        from crisisline.crises.catalogue_sync import catalogue_sync

        # After every migrate: the network's crisis types and protocols match catalogue.py.
        post_migrate.connect(lambda sender, **kwargs: catalogue_sync(), sender=self, weak=False)
