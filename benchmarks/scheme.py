"""The scheme overview with 5,000 assessed companies: time of the data functions an administrator and an authority
wait on at every rerun of the page (`scheme.dashboard`), and of the CSV and XLSX files. (The page itself is not
timed here: the seeded registry has no signing key, and the app refuses to start on such a database.)

Seeds a fresh database in a temporary data directory with insert_all: `--companies` companies across the 34 units
(spelled as offices write them, some pre-2025 names), the sectors, sizes and legal forms, each with one to three
submitted versions whose stored result is one of the three examples' real results (11-58 KB of JSON each), some
approved with assessor reviews (a few adjusted), submissions spread over eight quarters, and documents as the
registry keeps them (statements, verified certificates, some expired).

    python benchmarks/scheme.py [--companies 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SECTORS = ["garment", "footwear", "wood", "seafood", "handicraft", "agri", "bricks", "other", None]
LEGAL = ["enterprise", "enterprise", "enterprise", "cooperative", "cooperative_group", "household", None]


def example_results() -> list[tuple[str, dict]]:
    from criteria.datafiles import default_criteria
    from scoring.answers import AnswerSet
    from scoring.engine import assess

    criteria = default_criteria()
    out = []
    for name in ("strong", "middling", "failing"):
        doc = json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8"))
        values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in doc["answers"].items()}
        result = assess(criteria, AnswerSet(values=values), [])
        out.append((result.model_dump_json(), {"total": result.total, "tier": result.tier,
                                               "eligible": int(result.eligible)}))
    return out


def seed(db, n: int, rng: random.Random) -> None:
    from criteria.provinces import load_provinces

    units = load_provinces()
    names = [p.name for p in units.current] + [f"Tỉnh {p.name}" for p in units.current[:10]] + \
        [p.name for p in units.former[:12]]
    results = example_results()
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    orgs, assessments, certificates, reviews = [], [], [], []
    aid = 1
    indicator_ids = ["POL-01", "REC-02", "SC-01", "TRN-01", "FAM-02", "REM-04"]
    for i in range(n):
        oid = 1000 + i
        orgs.append({"id": oid, "kind": "sme", "name": f"Công ty {i}", "tax_code": f"{i:010d}",
                     "province": rng.choice(names), "sector": rng.choice(SECTORS),
                     "size": rng.choice([None, 3, 8, 25, 60, 150, 400, 1200]), "legal_form": rng.choice(LEGAL),
                     "created_at": start.isoformat()})
        for version in range(1, rng.choice([1, 1, 2, 3]) + 1):
            result, head = results[rng.choices([0, 1, 2], [5, 3, 1])[0]]
            when = start + timedelta(days=rng.randrange(0, 700))
            status = rng.choice(["submitted", "in_review", "approved", "approved", "rejected"])
            decided = status in ("approved", "rejected")
            assessments.append({
                "id": aid, "organisation_id": oid, "version": version, "criteria_id": "VN-CLF-REF",
                "criteria_version": "2026.1", "status": status, "created_at": when.isoformat(),
                "updated_at": when.isoformat(), "submitted_at": when.isoformat(),
                "decided_at": (when + timedelta(days=20)).isoformat() if decided else None,
                "total": head["total"], "tier": head["tier"], "eligible": head["eligible"], "result": result,
                "verified_total": head["total"] if decided else None,
                "verified_tier": head["tier"] if decided else None})
            if decided:
                for ind in indicator_ids:
                    adjust = rng.random() < 0.1
                    reviews.append({"assessment_id": aid, "indicator_id": ind, "decision": "adjust" if adjust
                                    else "accept", "value": json.dumps("partly") if adjust else None,
                                    "comment": "x" if adjust else None, "reviewer_id": 1,
                                    "at": when.isoformat()})
            if head["eligible"]:
                issued = (when + timedelta(days=21)).date()
                certificates.append({"id": f"VN-{aid:08d}", "year": issued.year, "seq": aid, "company_name": "x",
                                     "tax_code": f"{i:010d}", "tier": head["tier"], "score": head["total"],
                                     "issued": issued.isoformat(),
                                     "expires": (issued + timedelta(days=365 * (2 if decided else 1))).isoformat(),
                                     "verified": int(status == "approved"), "organisation_id": oid,
                                     "assessment_id": aid, "recorded_at": when.isoformat(),
                                     "subject": f"org:{oid}:{aid}", "criteria_id": "VN-CLF-REF",
                                     "criteria_version": "2026.1", "issuer": "bench", "payload": "{}",
                                     "signature": "-", "pdf_sha256": "-"})
            aid += 1
    db["organisations"].insert_all(orgs, batch_size=1000)
    db["assessments"].insert_all(assessments, batch_size=200)
    db["reviews"].insert_all(reviews, batch_size=1000)
    db["certificates"].insert_all(certificates, batch_size=1000)
    db.conn.commit()


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="scheme-bench-")
    os.environ["ACCREDITATION_DATA_DIR"] = tmp
    os.environ["ACCREDITATION_DEMO"] = "accounts"
    from argon2 import PasswordHasher

    from accreditation import accounts, scheme
    from accreditation.scheme import export
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria

    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    db = open_db(Path(tmp) / "accreditation.db")
    accounts.ensure_demo_data(db)
    t = time.perf_counter()
    seed(db, args.companies, random.Random(15))
    versions = db["assessments"].count
    print(f"seeded {args.companies:,} companies, {versions:,} versions in {time.perf_counter() - t:.1f} s")
    criteria = default_criteria()
    admin = accounts.user_for_email(db, "admin@demo.vn")
    authority = accounts.user_for_email(db, "authority@demo.vn")
    t = time.perf_counter()
    scheme.dashboard(db, admin, criteria=criteria)
    print(f"dashboard, first call  : {(time.perf_counter() - t) * 1000:7.0f} ms (every result read once)")
    for who in (admin, authority):
        took, dash = timed(lambda: scheme.dashboard(db, who, criteria=criteria), args.runs)
        print(f"dashboard as {who.role:<9}: {took * 1000:7.0f} ms (median of {args.runs})")
    took, _ = timed(lambda: scheme.dashboard(db, admin, sectors=["garment"], criteria=criteria), args.runs)
    print(f"dashboard, one sector  : {took * 1000:7.0f} ms")
    took, _ = timed(lambda: export.export_csv(admin, dash, "vi", criteria), args.runs)
    print(f"CSV                    : {took * 1000:7.0f} ms")
    took, _ = timed(lambda: export.export_xlsx(admin, dash, "vi", criteria), args.runs)
    print(f"XLSX                   : {took * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
