from django.apps import AppConfig


class RightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.rights"
    label = "rights"
    verbose_name = "Data rights"
