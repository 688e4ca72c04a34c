"""A real SMTP server on localhost for the e-mail tests: aiosmtpd (a maintained asyncio SMTP server; Python 3.12
removed the standard library's smtpd) on a free port, keeping what it receives. It can refuse (451), be slow, be
stopped and started again, and speak STARTTLS with a self-signed certificate made here."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402


@dataclass
class Mail:
    to: list[str]
    message: EmailMessage
    tls: bool
    login: str | None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    @property
    def sender(self) -> str:
        """From as an RFC 2047 reader shows it (the standard decoder: policy.default's address parser keeps the
        folding space between two encoded words of a display name)."""
        from email.header import decode_header, make_header

        raw = dict(self.message.raw_items())["From"]
        return str(make_header(decode_header(raw)))

    @property
    def language(self) -> str:
        return str(self.message["Content-Language"])


@dataclass
class Inbox:
    """The handler: keeps every message; `refuse` answers DATA with that reply instead; `delay` seconds first."""

    mails: list[Mail] = field(default_factory=list)
    refuse: str | None = None
    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse
        message = message_from_bytes(envelope.content, policy=policy.default)
        login = session.auth_data if session.authenticated else None
        self.mails.append(Mail(list(envelope.rcpt_tos), message, tls=session.ssl is not None, login=login))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if address in m.to]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, inbox: Inbox, tls_context: ssl.SSLContext | None = None, users: dict[str, str] | None = None):
        self.inbox, self.port, self.tls_context, self.users = inbox, free_port(), tls_context, users or {}
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and self.users.get(auth_data.login.decode()) == \
            auth_data.password.decode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)

    def start(self) -> "Server":
        kwargs = {}
        if self.tls_context is not None:
            kwargs = {"tls_context": self.tls_context, "require_starttls": True, "authenticator": self._authenticate,
                      "auth_required": bool(self.users)}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Mail]:
        """The messages, once at least `count` have arrived (a background thread sends them)."""
        from accreditation import mailer

        mailer.wait(timeout)
        deadline = time.monotonic() + timeout
        while len(self.inbox.mails) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.inbox.mails


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, made with `cryptography`."""
    from ipaddress import ip_address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp(monkeypatch):
    """A plain SMTP server on localhost, configured for the app; the app's public address is a real-looking one."""
    server = Server(Inbox()).start()
    monkeypatch.setenv("ACCREDITATION_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ACCREDITATION_SMTP_PORT", str(server.port))
    monkeypatch.setenv("ACCREDITATION_SMTP_STARTTLS", "0")
    monkeypatch.setenv("ACCREDITATION_SMTP_SENDER", "giaithuong@vcci.example.vn")
    monkeypatch.setenv("ACCREDITATION_SMTP_TIMEOUT", "5")
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://giaithuong.example.vn")
    for name in ("ACCREDITATION_SMTP_USER", "ACCREDITATION_SMTP_PASSWORD", "ACCREDITATION_SMTP_CAFILE"):
        monkeypatch.delenv(name, raising=False)
    yield server
    from accreditation import mailer

    mailer.wait(10)
    server.stop()
