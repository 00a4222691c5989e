from django.apps import AppConfig


class CirclesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.circles"
    label = "circles"
    verbose_name = "Mentoring circles"
