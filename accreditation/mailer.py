"""E-mail copies of notifications, through the installation's own SMTP server (configured by environment; none
configured: e-mail is off and every notification stays in the app only).

The `notifications` table is the outbox. A notification is written inside the transaction of the fact it reports
with `email_status` "pending"; once that transaction commits, `deliver_soon` sends it from a background thread with
its own connection, so a click never waits on a mail server and a slow or failing one never undoes the fact.
What the server refuses stays "pending" with the error recorded; `python -m accreditation remind` retries it, and
after `MAX_ATTEMPTS` it becomes "failed" (the admin page says how many). While one sender holds a notification it
is "sending" (a claim taken in a write transaction), so the app and `remind` never send the same one twice.

Privacy: an e-mail says what happened and links to the app; it never carries worker names or ID numbers, nor any
free text people typed (comments, reasons): those are read in the app after signing in."""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any, Iterable, Iterator

from sqlite_utils import Database

from accreditation.store.db import after_commit, connect, identity, write_tx

log = logging.getLogger("accreditation.mailer")

MAX_ATTEMPTS = 5  # the first send and four daily retries by `remind`, then "failed"
DEFAULT_TIMEOUT = 10.0  # seconds for each SMTP step: a hung server delays only the background thread
STALE_CLAIM = timedelta(minutes=15)  # a "sending" claim older than this belonged to a process that died


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    starttls: bool
    tls: bool  # implicit TLS from the first byte (port 465, "SMTPS")
    user: str | None
    password: str | None
    sender: str
    cafile: str | None
    timeout: float

    def describe(self) -> str:
        """host:port and how it is protected, for the admin page (never the password)."""
        how = "TLS" if self.tls else "STARTTLS" if self.starttls else "no TLS"
        return f"{self.host}:{self.port} ({how})"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "no", "false", "off", "không")


def config() -> SmtpConfig | None:
    """The SMTP server from the environment, or None when $ACCREDITATION_SMTP_HOST is unset (e-mail is off)."""
    env = os.environ
    host = env.get("ACCREDITATION_SMTP_HOST", "").strip()
    if not host:
        return None
    starttls = _flag(env.get("ACCREDITATION_SMTP_STARTTLS"), True)
    port_text = env.get("ACCREDITATION_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else (587 if starttls else 25)
    except ValueError:
        port = 587 if starttls else 25
        log.warning("ACCREDITATION_SMTP_PORT %r is not a number; using %s", port_text, port)
    try:
        timeout = float(env.get("ACCREDITATION_SMTP_TIMEOUT", "") or DEFAULT_TIMEOUT)
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    user = env.get("ACCREDITATION_SMTP_USER", "").strip() or None
    sender = env.get("ACCREDITATION_SMTP_SENDER", "").strip() or user or f"no-reply@{host}"
    return SmtpConfig(host=host, port=port, starttls=starttls and port != 465, tls=port == 465, user=user,
                      password=env.get("ACCREDITATION_SMTP_PASSWORD") or None, sender=sender,
                      cafile=env.get("ACCREDITATION_SMTP_CAFILE", "").strip() or None, timeout=timeout)


def enabled() -> bool:
    return config() is not None


def compose(cfg: SmtpConfig, to: str, subject: str, body: str, language: str) -> MIMEText:
    """A plain-text UTF-8 message, marked as automatic so that out-of-office replies are not sent back (RFC 3834).

    The subject is encoded with `email.header.Header` (base64 words split on character boundaries): the newer
    `EmailMessage` folder drops the space between two adjacent encoded words, so a subject naming "May mặc Thuận
    An" arrived as "May mặcThuận An"."""
    msg = MIMEText(body, "plain", "utf-8")
    msg["Subject"] = Header(subject, "utf-8")
    msg["From"] = _from(cfg.sender, language)
    msg["To"] = to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=parseaddr(cfg.sender)[1].rpartition("@")[2] or cfg.host)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = language
    return msg


def _from(sender: str, language: str) -> str | Header:
    """The sender with its display name as configured, else the app's name in the reader's language; encoded
    (RFC 2047) when not ASCII."""
    name, address = parseaddr(sender)
    if not name:
        from accreditation.i18n import catalog_text

        name = catalog_text("app.title", language)
    try:
        name.encode("ascii")
    except UnicodeEncodeError:  # encoded words split on character boundaries, as for the subject
        header = Header(name, "utf-8")
        header.append(f"<{address or sender}>", "us-ascii")
        return header
    return formataddr((name, address or sender))


def _open(cfg: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=cfg.cafile)
    if cfg.tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
    try:
        smtp.ehlo()
        if cfg.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if cfg.user:
            _login(smtp, cfg.user, cfg.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    try:
        (user + password).encode("ascii")
    except UnicodeEncodeError:  # smtplib sends credentials as ASCII only; AUTH PLAIN (RFC 4616) carries UTF-8
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, reply = smtp.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
        return
    smtp.login(user, password)


def _reason(exc: BaseException) -> str:
    """What went wrong, short, for the admin (smtplib's errors never carry the password)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {detail}"[:300]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, detail = next(iter(exc.recipients.values()), (0, b""))
        return f"{code} {detail.decode('utf-8', 'replace') if isinstance(detail, bytes) else detail}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


# ------------------------------------------------------------------------------------------------- the outbox


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _claim(db: Database, ids: Iterable[int] | None) -> list[dict[str, Any]]:
    """Take the notifications to send (pending, or claimed by a sender that died) and mark them "sending", in one
    write transaction: another process that looks at the same moment finds nothing left to take."""
    stale = (_now() - STALE_CLAIM).isoformat(timespec="seconds")
    where = "(n.email_status = 'pending' OR (n.email_status = 'sending' AND n.emailed_at < ?))"
    params: list[Any] = [stale]
    if ids is not None:
        id_list = [int(i) for i in ids]
        if not id_list:
            return []
        where += f" AND n.id IN ({', '.join('?' * len(id_list))})"
        params += id_list
    with write_tx(db):
        rows = db.execute_returning_dicts(
            f"""SELECT n.*, u.email AS to_email, u.name AS to_name, u.language AS to_language, u.active AS to_active,
                       (SELECT p.email FROM notification_prefs p WHERE p.user_id = n.user_id AND p.kind = n.kind)
                         AS pref
                FROM notifications n JOIN users u ON u.id = n.user_id WHERE {where} ORDER BY n.id""", params)
        claimed = _now().isoformat(timespec="seconds")
        for row in rows:
            db.execute("UPDATE notifications SET email_status = 'sending', emailed_at = ? WHERE id = ?",
                       [claimed, row["id"]])
    return rows


def _record(db: Database, outcomes: list[tuple[dict[str, Any], str | None, str]]) -> None:
    """Write what happened to each claimed notification: (row, error or None, status when no error)."""
    when = _now().isoformat(timespec="seconds")
    with write_tx(db):
        for row, error, status in outcomes:
            attempts = (row["email_attempts"] or 0) + (status != "off")
            if error is None:
                db.execute("UPDATE notifications SET email_status = ?, email_attempts = ?, email_error = NULL, "
                           "emailed_at = ? WHERE id = ?",
                           [status, attempts, when if status == "sent" else None, row["id"]])
            else:
                db.execute("UPDATE notifications SET email_status = ?, email_attempts = ?, email_error = ?, "
                           "emailed_at = NULL WHERE id = ?",
                           ["failed" if attempts >= MAX_ATTEMPTS else "pending", attempts, error, row["id"]])


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # given up now (MAX_ATTEMPTS reached)
    pending: int = 0  # refused this time, to be retried
    off: int = 0  # no longer wanted (e-mail turned off for the kind, account closed)

    def add(self, other: "Outcome") -> None:
        for key in ("sent", "failed", "pending", "off"):
            setattr(self, key, getattr(self, key) + getattr(other, key))


def send_pending(db: Database, ids: Iterable[int] | None = None) -> Outcome:
    """Send the pending e-mails (all of them, or those of `ids`) over one SMTP connection. Never raises for a mail
    problem: a refused message stays pending with its error, for `remind` to retry."""
    from accreditation import notify

    outcome = Outcome()
    cfg = config()
    if cfg is None:
        return outcome  # e-mail off: pending ones wait until a server is configured
    rows = _claim(db, ids)
    if not rows:
        return outcome
    results: list[tuple[dict[str, Any], str | None, str]] = []
    wanted = []
    for row in rows:
        if not row["to_active"] or not row["to_email"] or row["pref"] == 0:
            results.append((row, None, "off"))
        else:
            wanted.append(row)
    smtp = None
    try:
        if wanted:
            smtp = _open(cfg)
        for row in wanted:
            language = notify.language_of(row["to_language"])
            subject, body = notify.email_text(row, language)
            try:
                smtp.send_message(compose(cfg, row["to_email"], subject, body, language))
                results.append((row, None, "sent"))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                results.append((row, _reason(exc), "pending"))  # this message only; the connection still works
    except Exception as exc:  # noqa: BLE001 - the server is down, refuses us, or the connection broke
        done = {r["id"] for r, _, _ in results}
        reason = _reason(exc)
        log.warning("e-mail not sent (%s): %s", cfg.describe(), reason)
        results += [(row, reason, "pending") for row in wanted if row["id"] not in done]
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:  # noqa: BLE001 - the messages are already accepted or recorded as not sent
                smtp.close()
    _record(db, results)
    for row, error, status in results:
        if error is None:
            setattr(outcome, status, getattr(outcome, status) + 1)
        elif (row["email_attempts"] or 0) + 1 >= MAX_ATTEMPTS:
            outcome.failed += 1
        else:
            outcome.pending += 1
    return outcome


_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def _deliver(path: str, ids: list[int]) -> None:
    try:
        db = connect(path)
        try:
            send_pending(db, ids)
        finally:
            db.conn.close()
    except Exception:  # noqa: BLE001 - a background sender must never crash anything; `remind` retries
        log.exception("sending notifications by e-mail failed; they stay pending")
    finally:
        with _threads_lock:
            _threads.discard(threading.current_thread())


_held = threading.local()


@contextmanager
def held() -> Iterator[None]:
    """Within this block, new notifications' e-mails are not sent as they are written: the caller sends them all
    at once afterwards (`remind` does, over one connection, and counts them)."""
    _held.depth = getattr(_held, "depth", 0) + 1
    try:
        yield
    finally:
        _held.depth -= 1


def deliver_soon(db: Database, ids: list[int]) -> None:
    """Send these notifications once the current transaction commits: from a background thread with its own
    connection (a file database), or at once on this connection (an in-memory one, which threads cannot share)."""
    if not ids or not enabled() or getattr(_held, "depth", 0):
        return

    def start() -> None:
        try:
            path = identity(db)
            if not path:
                send_pending(db, ids)
                return
            thread = threading.Thread(target=_deliver, args=(path, list(ids)), name="accreditation-mail")
            with _threads_lock:
                _threads.add(thread)
            thread.start()
        except Exception:  # noqa: BLE001 - after_commit callbacks must not raise into the user's action
            log.exception("could not start sending notifications; they stay pending")

    after_commit(db, start)


def send_to_address_soon(db: Database, to: str, subject: str, body: str, language: str) -> None:
    """One message to an address that has no account (an invited supplier: the notification outbox needs a user),
    after the current transaction commits, from a background sender like the notifications'. Not retried: a
    failure is logged, and the caller has shown the person something to copy instead."""
    cfg = config()
    if cfg is None:
        return

    def send() -> None:
        try:
            smtp = _open(cfg)
            try:
                smtp.send_message(compose(cfg, to, subject, body, language))
            finally:
                smtp.quit()
        except Exception as exc:  # noqa: BLE001 - a mail server's failure must not reach the page
            log.warning("e-mail to an address without an account not sent (%s): %s", cfg.describe(), _reason(exc))
        finally:
            with _threads_lock:
                _threads.discard(threading.current_thread())

    def start() -> None:
        thread = threading.Thread(target=send, name="accreditation-mail")
        with _threads_lock:
            _threads.add(thread)
        thread.start()

    after_commit(db, start)


def wait(timeout: float = 30.0) -> bool:
    """Wait for background senders to finish (tests; a command before it exits). True when none is left."""
    deadline = _now() + timedelta(seconds=timeout)
    while True:
        with _threads_lock:
            running = [t for t in _threads if t.is_alive()]
        if not running:
            return True
        left = (deadline - _now()).total_seconds()
        if left <= 0:
            return False
        running[0].join(left)


def counts(db: Database) -> dict[str, int]:
    """How many notifications' e-mails are in each state (pending includes those being sent right now)."""
    found = dict(db.execute("SELECT email_status, count(*) FROM notifications GROUP BY 1").fetchall())
    return {"pending": found.get("pending", 0) + found.get("sending", 0), "failed": found.get("failed", 0),
            "sent": found.get("sent", 0)}
