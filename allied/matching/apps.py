from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "allied.matching"
    label = "matching"
    verbose_name = "Matching"
