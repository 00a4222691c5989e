from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.programmes"
    verbose_name = "Mentoring programmes"
