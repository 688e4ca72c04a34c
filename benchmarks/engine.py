"""How many assessments per second the scoring engine scores on one core (target: well over 10,000/s).

Scores the shipped reference criteria with realistic answer mixes (the three examples plus random valid answers),
with and without a roster-derived answer, and prints throughput and per-assessment time.

    python benchmarks/engine.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from criteria.datafiles import default_criteria  # noqa: E402
from scoring.answers import parse_answers_document  # noqa: E402
from scoring.engine import assess  # noqa: E402
from scoring.result import DerivedAnswers  # noqa: E402


def random_answers(criteria, rng: random.Random) -> dict:
    answers = {}
    for ind in criteria.indicators:
        clist = criteria.choices_for(ind)
        if clist is None:
            continue
        names = [c.name for c in clist.choices if not (c.na and not ind.na_allowed)]
        if ind.kind == "select_multiple":
            answers[ind.id] = rng.sample(names, k=rng.randint(1, len(names)))
        elif rng.random() > 0.05:  # a few questions left blank
            answers[ind.id] = rng.choice(names)
    return answers


def measure(label: str, fn, seconds: float) -> tuple[float, float]:
    """(assessments per wall second, per CPU second). The CPU rate is what one core does when the machine is
    shared; the wall rate is what a lone user sees."""
    fn()  # warm-up: compiles the plan, fills the caches
    n, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            fn()
        n += 200
    rate, cpu_rate = n / elapsed, n / (time.process_time() - cpu_start)
    print(f"{label:<44} {rate:>10,.0f} assessments/s   {1e6 / rate:7.1f} µs each   ({cpu_rate:,.0f}/s per CPU second)")
    return rate, cpu_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    criteria = default_criteria()
    rng = random.Random(2026)
    examples = [parse_answers_document(json.loads((ROOT / "examples" / f"{n}.json").read_text("utf-8")), criteria)
                for n in ("strong", "middling", "failing")]
    randoms = [random_answers(criteria, rng) for _ in range(500)]
    roster = DerivedAnswers(source="roster", values={"roster.has_minors": "yes", "roster.minimum_age": "none",
                                                     "roster.prohibited_work": "none", "roster.working_time": "yes",
                                                     "roster.paperwork": "partly"})
    print(f"criteria {criteria.settings.criteria_id} {criteria.version}: {len(criteria.indicators)} questions, "
          f"{len(criteria.sections)} sections; one core, Python {sys.version.split()[0]}")
    it = iter(range(10**12))
    rates = [
        measure("examples (strong/middling/failing)", lambda: assess(criteria, examples[next(it) % 3]), args.seconds),
        measure("500 random answer sets", lambda: assess(criteria, randoms[next(it) % 500]), args.seconds),
        measure("random answers + roster-derived answers",
                lambda: assess(criteria, randoms[next(it) % 500], [roster]), args.seconds),
    ]
    worst, worst_cpu = min(r for r, _ in rates), min(c for _, c in rates)
    print(f"slowest case: {worst:,.0f}/s = {worst / 10_000:.1f}x the 10,000/s target "
          f"({worst_cpu:,.0f}/s per CPU second = {worst_cpu / 10_000:.1f}x)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.5:
        print(f"note: load average {load:.1f} on {os.cpu_count()} CPUs; wall rates are low, read the CPU rates")


if __name__ == "__main__":
    main()
