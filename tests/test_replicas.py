"""The compose set-up's processes without containers: two app servers (`python -m accreditation.serve`, as the
image runs it) on 127.0.0.1, HAProxy from the system packages in front with the shipped deploy/haproxy.cfg (TLS with
a certificate made here, sticky cookie), evidence and documents in an S3-compatible server (moto), one database:
PostgreSQL when the test harness names one (ACCREDITATION_TEST_DATABASE_URL), else one SQLite file both servers
share (valid on one machine). One journey through the proxy in a real browser (Debian chromium, Playwright): a
company signs in, answers a question, reloads and sees its answer; a colleague whose browser the proxy sends to the
other server sees the same answer. Then one server stops and the proxy moves its browsers to the other."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from email.message import Message
from pathlib import Path
from typing import Iterator

import pytest

from browser_support import ROOT, free_port, healthy, require_browser
from browser_support import browser  # noqa: F401 - a fixture

require_browser()
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
if not Path(HAPROXY).exists():
    if os.environ.get("CI_REQUIRE_TOOLS"):
        raise RuntimeError("haproxy is required in CI (apt-get install haproxy)")
    pytest.skip("haproxy is not installed", allow_module_level=True)
pytest.importorskip("moto")

from playwright.sync_api import expect  # noqa: E402
from s3_server import CREDENTIALS, client, make_bucket, s3_server  # noqa: E402

CONFIG = ROOT / "deploy" / "haproxy.cfg"
COMPANY_LOGIN = ("sme@demo.vn", "demo-2026")


def make_certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, as HAProxy reads it: certificate, then key, in one owner-only file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / "award.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return path


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


@contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    """A schema of its own on the harness's PostgreSQL database, dropped afterwards: the servers' DATABASE_URL."""
    import psycopg
    from urllib.parse import quote

    name = "replicas_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{server}{'&' if '?' in server else '?'}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def tls_context(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))  # trust our own certificate, and only it


def fetch(url: str, context: ssl.SSLContext | None = None) -> tuple[int, bytes, Message]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Everything started, in the order compose starts it; stopped afterwards in the reverse order."""
    root = tmp_path_factory.mktemp("replicas")
    cert = make_certificate(root)
    https_port, http_port = free_port(), free_port()
    public = f"https://127.0.0.1:{https_port}"
    with ExitStack() as stack:
        endpoint = stack.enter_context(s3_server())
        make_bucket(endpoint, "award")
        env = {k: v for k, v in os.environ.items() if k not in ("ACCREDITATION_TEST_DATABASE_URL", "DATABASE_URL")}
        env.update(CREDENTIALS, ACCREDITATION_PUBLIC_URL=public, ACCREDITATION_DEMO="accounts",
                   ACCREDITATION_STORAGE_URL="s3://award/files", ACCREDITATION_S3_ENDPOINT=endpoint,
                   STREAMLIT_SERVER_COOKIE_SECRET="one-secret-for-every-replica-" + uuid.uuid4().hex,
                   STREAMLIT_SERVER_HEADLESS="true", STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
                   STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        keys = root / "keys"  # the shared signing-key volume of compose.yaml
        keys.mkdir(mode=0o700)
        harness = os.environ.get("ACCREDITATION_TEST_DATABASE_URL", "").strip()
        if harness:  # PostgreSQL: each server has a data directory of its own, the keys folder mounted in both
            env["DATABASE_URL"] = stack.enter_context(postgres_schema(harness))
            dirs = [root / "data-a", root / "data-b"]
            for d in dirs:
                d.mkdir(mode=0o700)
                (d / "keys").symlink_to(keys, target_is_directory=True)
        else:  # SQLite: both servers share one data directory, so one database file (and one keys folder)
            shared = root / "data"
            shared.mkdir(mode=0o700)
            (shared / "keys").symlink_to(keys, target_is_directory=True)
            dirs = [shared, shared]
        apps = []
        for n, data in enumerate(dirs, 1):  # one after the other: the first start migrates and makes the demo data
            port = free_port()
            proc = stack.enter_context(process(
                [sys.executable, "-m", "accreditation.serve", "--server.address", "127.0.0.1", "--server.port",
                 str(port)], {**env, "ACCREDITATION_DATA_DIR": str(data)}, root / f"app{n}.log"))
            url = f"http://127.0.0.1:{port}"
            if not healthy(url, 90):
                raise RuntimeError(f"app{n} did not start: " + (root / f"app{n}.log").read_text())
            apps.append((proc, url))
        proxy_env = {**os.environ, "HTTPS_BIND": f"127.0.0.1:{https_port}", "HTTP_BIND": f"127.0.0.1:{http_port}",
                     "TLS_CERT": str(cert), "APP1": f"127.0.0.1:{apps[0][1].rsplit(':', 1)[1]}",
                     "APP2": f"127.0.0.1:{apps[1][1].rsplit(':', 1)[1]}"}
        proxy = stack.enter_context(process([HAPROXY, "-db", "-f", str(CONFIG)], proxy_env, root / "haproxy.log"))
        context = tls_context(cert)
        deadline = time.time() + 30
        while True:
            try:
                if fetch(public + "/_stcore/health", context)[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or proxy.poll() is not None:
                raise RuntimeError("haproxy did not serve: " + (root / "haproxy.log").read_text())
            time.sleep(0.3)
        yield {"public": public, "http": f"http://127.0.0.1:{http_port}", "cert": cert, "apps": apps,
               "endpoint": endpoint, "root": root, "context": context, "dirs": dirs}


def test_the_proxy_serves_tls_only_and_answers_health(stack):
    status, body, _ = fetch(stack["public"] + "/_stcore/health", stack["context"])
    assert (status, body) == (200, b"ok")
    status, _, headers = fetch(stack["http"] + "/", None)  # plain HTTP is sent to HTTPS
    assert status == 301 and headers["location"].startswith("https://")
    with pytest.raises(urllib.error.URLError) as info:  # a browser that does not trust the certificate is warned
        fetch(stack["public"] + "/_stcore/health", ssl.create_default_context())
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    _, _, headers = fetch(stack["public"] + "/", stack["context"])
    [sticky] = [c for c in headers.get_all("set-cookie") if c.startswith("SRV=")]
    assert re.fullmatch(r"SRV=app[12]; path=/; HttpOnly; Secure; SameSite=Lax", sticky), sticky
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-frame-options"] == "DENY"  # the app's own headers come through the proxy


def idle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=30_000)


def signed_in_company(browser, url: str):
    """A new browser (context) signed in as the demo company; its page and the replica the proxy stuck it to."""
    desk = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
    page = desk.new_page()
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)
    idle(page)
    page.get_by_label("E-mail").fill(COMPANY_LOGIN[0])
    page.get_by_label("Mật khẩu").fill(COMPANY_LOGIN[1])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)
    idle(page)
    return page, {c["name"]: c["value"] for c in desk.cookies()}.get("SRV")


def questionnaire(page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text("Tự đánh giá", exact=True).click()
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible(timeout=30_000)
    idle(page)


def answer(page, qid: str):
    return page.get_by_role("radiogroup", name=re.compile(rf"\b{re.escape(qid)}\b"))


def test_a_journey_through_the_proxy_is_served_by_both_replicas_from_one_database(stack, browser, tmp_path):
    page, first = signed_in_company(browser, stack["public"])
    assert first in ("app1", "app2")
    questionnaire(page)
    answer(page, "PRO-01").get_by_text("Có", exact=True).click()
    idle(page)
    # An evidence file, uploaded through the proxy (Streamlit's upload request and its XSRF cookie go to the
    # replica that rendered the page), lands in the shared object store, not on that server's disk.
    policy = tmp_path / "chinh-sach.pdf"
    policy.write_bytes(b"%PDF-1.4 child labour policy, uploaded through the proxy")
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(policy))
    expect(page.get_by_text("Đã lưu minh chứng chinh-sach.pdf.")).to_be_visible(timeout=30_000)
    idle(page)
    digest = hashlib.sha256(policy.read_bytes()).hexdigest()
    stored = client(stack["endpoint"]).get_object(Bucket="award", Key=f"files/evidence/{digest}")["Body"].read()
    assert stored == policy.read_bytes()
    assert not any((d / "evidence").exists() for d in stack["dirs"])
    page.reload(wait_until="domcontentloaded")  # a refresh: the same replica (sticky), the session from its cookie
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible(timeout=30_000)
    idle(page)
    expect(answer(page, "PRO-01").get_by_role("radio", name="Có", exact=True)).to_be_checked()

    # A colleague's browser: round robin sends a new browser to the other replica, which reads the same database.
    colleague, second = signed_in_company(browser, stack["public"])
    assert {first, second} == {"app1", "app2"}
    questionnaire(colleague)
    expect(answer(colleague, "PRO-01").get_by_role("radio", name="Có", exact=True)).to_be_checked()

    # The server of the first browser stops: the proxy's check finds it down and sends that browser to the other
    # one, where its session (in the database) goes on.
    proc, _ = stack["apps"][0 if first == "app1" else 1]
    proc.terminate()
    proc.wait(15)
    time.sleep(1)
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible(timeout=60_000)
    idle(page)
    expect(answer(page, "PRO-01").get_by_role("radio", name="Có", exact=True)).to_be_checked()
    status, body, _ = fetch(stack["public"] + "/_stcore/health", stack["context"])
    assert (status, body) == (200, b"ok")  # still served, by the one left
    page.context.close()
    colleague.context.close()
