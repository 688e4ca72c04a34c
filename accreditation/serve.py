"""`python -m accreditation.serve [streamlit options]`: the app's start-up. Before Streamlit serves anyone it opens
(and migrates) the database, refuses to go on when documents exist but their signing key is gone, creates the demo
data on a first start, and prints the address and the demo accounts in the terminal; then this process becomes
`streamlit run streamlit_app.py` with the options given.

Done here rather than in the page script because Streamlit runs the page script only when a browser connects: a
first start would otherwise print the accounts only after someone opened the app."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 8501


def _option(argv: list[str], name: str) -> str | None:
    """The value of a Streamlit command-line option (`--name value` or `--name=value`), else its environment
    variable (STREAMLIT_SERVER_PORT…), else None."""
    flag = f"--{name}"
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    env = "STREAMLIT_" + re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).upper().replace(".", "_")  # Streamlit's naming
    return os.environ.get(env) or None


def address(argv: list[str]) -> str:
    """Where a browser on this machine opens the app."""
    host = _option(argv, "server.address") or "localhost"
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    port = _option(argv, "server.port") or str(DEFAULT_PORT)
    base = (_option(argv, "server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{port}" + (f"/{base}" if base else "")


def prepare(lang: str) -> list[str]:
    """Database, signing-key check and demo data; the lines to print (address first, then any demo accounts)."""
    from accreditation import demo, signing
    from accreditation.store.db import open_db

    db = open_db()
    try:
        signing.check_ready(db)  # a registry with documents but no key: stop here, never make a new key
        created = demo.ensure_demo_data(db)
    finally:
        db.close()
    return demo_lines(created, lang)


def demo_lines(created: list, lang: str) -> list[str]:
    """The demo accounts just created, as printed in the terminal (none when nothing was created)."""
    from accreditation import accounts
    from accreditation.i18n import catalog_text

    if not created:
        return []
    return [catalog_text("serve.demo_heading", lang, password=accounts.DEMO_PASSWORD)] + [
        f"  {catalog_text(f'roles.{role}', lang):<22} {email}" for role, email, _ in created]


def main(argv: list[str] | None = None) -> int:
    from accreditation.errors import UserError
    from accreditation.i18n import catalog_text, env_language
    from accreditation.settings import configured_url, served_address, serving_locally
    from criteria.errors import CriteriaLoadError

    argv = list(sys.argv[1:] if argv is None else argv)
    lang = env_language()
    os.chdir(ROOT)  # .streamlit/config.toml (the address served) and the page paths are relative to the repository
    host = _option(argv, "server.address")
    if host is not None:  # what settings.serving_locally() reads, here and in the server this process becomes
        os.environ["STREAMLIT_SERVER_ADDRESS"] = host
    if not serving_locally() and not configured_url():
        print(catalog_text("app.public_url_needed", lang, address=served_address() or "0.0.0.0"), file=sys.stderr)
        return 1
    try:
        lines = prepare(lang)
    except UserError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    except CriteriaLoadError as exc:
        print("\n".join(exc.messages(lang)), file=sys.stderr)
        return 1
    where = address(argv)
    print(catalog_text("serve.address", lang, url=where), flush=True)
    if configured_url():
        print(catalog_text("serve.public", lang, url=configured_url()), flush=True)
    for line in lines:
        print(line, flush=True)
    print(flush=True)
    if _option(argv, "server.port") is None:  # the address printed is the one served: no silent move to 8502
        argv += ["--server.port", str(DEFAULT_PORT)]
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), *argv]
    os.execv(sys.executable, command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
