from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allied.programmes"
    verbose_name = "Mentoring programmes"

    def ready(self) -> None:
        from allied.accounts.announce import invitation_accepted
        from allied.programmes import receivers

        invitation_accepted.connect(
            receivers.invitation_accepted, dispatch_uid="programmes.invitation_accepted"
        )
