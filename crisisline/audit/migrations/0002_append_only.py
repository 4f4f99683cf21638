"""The head row, and the triggers that make audit entries append-only (audit/triggers.py)."""

from django.db import migrations

from crisisline.audit.triggers import GENESIS, install_triggers, remove_triggers


def forwards(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.create(id=1, seq=0, hash=GENESIS, at=None)
    install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_triggers(schema_editor.connection)
    apps.get_model("audit", "AuditHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
