from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "crisisline.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from crisisline.messaging import services  # noqa: F401 - registers message delivery with the worker
