from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "crisisline.audit"
    label = "audit"
    verbose_name = "Audit trail"
