from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "crisisline.people"
    label = "people"
    verbose_name = "People"
