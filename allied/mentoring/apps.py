from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "allied.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"
