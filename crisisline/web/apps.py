from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "crisisline.web"
    label = "web"
    verbose_name = "Web pages"
