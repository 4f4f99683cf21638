"""A page by email: a fixed neutral subject, the template's text, and a Message-ID of its own that every
attempt of the same message repeats, over plain SMTP, STARTTLS or implicit TLS, with a password or not."""

import logging

import pytest

from crisisline.messaging.providers.smtp.transport import SmtpTransport, message_id
from crisisline.messaging.transport import OutboundMessage

from .conftest import FROM, USER

TO = "rekha@example.org"
BODY = "Crisis C-7K3P, urgent. Open: https://crisis.example.org/p/abc"


def page(key="page:1:escalation:0:0:7:ch2"):
    return OutboundMessage(idempotency_key=key, channel="email", to=TO, body=BODY, template="page")


@pytest.mark.parametrize(
    ("security", "password"),
    [("none", False), ("starttls", True), ("ssl", True), ("starttls", False)],
    ids=["plain on this machine", "starttls with a password", "implicit tls with a password", "starttls"],
)
def test_the_email_arrives_as_written(mail_server, security, password):
    server = mail_server(security, password=password)

    receipt = SmtpTransport().send(page())

    [(sender, recipients, email)] = server.received
    assert (sender, recipients) == (FROM, [TO])
    assert email["Subject"] == "Crisisline"
    assert (email["From"], email["To"]) == (FROM, TO)
    assert email["Message-ID"] == message_id("page:1:escalation:0:0:7:ch2")
    assert email["Message-ID"].endswith("@crisis.example.org>")
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content().strip() == BODY
    assert server.logins == ([USER] if password else [])
    assert receipt.provider_message_id == email["Message-ID"].strip("<>")
    assert receipt.state == "sent"


def test_a_resend_carries_the_same_message_id_and_another_message_another(mail_server):
    server = mail_server("none")
    SmtpTransport().send(page("k-1"))
    SmtpTransport().send(page("k-1"))
    SmtpTransport().send(page("k-2"))
    ids = [email["Message-ID"] for _sender, _to, email in server.received]
    assert ids[0] == ids[1] != ids[2]


def test_no_address_reaches_the_logs(mail_server, caplog):
    mail_server("starttls", password=True)
    caplog.set_level(logging.DEBUG)
    SmtpTransport().send(page())
    ours = "\n".join(
        record.getMessage() for record in caplog.records if record.name != "mail.log"
    )  # not the server's
    assert "rekha" not in ours and "example.org" not in ours
