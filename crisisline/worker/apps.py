from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "crisisline.worker"
    label = "worker"
    verbose_name = "Background worker"

    def ready(self) -> None:
        from crisisline.worker import jobs  # noqa: F401 - registers the worker's own periodic jobs
