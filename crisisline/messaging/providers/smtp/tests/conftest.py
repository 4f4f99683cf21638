"""A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread) for the transport to talk to: plain, STARTTLS
or implicit TLS with a certificate from a certificate authority made for the test, optionally asking for a
password, and told which answer to give to RCPT or DATA."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crisisline.messaging import transport as transports

USER = "pager"
PASSWORD = "mail-password-1"
FROM = "pages@crisis.example.org"


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca: bool, ip: str | None = None):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    if ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """(the CA file a client trusts, the server's TLS context): a CA and a certificate for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = _certificate("Test CA", ca_key, ca_name, ca_key, ca=True)
    leaf = _certificate("127.0.0.1", key, ca_name, ca_key, ca=False, ip="127.0.0.1")
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    return str(folder / "ca.pem"), context


@dataclass
class MailServer:
    """What reached the server, and what it answers next."""

    received: list = field(default_factory=list)  # (envelope sender, recipients, parsed message)
    logins: list = field(default_factory=list)
    rcpt_answer: str = ""  # e.g. "550 5.1.1 no such user"
    data_answer: str = ""
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login.decode())
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(settings, certificates):
    """start(security="none"|"starttls"|"ssl", password=False) -> MailServer, settings pointed at it."""
    ca_file, tls = certificates
    controllers = []

    def start(security: str = "none", *, password: bool = False) -> MailServer:
        server = MailServer(port=free_port())
        options: dict = {"hostname": "127.0.0.1", "port": server.port}
        if security == "starttls":
            options |= {"tls_context": tls, "require_starttls": True}
        if security == "ssl":
            options |= {"ssl_context": tls}
        if password:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; implicit TLS is encrypted from the first byte.
            options |= {"authenticator": server.authenticate, "auth_require_tls": security == "starttls"}
        controller = Controller(server, **options)
        controller.start()
        controllers.append(controller)
        settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_SECURITY = "127.0.0.1", server.port, security
        settings.SMTP_USER, settings.SMTP_PASSWORD = (USER, PASSWORD) if password else ("", "")
        settings.SMTP_FROM, settings.SMTP_CA_FILE = FROM, ca_file
        transports.reset()
        return server

    yield start
    for controller in controllers:
        controller.stop()
    transports.reset()
