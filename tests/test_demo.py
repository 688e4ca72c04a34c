"""The first run's demo data: every role has something to see."""

from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, demo, portfolio, review, workflow
from accreditation.errors import UserError
from accreditation.store.db import open_db


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCREDITATION_DEMO", "1")
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return open_db(tmp_path / "accreditation.db")


def test_the_demo_gives_each_role_something_to_see(db):
    created = demo.ensure_demo_data(db)
    assert {email for _, email, _ in created} >= {"sme@demo.vn", "assessor@demo.vn", "brand@demo.vn",
                                                   "admin@demo.vn", "dongky@demo.vn"}
    assert demo.ensure_demo_data(db) is None  # only once
    sme = accounts.user_for_email(db, "sme@demo.vn")
    assert workflow.latest(db, sme.organisation_id) is None  # the company's own journey starts from the beginning
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    assert list(review.queue(db, assessor)["company"]) == ["Công ty CP Da giày Phú Thịnh"]
    brand = accounts.user_for_email(db, "brand@demo.vn")
    frame = portfolio.portfolio(db, brand.organisation_id, date.today())
    assert len(frame) == 4
    statuses = dict(zip(frame["company"], frame["certificate_status"]))
    assert statuses["Xưởng Gỗ Mỹ nghệ Đồng Kỵ"] == "active"
    assert statuses["Hợp tác xã Mây tre đan Phú Vinh"] == "none"


@pytest.mark.parametrize("value, address, expected", [
    ("0", "localhost", "none"), ("accounts", "localhost", "accounts"), ("1", "localhost", "all"),
    ("", "localhost", "all"), ("", "127.0.0.1", "all"),
    # served on a network, the published demo password exists only when asked for by name
    ("", "0.0.0.0", "none"), ("", "", "none"), ("", "10.0.0.5", "none"), ("1", "0.0.0.0", "all"),
])
def test_the_demo_level_comes_from_the_environment_and_the_address_served(monkeypatch, value, address, expected):
    monkeypatch.setenv("ACCREDITATION_DEMO", value)
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", address)
    assert demo.level() == expected


def test_a_fresh_data_directory_served_on_a_network_has_no_account_and_no_known_password(tmp_path, monkeypatch):
    """The app's first run on 0.0.0.0 with a public address: no demo data, the login page offers none, and the
    published password opens nothing even where a demo account was made earlier (a machine moved from a desk to
    the network)."""
    from streamlit.testing.v1 import AppTest

    from accreditation.ui import common

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCREDITATION_DEMO", raising=False)
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "0.0.0.0")
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://giaithuong.example.vn")
    common._database.clear()
    try:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "streamlit_app.py")).run()
    finally:
        common._database.clear()
    assert at.title[0].value == "Đăng nhập" and not at.exception
    assert accounts.DEMO_PASSWORD not in " ".join(i.value for i in at.info)
    db = open_db(tmp_path / "accreditation.db")
    assert db["users"].count == 0
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "localhost")
    accounts.ensure_demo_data(db)  # made while it served this machine only
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "0.0.0.0")
    with pytest.raises(UserError, match="wrong e-mail or password"):
        accounts.authenticate(db, "admin@demo.vn", accounts.DEMO_PASSWORD)


def test_serving_a_network_address_without_a_public_address_is_refused(tmp_path, monkeypatch, capsys):
    from accreditation import serve

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCREDITATION_PUBLIC_URL", raising=False)
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "localhost")  # serve.main sets it from the options: restored after
    monkeypatch.setenv("ACCREDITATION_LANG", "en")
    assert serve.main(["--server.address", "0.0.0.0"]) == 1
    assert "Set ACCREDITATION_PUBLIC_URL" in capsys.readouterr().err
    assert not (tmp_path / "accreditation.db").exists()  # nothing made


# ------------------------------------------------------------------ the start-up: accounts before any browser


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_first_start_prints_the_address_and_the_demo_accounts_before_any_browser_connects(tmp_path):
    """`python -m accreditation.serve` (the README's start command) prints them while nothing has asked the server
    for anything; then the same process serves the app."""
    import os
    import subprocess
    import sys
    import threading
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    env = {**os.environ, "ACCREDITATION_DATA_DIR": str(tmp_path), "ACCREDITATION_DEMO": "1",
           "ACCREDITATION_LANG": "en"}
    env.pop("ACCREDITATION_PUBLIC_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "accreditation.serve", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
                            cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not any("phuvinh@demo.vn" in line for line in lines):
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.2)
        out = "".join(lines)  # no HTTP request has been made yet
        assert f"Open the app at http://127.0.0.1:{port}" in out, out
        assert "Demo accounts (password for all: demo-2026):" in out
        for email in ("sme@demo.vn", "assessor@demo.vn", "lead@demo.vn", "brand@demo.vn", "admin@demo.vn",
                      "dongky@demo.vn"):
            assert email in out
        assert out.index("Open the app at") < out.index("sme@demo.vn")
        while time.time() < deadline:  # and then it serves
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the app did not start: " + "".join(lines))
    finally:
        proc.terminate()
        proc.wait(20)
    db = open_db(tmp_path / "accreditation.db")
    assert accounts.user_for_email(db, "sme@demo.vn") is not None


def test_a_second_start_creates_and_prints_no_accounts_again(db):
    from accreditation import serve

    demo.ensure_demo_data(db)
    assert serve.prepare("en") == []


@pytest.mark.parametrize("argv, env, expected", [
    ([], {}, "http://localhost:8501"),
    (["--server.port", "9000"], {}, "http://localhost:9000"),
    (["--server.port=9000", "--server.address=0.0.0.0"], {}, "http://localhost:9000"),
    ([], {"STREAMLIT_SERVER_PORT": "8600", "STREAMLIT_SERVER_ADDRESS": "10.0.0.5"}, "http://10.0.0.5:8600"),
    (["--server.baseUrlPath", "/award/"], {}, "http://localhost:8501/award"),
    ([], {"STREAMLIT_SERVER_BASE_URL_PATH": "award"}, "http://localhost:8501/award"),
])
def test_the_printed_address_follows_streamlit_s_options(monkeypatch, argv, env, expected):
    from accreditation import serve

    for name in ("STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SERVER_BASE_URL_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert serve.address(argv) == expected


def test_the_demo_register_of_awardees_lists_the_approved_suppliers(db):
    from accreditation import register

    demo.ensure_demo_data(db)
    listed = sorted(e.company_name for e in register.entries(db, date.today()))
    assert listed == ["Công ty TNHH Thêu ren Văn Lâm", "Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]
