"""The public address in QR codes and links: $ACCREDITATION_PUBLIC_URL, else the address the page was served at,
else http://localhost:8501."""

import pytest

from apptest import data_dir  # noqa: F401 - a fixture

from accreditation import settings


@pytest.mark.parametrize("configured, served, expected", [
    ("https://cert.example.vn/", "http://10.0.0.5:8501", "https://cert.example.vn"),  # the setting wins
    ("  ", "http://10.0.0.5:8501", "http://10.0.0.5:8501"),  # a blank setting is no setting
    (None, "http://10.0.0.5:8501", "http://10.0.0.5:8501"),  # else the address the browser reached
    (None, None, "http://localhost:8501"),  # else (CLI, tests) the local default
])
def test_the_public_url_falls_back_in_order(monkeypatch, configured, served, expected):
    if configured is None:
        monkeypatch.delenv("ACCREDITATION_PUBLIC_URL", raising=False)
    else:
        monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", configured)
    monkeypatch.setattr(settings, "served_url", lambda: served)
    assert settings.public_url() == expected


def test_outside_a_page_run_nothing_is_served():
    assert settings.served_url() is None  # pytest imports streamlit here, but no script is running


@pytest.mark.parametrize("url, base, expected", [
    ("http://10.0.0.5:8501/review", "", "http://10.0.0.5:8501"),
    ("https://chungnhan.vcci.vn/verify", "", "https://chungnhan.vcci.vn"),
    ("https://vcci.vn/award/portfolio", "award", "https://vcci.vn/award"),
    ("http://[::1]:8501/", "", "http://[::1]:8501"),
    ("file:///tmp/x", "", None),
    (None, "", None),
])
def test_the_base_of_a_browser_url(url, base, expected):
    assert settings.base_of(url, base) == expected


def test_a_vietnamese_host_name_becomes_ascii_for_the_qr_code():
    base = settings.base_of("https://chứngnhận.vn/verify")
    assert base.isascii() and base.startswith("https://xn--") and base.endswith(".vn")


@pytest.mark.parametrize("url, local", [("http://localhost:8501", True), ("http://127.0.0.1:9000", True),
                                        ("http://[::1]:8501", True), ("http://10.0.0.5:8501", False),
                                        ("https://cert.example.vn", False), (None, True)])
def test_local_addresses(url, local):
    assert settings.is_local(url) is local


def test_a_document_issued_from_the_app_carries_the_address_the_browser_reached(data_dir, monkeypatch):
    """No ACCREDITATION_PUBLIC_URL: the statement issued on submission points its QR code at the address the company
    opened the app at, not at localhost."""
    import json
    from pathlib import Path

    from apptest import goto, sign_in
    from accreditation import accounts, workflow
    from accreditation.store import certificates as registry
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria

    monkeypatch.delenv("ACCREDITATION_PUBLIC_URL", raising=False)
    at = sign_in("sme@demo.vn")
    at.context = {"url": "http://10.0.0.5:8501/results"}
    at = goto(at, "questionnaire")  # starts the draft
    db = open_db(data_dir / "accreditation.db")
    actor = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.latest(db, actor.organisation_id)
    example = json.loads((Path(__file__).resolve().parent.parent / "examples/strong.json").read_text("utf-8"))
    workflow.save_answers(db, actor, draft["id"], {k: v["value"] if isinstance(v, dict) else v
                                                   for k, v in example["answers"].items()}, default_criteria())
    at = goto(at, "documents")
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Nộp bản tự đánh giá").click().run()
    assert not at.exception
    cert = registry.get(db, workflow.latest(db, actor.organisation_id)["certificate_id"])
    assert cert.base_url == "http://10.0.0.5:8501"
    assert cert.verification_url().startswith("http://10.0.0.5:8501/?verify=")


def test_the_shipped_server_settings_show_users_no_error_details_and_send_nothing():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"  # no exception text, no code, no file paths
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "localhost"
