"""`certificate`, `remediation`, `verify`, `certificates` and `keys` through a real subprocess."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "PYTHONPATH": str(ROOT), "ACCREDITATION_DATA_DIR": str(tmp_path / "data"),
            "ACCREDITATION_LANG": "en", "ACCREDITATION_PUBLIC_URL": "https://clf.example.vn"}


def run(env, *args):
    env = dict(env)
    env.pop("ACCREDITATION_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "accreditation", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_certificate_then_verify_then_revoke(env, tmp_path):
    out = tmp_path / "cert.pdf"
    p = run(env, "certificate", EXAMPLES / "strong.json", "--out", out, "--as-of", "2026-12-05")
    assert p.returncode == 0, p.stderr
    assert "VN-CLF-2026-000001" in p.stdout and str(out) in p.stdout
    pdf = out.read_bytes()
    assert "Công ty TNHH May mặc Thuận An Xanh" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    v = run(env, "verify", out, "--as-of", "2027-01-01")
    assert v.returncode == 0 and v.stdout.startswith("VALID"), v.stdout + v.stderr
    shown = json.loads(run(env, "certificates", "show", "VN-CLF-2026-000001").stdout)
    assert shown["verification_url"].startswith("https://clf.example.vn/?verify=VN-CLF-2026-000001&p=")
    v = run(env, "verify", shown["verification_url"], "--json", "--as-of", "2027-01-01")
    assert v.returncode == 0 and json.loads(v.stdout)["status"] == "valid"
    v = run(env, "verify", "VN-CLF-2026-000001", "--as-of", "2029-01-01")
    assert v.returncode == 1 and v.stdout.startswith("EXPIRED")

    r = run(env, "certificates", "revoke", "VN-CLF-2026-000001", "--reason", "Trẻ em 14 tuổi làm việc",
            "--by", "VCCI")
    assert r.returncode == 0, r.stderr
    v = run(env, "--lang", "vi", "verify", "VN-CLF-2026-000001")
    assert v.returncode == 1 and v.stdout.startswith("ĐÃ BỊ THU HỒI") and "Trẻ em 14 tuổi làm việc" in v.stdout
    listing = run(env, "certificates", "list")
    assert "VN-CLF-2026-000001" in listing.stdout and "revoked" in listing.stdout


def test_an_altered_pdf_fails_verification(env, tmp_path):
    out = tmp_path / "cert.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(out.read_bytes() + b"\n% edited")
    v = run(env, "verify", altered)
    assert v.returncode == 1 and v.stdout.startswith("NOT GENUINE") and "SHA-256" in v.stdout


@pytest.mark.parametrize("lang, words", [("en", "not eligible"), ("vi", "chưa đủ điều kiện")])
def test_an_ineligible_company_is_refused_in_one_line(env, tmp_path, lang, words):
    out = tmp_path / "cert.pdf"
    p = run(env, "--lang", lang, "certificate", EXAMPLES / "failing.json", "--out", out)
    assert p.returncode == 2
    assert words in p.stderr and "YW-01" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr and not out.exists()


def test_incomplete_answers_are_refused(env, tmp_path):
    data = json.loads((EXAMPLES / "strong.json").read_text("utf-8"))
    data["answers"] = dict(list(data["answers"].items())[:10])
    answers = tmp_path / "partial.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    p = run(env, "certificate", answers, "--out", tmp_path / "c.pdf")
    assert p.returncode == 2 and "incomplete" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_remediation_plan_and_overwrite_protection(env, tmp_path):
    out = tmp_path / "plan.pdf"
    p = run(env, "remediation", EXAMPLES / "failing.json", "--out", out, "--as-of", "2026-12-05")
    assert p.returncode == 0, p.stderr
    reader = PdfReader(out)
    assert len(reader.pages) >= 2 and "Cơ sở Mây tre đan Phú Vinh" in reader.pages[0].extract_text()
    again = run(env, "remediation", EXAMPLES / "failing.json", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert run(env, "remediation", EXAMPLES / "failing.json", "--out", out, "--force").returncode == 0


def test_bad_date_and_missing_file_are_one_line_errors(env, tmp_path):
    p = run(env, "remediation", EXAMPLES / "failing.json", "--out", tmp_path / "x.pdf", "--as-of", "05/12/2026")
    assert p.returncode == 2 and "YYYY-MM-DD" in p.stderr
    p = run(env, "certificate", tmp_path / "nope.json", "--out", tmp_path / "x.pdf")
    assert p.returncode == 2 and "not found" in p.stderr


def test_keys_export_and_offline_verification_with_the_public_key(env, tmp_path):
    out = tmp_path / "cert.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    key = tmp_path / "public.pem"
    e = run(env, "keys", "export-public", "--out", key)
    assert e.returncode == 0 and key.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert run(env, "keys", "export-public").stdout == key.read_text()
    url = json.loads(run(env, "certificates", "show", "VN-CLF-2026-000001").stdout)["verification_url"]
    # a brand with only the published key and no registry
    brand = {**env, "ACCREDITATION_DATA_DIR": str(tmp_path / "brand")}
    v = run(brand, "verify", url, "--public-key", key)
    assert v.returncode == 1 and v.stdout.startswith("CANNOT CONFIRM") and "offline" in v.stdout
    tampered = url.replace("&s=", "&s=AA")
    v = run(brand, "verify", tampered, "--public-key", key)
    assert v.returncode == 1 and v.stdout.startswith("NOT GENUINE")


@pytest.mark.parametrize("command", [["certificate"], ["remediation"], ["verify"], ["certificates", "revoke"],
                                     ["keys", "export-public"]])
def test_every_command_has_help(env, command):
    p = run(env, *command, "--help")
    assert p.returncode == 0 and "usage:" in p.stdout


ROSTER_WITH_A_CHILD = """employee_id,full_name,date_of_birth,job_code,workplace_code,hours_per_day,hours_per_week
NV001,Nguyễn Văn An,17/05/1990,GENERAL,GENERAL,8,48
E-014,Trần Thị Bích,02/10/2014,GENERAL,GENERAL,8,48
"""


def test_a_roster_with_a_child_refuses_the_certificate_and_opens_the_plan_with_the_protocol(env, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_WITH_A_CHILD, "utf-8")
    p = run(env, "certificate", EXAMPLES / "strong.json", "--roster", roster, "--out", tmp_path / "c.pdf",
            "--as-of", "2026-12-05")
    assert p.returncode == 2 and "not eligible" in p.stderr and "YW-01" in p.stderr
    out = tmp_path / "plan.pdf"
    p = run(env, "remediation", EXAMPLES / "strong.json", "--roster", roster,
            "--suppliers", ROOT / "tests" / "data" / "suppliers_example.csv", "--out", out, "--as-of", "2026-12-05")
    assert p.returncode == 0, p.stderr
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert text.index("BẢO VỆ TRẺ EM") < text.index("Tóm tắt")
    assert "E-014" in text
    assert "Trần Thị Bích" not in text and "Nguyễn Văn An" not in text  # employee ids only, never names


def test_evaluate_composes_answers_roster_and_suppliers():
    from datetime import date

    from accreditation.assessment import evaluate
    from criteria import default_criteria
    from scoring import parse_answers_document

    criteria = default_criteria()
    answers = parse_answers_document(json.loads((EXAMPLES / "strong.json").read_text("utf-8")), criteria)
    plain = evaluate(criteria, answers, as_of=date(2026, 12, 5))
    assert plain.result.eligible and plain.roster_result is None and plain.supplier_result is None
    both = evaluate(criteria, answers, (ROSTER_WITH_A_CHILD.encode(), "roster.csv"),
                    ((ROOT / "tests" / "data" / "suppliers_example.csv").read_bytes(), "suppliers_example.csv"),
                    as_of=date(2026, 12, 5))
    assert not both.result.eligible and "YW-01" in both.result.knockouts
    assert both.roster_result.minors == 1 and both.supplier_result is not None
    child = [a for a in both.result.remediation if a.child_protection]
    assert child and all("E-014" in (a.ref or "") for a in child)
    assert child[0].deadline_days == criteria.priorities["critical"].deadline_days
    assert {a.source for a in both.result.remediation} >= {"answers", "roster", "suppliers"}
