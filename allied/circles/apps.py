from django.apps import AppConfig


class CirclesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.circles"
    label = "circles"
    verbose_name = "Mentoring circles"

    def ready(self) -> None:
        from allied.circles import receivers
        from allied.mentoring import signals

        signals.participant_withdrawn.connect(
            receivers.participant_withdrawn, dispatch_uid="circles.participant_withdrawn"
        )
