from django.apps import AppConfig


class AllyshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.allyship"
    label = "allyship"
    verbose_name = "Allyship and mentor development"

    def ready(self) -> None:
        from allied.allyship import receivers
        from allied.mentoring.signals import review_submitted
        from allied.programmes.signals import place_added

        place_added.connect(receivers.place_added, dispatch_uid="allyship.place_added")
        review_submitted.connect(
            receivers.review_submitted, dispatch_uid="allyship.review_submitted"
        )
