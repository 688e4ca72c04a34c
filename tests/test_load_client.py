"""The load benchmark's browserless client (benchmarks/st_client.py, benchmarks/load.py) against a real
`streamlit run`: two companies and a brand walk the whole journey, and what they saved is in the database."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks import load
from benchmarks.st_client import Session, require_loopback


def test_two_users_walk_the_journey_and_the_database_holds_it(tmp_path):
    args = load.parse(["--users", "2", "--think", "0", "--ramp", "0", "--views", "1", "--timeout", "60", "--no-warm-up"])
    r = load.measure(2, args, tmp_path)
    failures = [o.failure for o in r["outcomes"].values() if o.failure]
    assert failures == [] and r["failed"] == 0
    for step in load.SME_STEPS:  # every step timed, once per user (answer: once per question of the section)
        assert r["stats"][step][0] >= 2, step
    assert r["stats"]["answer"][0] == 2 * 6 and r["stats"]["portfolio"][0] == 1
    db = r["db"]
    assert db["answers"] == 12 and db["lost"] == [] and db["duplicates"] == [] and db["documents"] == []
    assert db["not_submitted"] == [] and db["statements"] == 2  # each submission issued one statement
    assert [o.submitted for o in r["outcomes"].values() if o.email.startswith("sme")] == [True, True]
    assert r["rss_peak"] >= r["rss_idle"] > 50 * 2**20


def test_the_session_cookie_signs_in_a_new_tab(tmp_path, monkeypatch):
    """The cookie the sign-in swapped its code for opens the next tab signed in (the app's HTTP exchange)."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCREDITATION_DEMO", "0")
    companies, _ = load.create_accounts(1, 1, "c00c1e")
    env = {"ACCREDITATION_DATA_DIR": str(tmp_path), "ACCREDITATION_DEMO": "0"}

    async def tabs(base: str) -> None:
        journey = load.Journey(0, 60)
        first = Session(base, timeout=60)
        out = load.Outcome(companies[0].email)
        await journey.sign_in(first, out, companies[0].email)
        assert set(out.times) == {"open", "sign_in"}
        second = Session(base, timeout=60, http=first.http)  # same browser: same cookies
        run = await second.open()
        assert not run.find("text_input", "login_email") and "self-assessment" in second.pages
        stranger = Session(base, timeout=60)  # no cookie: the sign-in page
        run = await stranger.open()
        assert run.find("text_input", "login_email") and "self-assessment" not in stranger.pages
        for s in (first, second, stranger):
            await s.close()

    with load.app_server(tmp_path, load.free_port(), env) as (url, _):
        asyncio.run(tabs(url))


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://192.168.1.5", "https://example.com"])
def test_only_this_machine_is_driven(url):
    with pytest.raises(ValueError, match="loopback"):
        require_loopback(url)
    with pytest.raises(SystemExit):
        load.parse(["--users", "1", "--replicas", "2", "--port", "9000", "--proxy", url])


def test_loopback_is_accepted_and_a_proxy_needs_the_replicas_ports():
    require_loopback("http://127.0.0.1:8501")
    require_loopback("http://localhost:8501")
    with pytest.raises(SystemExit):
        load.parse(["--replicas", "2", "--proxy", "http://127.0.0.1:8600"])
    with pytest.raises(SystemExit):
        load.parse(["--database-url", "postgresql://bench@10.1.2.3/db"])
    assert load.parse(["--database-url", "postgresql:///bench"]).database_url == "postgresql:///bench"
