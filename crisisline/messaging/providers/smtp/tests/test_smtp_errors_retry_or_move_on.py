"""A recipient or message the mail server will never take is permanent (the page moves to the next
channel); "try later" and a server that cannot be reached are temporary. No error names the address."""

import pytest

from crisisline.messaging.providers.smtp.transport import SmtpTransport
from crisisline.messaging.transport import OutboundMessage, TransportError

from .conftest import free_port

TO = "rekha@example.org"
MESSAGE = OutboundMessage(idempotency_key="k", channel="email", to=TO, body="Crisis C-1", template="page")


def failure() -> TransportError:
    with pytest.raises(TransportError) as raised:
        SmtpTransport().send(MESSAGE)
    assert "rekha" not in str(raised.value)
    return raised.value


@pytest.mark.parametrize(
    ("answer", "permanent"),
    [("550 5.1.1 No such user", True), ("553 5.1.3 Bad address", True), ("450 4.2.0 Greylisted", False)],
)
def test_a_refused_recipient(mail_server, answer, permanent):
    server = mail_server("none")
    server.rcpt_answer = answer
    error = failure()
    assert error.permanent is permanent
    assert answer[:3] in str(error)


@pytest.mark.parametrize(
    ("answer", "permanent"), [("554 5.6.0 Rejected", True), ("451 4.3.0 Try later", False)]
)
def test_a_refused_message(mail_server, answer, permanent):
    server = mail_server("none")
    server.data_answer = answer
    assert failure().permanent is permanent


def test_a_wrong_password_is_permanent(mail_server, settings):
    mail_server("starttls", password=True)
    settings.SMTP_PASSWORD = "wrong"
    error = failure()
    assert error.permanent is True
    assert "535" in str(error)


def test_a_server_that_cannot_be_reached_is_temporary(settings):
    settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_SECURITY = "127.0.0.1", free_port(), "none"
    settings.SMTP_FROM = "pages@crisis.example.org"
    assert failure().permanent is False


def test_a_certificate_nobody_vouches_for_is_temporary_and_nothing_is_sent(mail_server, settings):
    server = mail_server("starttls", password=True)
    settings.SMTP_CA_FILE = ""  # the system's authorities do not know the test's
    assert failure().permanent is False
    assert server.received == [] and server.logins == []


def test_unconfigured_smtp_moves_the_page_on(settings):
    settings.SMTP_HOST = ""
    assert failure().permanent is True
