from django.apps import AppConfig


class ConsensusConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.consensus"
    label = "consensus"
    verbose_name = "Mentoring models built from workshops"
