from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "allied.audit"
    label = "audit"
    verbose_name = "Audit log"
