"""`certificate`, `remediation`, `verify`, `certificates` and `keys` as a user runs them (in process, through
`accreditation.cli.main`; each test has its own data directory)."""

import io
import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def env(tmp_path):
    """The environment of one user's shell: a data directory of its own, English messages, a public address."""
    return {"ACCREDITATION_DATA_DIR": str(tmp_path / "data"), "ACCREDITATION_LANG": "en",
            "ACCREDITATION_PUBLIC_URL": "https://clf.example.vn"}


@pytest.fixture
def run(cli):
    def run(env, *args):
        return cli(*args, env=env, cwd=ROOT)

    return run


def test_certificate_then_verify_then_revoke(run, env, tmp_path):
    out = tmp_path / "cert.pdf"
    p = run(env, "certificate", EXAMPLES / "strong.json", "--out", out, "--as-of", "2026-12-05")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Issued self-assessment statement VN-CLF-2026-000001")
    assert "not verified" in p.stdout and str(out) in p.stdout
    pdf = out.read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Công ty TNHH May mặc Thuận An Xanh" in text and "not verified by an assessor" in text

    v = run(env, "verify", out, "--as-of", "2027-01-01")
    assert v.returncode == 0 and v.stdout.startswith("SELF-ASSESSED, NOT VERIFIED"), v.stdout + v.stderr
    shown = json.loads(run(env, "certificates", "show", "VN-CLF-2026-000001").stdout)
    assert (shown["assurance"], shown["status"]) == ("self_assessed", "active")
    assert shown["verification_url"].startswith("https://clf.example.vn/?verify=VN-CLF-2026-000001&p=")
    v = run(env, "verify", shown["verification_url"], "--json", "--as-of", "2027-01-01")
    assert v.returncode == 0 and json.loads(v.stdout)["status"] == "valid"
    v = run(env, "verify", "VN-CLF-2026-000001", "--as-of", "2028-01-01")
    assert v.returncode == 1 and v.stdout.startswith("EXPIRED")

    r = run(env, "certificates", "revoke", "VN-CLF-2026-000001", "--reason", "Trẻ em 14 tuổi làm việc",
            "--by", "VCCI")
    assert r.returncode == 0, r.stderr
    v = run(env, "--lang", "vi", "verify", "VN-CLF-2026-000001")
    assert v.returncode == 1 and v.stdout.startswith("ĐÃ BỊ THU HỒI") and "Trẻ em 14 tuổi làm việc" in v.stdout
    listing = run(env, "certificates", "list")
    assert "VN-CLF-2026-000001  self_assessed  revoked" in listing.stdout


def test_acceptance_a_fresh_statement_is_valid_but_self_assessed(run, env, tmp_path):
    """The issue's acceptance, on a fresh data directory and today's date."""
    out = tmp_path / "s.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    v = run(env, "verify", out, "--json")
    assert v.returncode == 0, v.stdout + v.stderr
    assert '"assurance": "self_assessed"' in v.stdout and '"status": "valid"' in v.stdout
    strict = run(env, "verify", out, "--require-verified")
    assert strict.returncode == 1 and strict.stdout.startswith("SELF-ASSESSED, NOT VERIFIED")
    assert "--require-verified" in strict.stdout
    assert run(env, "verify", out, "--require-verified", "--json").returncode == 1


def test_a_new_statement_supersedes_the_previous_one(run, env, tmp_path):
    for name in ("a.pdf", "b.pdf"):
        assert run(env, "certificate", EXAMPLES / "strong.json", "--out", tmp_path / name).returncode == 0
    v = run(env, "verify", tmp_path / "a.pdf", "--json")
    result = json.loads(v.stdout)
    assert v.returncode == 1 and (result["status"], result["assurance"]) == ("superseded", "self_assessed")
    assert result["successor_id"].endswith("000002") and result["successor_id"] in result["message"]["en"]
    listing = run(env, "certificates", "list").stdout.splitlines()
    assert "superseded" in listing[1] and listing[1].endswith(f"-> {result['successor_id']}")
    shown = json.loads(run(env, "certificates", "show", result["certificate_id"]).stdout)
    assert shown["status"] == "superseded" and shown["successor"] == result["successor_id"]


def test_changing_the_public_url_after_issue_does_not_break_the_pdf(run, env, tmp_path):
    out = tmp_path / "s.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    moved = {**env, "ACCREDITATION_PUBLIC_URL": "https://moved.example.org"}
    v = run(moved, "verify", out, "--json")
    assert v.returncode == 0 and json.loads(v.stdout)["status"] == "valid", v.stdout


def test_a_lost_signing_key_is_an_error_not_a_new_key(run, env, tmp_path):
    out = tmp_path / "s.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    keys = Path(env["ACCREDITATION_DATA_DIR"]) / "keys"
    shutil.rmtree(keys)
    for args in (["certificate", EXAMPLES / "strong.json", "--out", tmp_path / "t.pdf"], ["verify", out],
                 ["keys", "export-public"], ["keys", "rotate"]):
        p = run(env, *args)
        assert p.returncode == 2 and str(keys) in p.stderr and "backup" in p.stderr, (args, p.stderr)
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    assert not (keys / "certificate-signing-ed25519.pem").exists() and not (tmp_path / "t.pdf").exists()
    p = run(env, "keys", "rotate", "--key-lost")
    assert p.returncode == 0 and "New signing key" in p.stdout
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", tmp_path / "t.pdf").returncode == 0


def test_documents_signed_before_a_rotation_verify_with_the_exported_keys(run, env, tmp_path):
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", tmp_path / "a.pdf").returncode == 0
    old_url = json.loads(run(env, "certificates", "show", "VN-CLF-2026-000001").stdout)["verification_url"]
    r = run(env, "keys", "rotate")
    assert r.returncode == 0 and "New signing key" in r.stdout, r.stderr
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", tmp_path / "b.pdf").returncode == 0
    assert json.loads(run(env, "verify", tmp_path / "b.pdf", "--json").stdout)["status"] == "valid"
    bundle, current = tmp_path / "keys.pem", tmp_path / "current.pem"
    assert run(env, "keys", "export-public", "--out", bundle).returncode == 0
    assert run(env, "keys", "export-public", "--current", "--out", current).returncode == 0
    assert bundle.read_text().count("BEGIN PUBLIC KEY") == 2 and current.read_text().count("BEGIN PUBLIC KEY") == 1
    brand = {**env, "ACCREDITATION_DATA_DIR": str(tmp_path / "brand")}
    for value in (old_url, tmp_path / "a.pdf"):
        result = json.loads(run(brand, "verify", value, "--public-key", bundle, "--json").stdout)
        assert (result["reason"], result["signature_valid"]) == ("offline", True), value
        assert json.loads(run(brand, "verify", value, "--public-key", current, "--json").stdout)["reason"] == \
            "unknown_key"
    assert not (tmp_path / "brand" / "keys" / "certificate-signing-ed25519.pem").exists()  # verifying made no key


def test_an_altered_pdf_fails_verification(run, env, tmp_path):
    out = tmp_path / "cert.pdf"
    assert run(env, "certificate", EXAMPLES / "strong.json", "--out", out).returncode == 0
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(out.read_bytes() + b"\n% edited")
    v = run(env, "verify", altered)
    assert v.returncode == 1 and v.stdout.startswith("THIS COPY CANNOT BE CONFIRMED") and "byte-for-byte" in v.stdout


@pytest.mark.parametrize("lang, words", [("en", "not eligible"), ("vi", "chưa đủ điều kiện")])
def test_an_ineligible_company_is_refused_in_one_line(run, env, tmp_path, lang, words):
    out = tmp_path / "cert.pdf"
    p = run(env, "--lang", lang, "certificate", EXAMPLES / "failing.json", "--out", out)
    assert p.returncode == 2
    assert words in p.stderr and "YW-01" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr and not out.exists()


def test_incomplete_answers_are_refused(run, env, tmp_path):
    data = json.loads((EXAMPLES / "strong.json").read_text("utf-8"))
    data["answers"] = dict(list(data["answers"].items())[:10])
    answers = tmp_path / "partial.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    p = run(env, "certificate", answers, "--out", tmp_path / "c.pdf")
    assert p.returncode == 2 and "incomplete" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_remediation_plan_and_overwrite_protection(run, env, tmp_path):
    out = tmp_path / "plan.pdf"
    p = run(env, "remediation", EXAMPLES / "failing.json", "--out", out, "--as-of", "2026-12-05")
    assert p.returncode == 0, p.stderr
    reader = PdfReader(out)
    assert len(reader.pages) >= 2 and "Cơ sở Mây tre đan Phú Vinh" in reader.pages[0].extract_text()
    again = run(env, "remediation", EXAMPLES / "failing.json", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert run(env, "remediation", EXAMPLES / "failing.json", "--out", out, "--force").returncode == 0


def test_bad_date_and_missing_file_are_one_line_errors(run, env, tmp_path):
    p = run(env, "remediation", EXAMPLES / "failing.json", "--out", tmp_path / "x.pdf", "--as-of", "05/12/2026")
    assert p.returncode == 2 and "YYYY-MM-DD" in p.stderr
    p = run(env, "certificate", tmp_path / "nope.json", "--out", tmp_path / "x.pdf")
    assert p.returncode == 2 and "not found" in p.stderr


def test_keys_export_and_offline_verification_with_the_public_key(run, env, tmp_path):
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
    assert "self-assessment statement" in v.stdout
    tampered = url.replace("&s=", "&s=AA")
    v = run(brand, "verify", tampered, "--public-key", key)
    assert v.returncode == 1 and v.stdout.startswith("NOT GENUINE")


@pytest.mark.parametrize("command", [["certificate"], ["remediation"], ["verify"], ["certificates", "revoke"],
                                     ["certificates", "list"], ["keys", "export-public"], ["keys", "rotate"]])
def test_every_command_has_help(run, env, command):
    p = run(env, *command, "--help")
    assert p.returncode == 0 and "usage:" in p.stdout


ROSTER_WITH_A_CHILD = """employee_id,full_name,date_of_birth,job_code,workplace_code,hours_per_day,hours_per_week
NV001,Nguyễn Văn An,17/05/1990,GENERAL,GENERAL,8,48
E-014,Trần Thị Bích,02/10/2014,GENERAL,GENERAL,8,48
"""


def test_a_roster_with_a_child_refuses_the_certificate_and_opens_the_plan_with_the_protocol(run, env, tmp_path):
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
    from criteria.datafiles import default_criteria
    from scoring.answers import parse_answers_document

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
    assert child[0].deadline_days == 0  # a child at work under 15 is stopped at once, not within the week
    assert {a.source for a in both.result.remediation} >= {"answers", "roster", "suppliers"}
