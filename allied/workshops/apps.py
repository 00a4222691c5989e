from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "allied.workshops"
    label = "workshops"
    verbose_name = "Nominal Group Technique workshops"
