from django.apps import AppConfig


class PictureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.picture"
    label = "picture"
    verbose_name = "The mentee's picture"
