"""Where the application keeps its data, and its public address. Both come from the environment."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "http://localhost:8501"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")
LOOPBACK = ("localhost", "127.0.0.1", "::1")  # served to this machine only


def served_address() -> str:
    """The address the app's server listens on: $STREAMLIT_SERVER_ADDRESS, else Streamlit's option (the shipped
    .streamlit/config.toml says localhost); "" means every interface."""
    value = os.environ.get("STREAMLIT_SERVER_ADDRESS")
    if value is None:
        try:
            from streamlit import config

            value = config.get_option("server.address")
        except Exception:  # no Streamlit configuration here
            value = None
    return (value or "").strip()


def serving_locally() -> bool:
    """True when only this machine can reach the app: the demo accounts (a published password) exist only then,
    unless asked for explicitly."""
    return served_address() in LOOPBACK


def data_dir() -> Path:
    """The data directory (database, evidence files, signing keys), created on first use, readable by its owner
    only (it holds personal data).

    $ACCREDITATION_DATA_DIR, else $XDG_DATA_HOME/vn-clf-award, else ~/.local/share/vn-clf-award: outside the
    repository, so keys and personal data are never committed."""
    configured = os.environ.get("ACCREDITATION_DATA_DIR")
    if configured:
        path = Path(configured)
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "vn-clf-award"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077 and path.owner() == _me():  # made before this rule, or by a wide umask
        path.chmod(0o700)
    return path


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (worker evidence, issued documents), whole or not at all: a reader
    never sees half of it."""
    # one temporary name per thread: two sessions keeping the same file at once must not share it
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def configured_url() -> str | None:
    """$ACCREDITATION_PUBLIC_URL without its trailing slash; None when unset or blank."""
    value = os.environ.get("ACCREDITATION_PUBLIC_URL", "").strip().rstrip("/")
    return value or None


def public_url() -> str:
    """The app's public address, used in certificate QR codes and links (ASCII), in this order:
    $ACCREDITATION_PUBLIC_URL; else, while a page is being served, the address the browser reached the app at;
    else http://localhost:8501 (the CLI, tests)."""
    return configured_url() or served_url() or DEFAULT_URL


def served_url() -> str | None:
    """The address the current browser request reached the app at (scheme, host, port and Streamlit's base path,
    without the page or query), or None outside a page run. Streamlit is only asked when a page is running, so
    the CLI never imports it."""
    if "streamlit" not in sys.modules:
        return None
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx() is None:
            return None
        import streamlit as st

        url = st.context.url
    except Exception:  # no browser context (a bare script run, an old client): fall back
        return None
    return base_of(url, _base_path())


def base_of(url: str | None, base_path: str = "") -> str | None:
    """scheme://host[:port][/base_path] of a browser URL, the host in ASCII (IDNA) for the QR code; None when the
    URL is not http(s)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    path = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return f"{parts.scheme}://{host}{port}{path}"


def _base_path() -> str:
    try:
        from streamlit import config

        return str(config.get_option("server.baseUrlPath") or "")
    except Exception:
        return ""


def is_local(url: str | None) -> bool:
    """True for an address only this machine reaches (localhost, 127.0.0.1, ::1)."""
    if not url:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.")


def address_warning() -> str | None:
    """What the admin must know about the address in QR codes: None when $ACCREDITATION_PUBLIC_URL is set or the
    app is only reached locally; else the address documents are getting now (the one this page was opened at)."""
    if configured_url():
        return None
    served = served_url()
    return None if is_local(served) else served
