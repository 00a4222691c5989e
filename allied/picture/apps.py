from django.apps import AppConfig


class PictureConfig(AppConfig):
    name = "allied.picture"
    label = "picture"
    verbose_name = "The mentee's picture"
