from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "crisisline.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from crisisline.audit.triggers import ensure_audit_ready

        # Also after a flush (tests): the head row and the triggers come back.
        post_migrate.connect(
            lambda sender, using="default", **kw: ensure_audit_ready(using), sender=self, weak=False
        )
