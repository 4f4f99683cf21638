"""Email over SMTP (standard library smtplib): STARTTLS (port 587), implicit TLS (465) or plain (25, a mail
server on this machine only). The subject is a fixed neutral word and the body the template's neutral
text, so a glance at a locked phone's notification reveals nothing.

The Message-ID is derived from the idempotency key: a message sent again after a worker died mid-send
carries the same id, which mail clients and servers recognise as the same message. SMTP cannot be asked
whether it has a message, so there is no lookup."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from django.conf import settings

from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError

TIMEOUT = 20  # seconds for each exchange with the mail server
SUBJECT = "Crisisline"


def message_id(idempotency_key: str) -> str:
    domain = settings.SMTP_FROM.rpartition("@")[2].strip("> ") or "crisisline.invalid"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@{domain}>"


def _email(message: OutboundMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = SUBJECT
    email["From"] = settings.SMTP_FROM
    email["To"] = message.to
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id(message.idempotency_key)
    email["Auto-Submitted"] = "auto-generated"  # no out-of-office answers to it
    email.set_content(message.body)
    return email


def _connect() -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.SMTP_CA_FILE or None)
    if settings.SMTP_SECURITY == "ssl":
        return smtplib.SMTP_SSL(settings.SMTP_HOST, settings.SMTP_PORT, timeout=TIMEOUT, context=context)
    smtp = smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=TIMEOUT)
    try:
        if settings.SMTP_SECURITY == "starttls":
            smtp.starttls(context=context)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _refused(codes: list[int]) -> TransportError:
    # Every refusal "try later" (greylisting, a full mailbox): temporary; any "never": permanent.
    temporary = bool(codes) and all(400 <= code < 500 for code in codes)
    shown = ",".join(str(code) for code in sorted(set(codes)))
    return TransportError(f"the mail server refused the recipient ({shown})", permanent=not temporary)


class SmtpTransport:
    name = "smtp"
    channels = frozenset({"email"})

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel != "email":
            raise TransportError("SMTP carries email only", permanent=True)
        if not settings.SMTP_HOST or not settings.SMTP_FROM:
            raise TransportError("SMTP is not configured", permanent=True)
        email = _email(message)
        # Error texts name codes only: smtplib's own messages quote the address.
        try:
            with _connect() as smtp:
                if settings.SMTP_USER:
                    smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused([code for code, _text in error.recipients.values()]) from None
        except smtplib.SMTPResponseException as error:
            code = error.smtp_code
            raise TransportError(f"the mail server answered {code}", permanent=500 <= code < 600) from None
        except (smtplib.SMTPException, OSError):  # refused connection, time-out, TLS, a dropped line
            raise TransportError("the mail server could not be reached") from None
        if refused:  # one recipient only: refused would have raised; kept for safety
            raise _refused([code for code, _text in refused.values()])
        return Receipt(provider_message_id=email["Message-ID"].strip("<>")[:96], state="sent")
