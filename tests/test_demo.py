"""The first run's demo data: every role has something to see."""

from datetime import date

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, demo, portfolio, review, workflow
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


@pytest.mark.parametrize("value, expected", [("0", "none"), ("accounts", "accounts"), ("1", "all"), ("", "all")])
def test_the_demo_level_comes_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("ACCREDITATION_DEMO", value)
    assert demo.level() == expected
