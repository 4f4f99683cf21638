"""`crisisline messaging templates`: every text, its length and SMS parts, per language.
`crisisline messaging status`: messages by state, and the newest inbound webhooks by outcome."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from crisisline.messaging.models import InboundEvent, Message
from crisisline.messaging.texts import template_lengths
from crisisline.messaging.transport import provider_for


class Command(BaseCommand):
    help = "Message texts and their SMS lengths; what is queued, sent and failed."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["templates", "status"])

    def handle(self, *args, what: str, **options):
        if what == "templates":
            self.stdout.write(f"{'text':<16}{'lang':<6}{'chars':>6}  {'encoding':<8}{'parts':>6}  dlt id")
            for row in template_lengths():
                self.stdout.write(
                    f"{row.code:<16}{row.language:<6}{row.length:>6}  {row.encoding:<8}{row.segments:>6}  "
                    f"{row.dlt_template_id or '-'}"
                )
            return
        for channel in ("sms", "voice", "email"):
            self.stdout.write(f"{channel}: {provider_for(channel)}")
        for row in Message.objects.values("state").annotate(n=Count("pk")).order_by("state"):
            self.stdout.write(f"messages {row['state']}: {row['n']}")
        for row in InboundEvent.objects.values("kind", "outcome").annotate(n=Count("pk")).order_by("kind"):
            self.stdout.write(f"inbound {row['kind']} {row['outcome'] or '-'}: {row['n']}")
