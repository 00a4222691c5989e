from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "allied.web"
    label = "web"
    verbose_name = "Pages shared by every part of Allied"

    def ready(self):
        from django.core.signals import got_request_exception

        from allied.web.outage import note_database_outage

        got_request_exception.connect(note_database_outage, dispatch_uid="allied-database-outage")
