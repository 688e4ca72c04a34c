"""Throughput of the PDF builders, against a bare reportlab one-page PDF with the same fonts.

    python benchmarks/reports.py [--seconds 3]

Targets (issue "PDF certificate, remediation plan"): a certificate under 3x the bare page, an 80-action
remediation plan under 15x. Fonts are registered before timing (once per process, as in the app). Also shown,
without a target: reading a certificate PDF back as `verify` does (its QR code and printed id, pdf_qr.py)."""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from accreditation.pdf_qr import read_certificate_pdf  # noqa: E402
from accreditation.reports.certificate import CertificateData, render_certificate  # noqa: E402
from accreditation.reports.fonts import BOLD, REGULAR, register_fonts  # noqa: E402
from accreditation.reports.remediation import render_remediation_plan  # noqa: E402
from criteria.datafiles import default_criteria  # noqa: E402
from criteria.schema import Text  # noqa: E402
from scoring.engine import assess  # noqa: E402
from scoring.result import Action  # noqa: E402
from accreditation.signing import canonical_json  # noqa: E402
from accreditation.store.certificates import CertificateDraft, payload_for, verification_url  # noqa: E402

AS_OF = date(2026, 12, 5)
COMPANY = {"name": "Công ty TNHH Dệt may Hưng Yên Thịnh Vượng", "tax_code": "0901234567",
           "address": "Lô B3, Khu công nghiệp Phố Nối A", "province": "Hưng Yên"}

BASE = "http://localhost:8501"
DRAFT = CertificateDraft(company_name=COMPANY["name"], tax_code=COMPANY["tax_code"], tier="pioneer", score=82.5,
                         criteria_id="VN-CLF-REF", criteria_version="2026.1", issued=AS_OF,
                         expires=date(2028, 12, 4), issuer="self-assessment")


def bare_page() -> bytes:
    """The baseline: one landscape page, both fonts, a few Vietnamese lines."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=landscape(A4), invariant=1)
    c.setFont(BOLD, 24)
    c.drawString(60, 500, "Giấy chứng nhận – Công ty TNHH Dệt may Hưng Yên")
    c.setFont(REGULAR, 12)
    c.drawString(60, 470, "Doanh nghiệp hướng tới không sử dụng lao động trẻ em – Certificate")
    c.showPage()
    c.save()
    return buf.getvalue()


def certificate_data(n: int) -> CertificateData:
    criteria = default_criteria()
    cid = f"VN-CLF-2026-{n:06d}"
    return CertificateData(
        certificate_id=cid, scheme_name=criteria.settings.scheme_name, company_name=COMPANY["name"],
        tax_code=COMPANY["tax_code"], address=COMPANY["address"], province=COMPANY["province"],
        tier_id="pioneer", tier_label=criteria.band("pioneer").label, score=82.5, criteria_id="VN-CLF-REF",
        criteria_version=criteria.version, issued=AS_OF, expires=date(2028, 12, 4), issuer="self-assessment",
        verified=False, lookup_url=f"{BASE}/?verify={cid}",
        # a real payload; the signature is a placeholder of the real length (86 characters)
        verification_url=verification_url(cid, canonical_json(payload_for(cid, DRAFT, "0" * 16)).decode(),
                                          "S" * 80 + f"{n:06d}", BASE),
    )


def plan_inputs(actions: int = 80):
    criteria = default_criteria()
    ind = criteria.indicators
    result = assess(criteria, {})
    items = []
    for n in range(actions):
        i = ind[n % len(ind)]
        priority = ("critical", "major", "minor")[n % 3]
        items.append(Action(priority=priority, source="answers", indicator=i.id,
                            finding=Text(vi=f"{i.label.vi} — Trả lời: Chưa", en=f"{i.label.en} — Answer: No"),
                            action=i.remediation, legal_basis=i.legal_basis, responsible=i.responsible,
                            evidence=i.evidence_hint, deadline_days=criteria.priorities[priority].deadline_days))
    return result.model_copy(update={"remediation": items}), criteria


def best_time(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def measure(tasks: dict, seconds: float) -> dict[str, float]:
    """Seconds per call for each task: the best of several rounds, the tasks interleaved in every round so that
    a busy machine slows them alike (the ratios are what the targets are about)."""
    for fn, _ in tasks.values():
        fn()  # warm up: imports, font registration, caches
    best = {name: float("inf") for name in tasks}
    deadline = time.perf_counter() + seconds * len(tasks)
    while time.perf_counter() < deadline:
        for name, (fn, calls) in tasks.items():
            best[name] = min(best[name], best_time(fn, calls))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    register_fonts()
    counter = iter(range(1, 10**9))
    result, criteria = plan_inputs(80)
    issued = render_certificate(certificate_data(0))
    t = measure({
        "bare": (bare_page, 20),
        "certificate": (lambda: render_certificate(certificate_data(next(counter))), 5),
        "plan": (lambda: render_remediation_plan(result, criteria, COMPANY, AS_OF), 1),
        "read": (lambda: read_certificate_pdf(issued), 2),
    }, args.seconds)
    pages = render_remediation_plan(result, criteria, COMPANY, AS_OF).count(b"/Type /Page\n")
    print(f"bare reportlab page (DejaVu):  {1 / t['bare']:8.1f}/s  {t['bare'] * 1000:7.1f} ms")
    print(f"certificate (with QR):         {1 / t['certificate']:8.1f}/s  {t['certificate'] * 1000:7.1f} ms  "
          f"ratio {t['certificate'] / t['bare']:5.2f}x  (target < 3x)")
    print(f"remediation plan, 80 actions:  {1 / t['plan']:8.1f}/s  {t['plan'] * 1000:7.1f} ms  "
          f"ratio {t['plan'] / t['bare']:5.2f}x  (target < 15x; {pages} pages)")
    print(f"certificate PDF read back:     {1 / t['read']:8.1f}/s  {t['read'] * 1000:7.1f} ms  "
          f"ratio {t['read'] / t['bare']:5.2f}x  (QR code and printed id, as verify does)")

if __name__ == "__main__":
    main()
