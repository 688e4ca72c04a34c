"""Roster check of a 100,000-row CSV as a whole command, against a command that only imports pandas and reads the
same file. Prints wall time and peak memory (max RSS of the child, from os.wait4) for each, and the ratios.

    python benchmarks/roster.py [--rows 100000] [--runs 5] [--keep FILE]

Target (docs/roster.md): at most 2.5x the bare read in time and in peak memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-09-15"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Thu", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hương", "Khánh", "Lan", "Linh", "Mai", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
HEADER = ["Mã nhân viên", "Họ và tên", "Ngày sinh", "Số CCCD", "Ngày vào làm", "Công việc", "Mã công việc",
          "Mã nơi làm việc", "Số giờ mỗi ngày", "Số giờ mỗi tuần", "Làm ban đêm", "Làm thêm giờ",
          "Đồng ý của cha mẹ", "Ngày khám sức khỏe"]


def make_roster(path: Path, rows: int, seed: int = 7) -> None:
    """A large garment maker's roster: 1% minors (mostly 15-17, mostly compliant, a few in prohibited work or with
    stale health checks), a few unreadable dates and duplicated IDs, Vietnamese names, dd/mm/yyyy dates."""
    rnd = random.Random(seed)
    as_of = date.fromisoformat(AS_OF)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(1, rows + 1):
            minor = rnd.random() < 0.01
            if minor:
                age_days = rnd.randint(13 * 365 + 4, 15 * 365) if rnd.random() < 0.05 else \
                    rnd.randint(15 * 365 + 4, 18 * 365 - 1)
            else:
                age_days = rnd.randint(18 * 365 + 5, 60 * 365)
            dob = as_of - timedelta(days=age_days)
            hire = min(as_of, max(dob + timedelta(days=15 * 366), as_of - timedelta(days=rnd.randint(0, 3000))))
            century = 2 if dob.year >= 2000 else 0
            cccd = f"{rnd.choice([1, 31, 48, 74, 75, 79]):03d}{century + rnd.randint(0, 1)}{dob.year % 100:02d}" \
                   f"{rnd.randint(0, 999999):06d}"
            if minor:
                job = "LIGHT-12" if age_days < 15 * 365 else rnd.choice(["GENERAL"] * 30 + ["PROHIBITED-JOB-D"])
                hours = (4, 20) if age_days < 15 * 365 else rnd.choice([(8, 40)] * 9 + [(8, 44)])
                night, overtime = "không", rnd.choice(["không"] * 19 + ["có"])
                consent = rnd.choice(["có"] * 19 + ["không"])
                check = as_of - timedelta(days=rnd.randint(10, 170) if rnd.random() < 0.9 else rnd.randint(200, 400))
            else:
                job = rnd.choice(["GENERAL", "GENERAL", "GENERAL", ""])
                hours = (rnd.choice([8, 8, 8, 7.5]), rnd.choice([40, 44, 48]))
                night, overtime = rnd.choice(["không"] * 9 + ["có"]), rnd.choice(["không", "có"])
                consent = ""
                check = as_of - timedelta(days=rnd.randint(10, 360))
            dob_text = dob.strftime("%d/%m/%Y") if rnd.random() > 0.0005 else "31/02/2001"
            if rnd.random() < 0.0002:
                cccd = "079090001234"  # an ID number shared by several rows
            w.writerow([
                f"NV{i:06d}", f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}", dob_text, cccd,
                hire.strftime("%d/%m/%Y"), rnd.choice(["May", "Cắt", "Ủi", "Đóng gói", "Kiểm hàng", "Cắt chỉ"]), job,
                "GENERAL", hours[0], hours[1], night, overtime, consent, check.strftime("%d/%m/%Y"),
            ])


def measure(cmd: list[str], runs: int) -> tuple[float, float, float]:
    """(best wall seconds, best CPU seconds (user + system), max peak RSS in MB) over `runs` runs of `cmd`.
    CPU time is reported too because wall time swings when other jobs share the machine."""
    best, cpu, peak = float("inf"), float("inf"), 0.0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
        best = min(best, elapsed)
        cpu = min(cpu, usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss / 1024)  # Linux reports KB
    return best, cpu, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", default=None, metavar="FILE", help="write the roster here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "roster.csv"
        make_roster(path, args.rows)
        size = path.stat().st_size / 1e6
        bare = [sys.executable, "-c", "import sys, pandas; pandas.read_csv(sys.argv[1])", str(path)]
        check = [sys.executable, "-m", "accreditation", "roster", str(path), "--as-of", AS_OF]
        out = subprocess.run(check, cwd=ROOT, capture_output=True, check=True).stdout  # also warms the caches
        summary = json.loads(out)["summary"]
        t_bare, c_bare, m_bare = measure(bare, args.runs)
        t_check, c_check, m_check = measure(check, args.runs)
    print(f"roster: {args.rows:,} rows, {size:.1f} MB CSV (UTF-8 with BOM), best of {args.runs} runs; findings "
          + ", ".join(f"{k} {v}" for k, v in summary.items()))
    print(f"  bare  `import pandas; read_csv`        wall {t_bare:5.2f} s  cpu {c_bare:5.2f} s  peak {m_bare:4.0f} MB")
    print(f"  check `python -m accreditation roster` wall {t_check:5.2f} s  cpu {c_check:5.2f} s  peak {m_check:4.0f} MB")
    print(f"  ratio wall {t_check / t_bare:.2f}x  cpu {c_check / c_bare:.2f}x  memory {m_check / m_bare:.2f}x"
          "  (target <= 2.5x)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.5:
        print(f"  note: load average {load:.1f} on {os.cpu_count()} CPUs; wall times are unreliable, rerun when idle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
