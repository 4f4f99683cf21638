from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "crisisline.network"
    label = "network"
    verbose_name = "Network"
