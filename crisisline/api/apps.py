from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "crisisline.api"
    label = "api"
    verbose_name = "API"
