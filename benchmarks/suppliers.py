"""How long the supplier check takes for a large list, against only reading the same file with pandas.

Writes a synthetic list of 50,000 suppliers (UTF-8 with BOM, the template's bilingual headers, dd/mm/yyyy dates,
có/không, old and new province names, valid and invalid tax codes, duplicates), then times, best of N runs:

- the whole command, `python -m accreditation suppliers FILE --as-of …` in a fresh process, output to /dev/null;
- a process that only reads the file with `pandas.read_csv` (the baseline);
- the CPU time (user + system) of both, which varies less than wall time on a shared machine;
- in-process: import (read_table), rules (assess_suppliers), JSON output (as a string, and as the bytes the command
  writes).

Target: the command under 2.5× the baseline (issue 11 relaxed it from 2× for plain JSON output).

    python benchmarks/suppliers.py [--rows 50000] [--repeat 3] [--keep FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.tax_codes import WEIGHTS  # noqa: E402

PRODUCTS = ["May áo sơ mi", "may gia công quần", "Thêu tay", "Đóng gói", "Hạt điều nhân", "Cà phê nhân",
            "Gỗ xẻ", "Bàn ghế gỗ", "Giày thể thao", "Đế giày", "Túi da", "Cá tra phi lê", "Gạch nung", "Hồ tiêu",
            "Gạo", "Mủ cao su", "Đường mía", "Chè xanh", "Vải cotton", "Sợi dệt", "Thuốc lá", "Ốc vít",
            "Linh kiện điện tử", "Bao bì carton", "Hóa chất", "Vận chuyển", "In ấn nhãn mác", "Nhựa ép",
            "Shirts", "Cashew nuts", "Furniture parts", "Seafood", "Steel parts", "Packaging", "Electronics"]
SECTORS = ["Dệt may", "Da giày", "Đồ gỗ", "Nông nghiệp", "Thủy sản", "Xây dựng", "Cơ khí", "Điện tử", "Bao bì",
           "Thương mại", "", "Garments", "Agriculture"]
TYPES = ["Nhà máy", "Xưởng", "Hộ kinh doanh", "Người làm tại nhà", "Hợp tác xã", "Trang trại",
         "Công ty cung ứng lao động", "factory", "workshop", "household business", ""]
TYPE_WEIGHTS = [30, 20, 15, 8, 5, 8, 3, 4, 3, 2, 2]
PROVINCES = ["Hà Nội", "TP HCM", "TP. Hồ Chí Minh", "Bình Dương", "Đồng Nai", "Long An", "Bắc Ninh", "Bắc Giang",
             "Hải Dương", "Hải Phòng", "Nam Định", "Thái Bình", "Hưng Yên", "Đà Nẵng", "Quảng Nam", "Cần Thơ",
             "An Giang", "Kiên Giang", "Đắk Lắk", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Nghệ An", "Thanh Hoá",
             "Bà Rịa - Vũng Tàu", "Phú Thọ", "Vĩnh Phúc", "Hoà Bình", "Gia Lai", "Khánh Hòa", ""]
HEADER = ("Tên nhà cung cấp / Supplier name,Mã số thuế / Tax code,Tỉnh/thành phố / Province/city,Ngành / Sector,"
          "Sản phẩm/công đoạn / Products/process,Cấp / Tier,Loại nhà cung cấp / Supplier type,"
          "Số lao động / Workers,Đã ký bộ quy tắc ứng xử / Signed code of conduct,"
          "Có kiểm tra tuổi / Age verification in place,Ngày đánh giá/thăm gần nhất / Last audit or visit date,"
          "Được phép gia công lại / Subcontracting allowed,Số chứng nhận của giải thưởng / Award certificate ID,"
          "Giá trị mua hàng năm (đồng) / Annual spend (VND)")


def mst(rng: random.Random) -> str:
    while True:
        body = [rng.randint(0, 9) for _ in range(9)]
        body[0], body[1] = 0, rng.choice([1, 2, 3, 4, 5, 6])
        r = sum(int(w) * d for w, d in zip(WEIGHTS, body)) % 11
        if r:
            return "".join(map(str, body)) + str((10 - r) % 10)


def write_list(path: Path, rows: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    lines = [HEADER]
    codes: list[str] = []
    for i in range(rows):
        typ = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        roll = rng.random()
        if codes and roll < 0.01:
            code = rng.choice(codes)  # a duplicate
        elif typ in ("Hộ kinh doanh", "Người làm tại nhà", "household business") and roll < 0.7:
            code = f"0{rng.randint(1, 96):02d}{rng.randint(0, 999_999_999):09d}"
        elif roll < 0.03:
            code = ""
        elif roll < 0.05:
            code = f"0{rng.randint(100000000, 999999999)}"  # often a bad check digit
        elif roll < 0.10:
            code = mst(rng) + f"-{rng.randint(1, 30):03d}"
        else:
            code = mst(rng)
        codes.append(code)
        audit = "" if rng.random() < 0.5 else f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice([2024, 2025, 2026])}"
        yn = lambda p: "có" if rng.random() < p else "không"  # noqa: E731
        lines.append(",".join([
            f"Nhà cung cấp {i + 1}", code, rng.choice(PROVINCES), rng.choice(SECTORS), rng.choice(PRODUCTS),
            str(rng.choices([1, 2, 3], [60, 30, 10])[0]), typ, str(rng.randint(1, 2000)), yn(0.7), yn(0.5), audit,
            yn(0.3), "" if rng.random() < 0.97 else f"VN-CLF-2026-{rng.randint(1, 999):06d}",
            str(rng.randint(1, 5000) * 1_000_000),
        ]))
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))


def best_wall(cmd: list[str], repeat: int) -> tuple[float, float]:
    """(best wall time, best CPU time: user + system of the child process) over `repeat` runs."""
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(times), min(cpu)


def best_call(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", default=None, metavar="FILE", help="write the generated list here and keep it")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "suppliers.csv"
    write_list(path, args.rows)
    size = path.stat().st_size / 1e6
    print(f"{args.rows:,} suppliers, {size:.1f} MB CSV (UTF-8 BOM)")

    as_of = "2026-06-30"
    command, command_cpu = best_wall([sys.executable, "-m", "accreditation", "suppliers", str(path), "--as-of", as_of],
                                     args.repeat)
    baseline, baseline_cpu = best_wall([sys.executable, "-c", f"import pandas as pd; pd.read_csv({str(path)!r})"],
                                       args.repeat)

    from accreditation.suppliers import result_json, supplier_spec, write_result_json
    from accreditation.tables import read_table
    from criteria.provinces import load_provinces
    from criteria.risk_tables import default_risk_data
    from scoring.supply_chain import assess_suppliers

    data = path.read_bytes()
    risk, provinces = default_risk_data(), load_provinces()
    t_read, table = best_call(lambda: read_table(data, path.name, supplier_spec()), args.repeat)
    t_rules, result = best_call(lambda: assess_suppliers(table.frame, date.fromisoformat(as_of), risk, provinces), args.repeat)
    t_json, text = best_call(lambda: result_json(result, "vi"), args.repeat)
    with open(os.devnull, "wb") as devnull:
        t_write, _ = best_call(lambda: write_result_json(result, "vi", devnull), args.repeat)
    import pandas as pd
    import io
    t_pandas, _ = best_call(lambda: pd.read_csv(io.BytesIO(data)), args.repeat)

    print(f"whole command (fresh process)        {command * 1000:8.0f} ms")
    print(f"pandas.read_csv only (fresh process) {baseline * 1000:8.0f} ms")
    print(f"ratio                                {command / baseline:8.2f} x   (target < 2.5)")
    print(f"CPU time (user + system), best of {args.repeat}: command {command_cpu * 1000:.0f} ms, "
          f"read_csv only {baseline_cpu * 1000:.0f} ms, ratio {command_cpu / baseline_cpu:.2f} x")
    print("in process:")
    print(f"  pandas.read_csv                    {t_pandas * 1000:8.0f} ms")
    print(f"  read_table (import + typing)       {t_read * 1000:8.0f} ms")
    print(f"  assess_suppliers (rules)           {t_rules * 1000:8.0f} ms   {t_rules / args.rows * 1e6:6.1f} µs/supplier")
    print(f"  JSON output                        {t_json * 1000:8.0f} ms   {len(text) / 1e6:.1f} MB")
    print(f"  JSON written as bytes (as the CLI) {t_write * 1000:8.0f} ms")
    s = result.summary
    print(f"levels: {s.by_level}; duplicates: {len(s.duplicates)}; problems: {len(result.problems)}")


if __name__ == "__main__":
    main()
