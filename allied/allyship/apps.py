from django.apps import AppConfig


class AllyshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.allyship"
    label = "allyship"
    verbose_name = "Allyship and mentor development"
