"""Thousands of malformed files (tests/fuzz_corpus.py, a mix of every kind) through the command line, each in its
own process with a 10 s limit; prints counts by outcome and, for anything but a clean answer, the kinds behind it.

    python benchmarks/fuzz.py [--files 5000] [--seed 16] [--jobs 2] [--exec] [--keep DIR]

Each file goes to the door it was made for: `roster FILE`, `suppliers FILE`, `criteria validate FILE` or
`criteria import FILE --out DIR` (in turn), `score ANSWERS.json`, `verify FILE.pdf --offline`.

By default a process that already imported the application forks once per file and the child runs
`accreditation.cli.main(argv)` exactly as `python -m accreditation` does (its `__main__` is those two lines), which
saves the interpreter's 0.4 s start; `--exec` starts `python -m accreditation …` instead (slower, same outcomes).
Peak memory is the largest max RSS of the command and of the children it waited for (the sandboxed readers),
from os.wait4 and the child's RUSAGE_CHILDREN.

Outcomes: ok (exit 0), refused (exit 1 or 2, what bad input should get), internal error (exit 70), traceback
(printed on stderr), crash (killed by a signal), over 10 s (killed), over 1 GB (peak RSS; counted on top of the
outcome). Target (issue 16): 0 internal errors, 0 tracebacks, 0 crashes, 0 over 10 s, 0 over 1 GB."""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fuzz_corpus

TIMEOUT_S = 10.0
GB_KB = 1024 * 1024  # ru_maxrss is in kB on Linux
AS_OF = "2026-06-01"
BAD = ("internal error", "traceback", "crash", "over 10 s")


def argv_for(door: str, path: Path, i: int, work: Path) -> list[str]:
    if door == "roster":
        return ["roster", str(path), "--as-of", AS_OF]
    if door == "suppliers":
        return ["suppliers", str(path), "--as-of", AS_OF]
    if door == "criteria":
        if i % 3 == 0:
            return ["criteria", "import", str(path), "--out", str(work / f"out{i}")]
        if i % 3 == 1:
            return ["criteria", "validate", str(path)]
        return ["score", str(ROOT / "examples" / "strong.json"), "--criteria", str(path)]
    if door == "answers":
        return ["score", str(path)]
    return ["verify", str(path), "--offline"]


def _preload() -> None:
    """What the commands import, loaded once before forking."""
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401
    import python_calamine  # noqa: F401

    import accreditation.cli
    import accreditation.pdf_qr
    import accreditation.roster
    import accreditation.suppliers
    import accreditation.verify  # noqa: F401
    import criteria.datafiles
    import criteria.loader
    import scoring.engine  # noqa: F401

    criteria.datafiles.default_criteria()


def start_fork(argv: list[str], out: Path, err: Path, rss_file: Path) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.setsid()
        fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd_out, 1)
        os.dup2(fd_err, 2)
        sys.stdin.close()
        from accreditation.cli import configure_streams, main

        configure_streams()
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # what `python -m` would do with an exception that escapes main
            import traceback

            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        rss_file.write_text(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    finally:
        os._exit(code if isinstance(code, int) else 1)


_PROCS: dict[int, subprocess.Popen] = {}  # kept alive: a collected Popen would be reaped by subprocess itself


def start_exec(argv: list[str], out: Path, err: Path, rss_file: Path) -> int:
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "accreditation", *argv], stdout=o, stderr=e,
                                stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
    _PROCS[proc.pid] = proc
    return proc.pid


def classify(status: int, timed_out: bool, err: str) -> str:
    if timed_out:
        return "over 10 s"
    if os.WIFSIGNALED(status):
        return "crash"
    code = os.WEXITSTATUS(status)
    if code == 70:
        return "internal error"
    if any(sign in err for sign in ("Traceback (most recent call last)", "stack backtrace:", "panicked at",
                                    "Fatal Python error", "memory allocation of")):
        return "traceback"
    if code == 0:
        return "ok"
    if code in (1, 2):
        return "refused"
    return f"exit {code}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--exec", action="store_true", help="start python -m accreditation for every file")
    parser.add_argument("--keep", default=None, metavar="DIR", help="copy every file with a bad outcome here")
    parser.add_argument("--big-share", type=float, default=0.03, help="share of large variants (50 MB lines...)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    os.environ["ACCREDITATION_DATA_DIR"] = str(work / "data")
    os.environ.pop("ACCREDITATION_DEBUG", None)
    (work / "data").mkdir()
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    if not args.exec:
        _preload()
    start = start_exec if args.exec else start_fork

    counts: collections.Counter[str] = collections.Counter()
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    over_gb: collections.Counter[str] = collections.Counter()
    multi_line: collections.Counter[str] = collections.Counter()
    peak_kb, slowest = 0, (0.0, "")
    running: dict[int, tuple[float, int, str, str, Path, list[str]]] = {}
    cases = fuzz_corpus.mixed(args.files, args.seed, args.big_share)
    started = time.perf_counter()
    done = 0

    def reap(pid: int, status: int, usage: resource.struct_rusage, timed_out: bool) -> None:
        nonlocal done, peak_kb, slowest
        t0, i, door, kind, path, argv = running.pop(pid)
        proc = _PROCS.pop(pid, None)
        if proc is not None:
            proc.returncode = 0  # already reaped here, by os.wait4
        elapsed = time.perf_counter() - t0
        err = (work / f"{i}.err").read_text(errors="replace")
        rss_file = work / f"{i}.rss"
        kb = max(usage.ru_maxrss, int(rss_file.read_text() or 0) if rss_file.exists() else 0)
        outcome = classify(status, timed_out, err)
        counts[outcome] += 1
        by_kind[f"{door}/{kind}"][outcome] += 1
        peak_kb = max(peak_kb, kb)
        if elapsed > slowest[0] and not timed_out:
            slowest = (elapsed, f"{door}/{kind}")
        if kb > GB_KB:
            over_gb[f"{door}/{kind}"] += 1
        if outcome == "refused" and len([line for line in err.splitlines() if not line.startswith("  ")]) > 1:
            multi_line[f"{door}/{kind}"] += 1
        if keep and (outcome in BAD or kb > GB_KB or outcome.startswith("exit")):
            target = keep / f"{i:05d}-{outcome.replace(' ', '_')}-{door}-{kind}{path.suffix}"
            shutil.copyfile(path, target)
            target.with_suffix(target.suffix + ".txt").write_text(
                f"{' '.join(argv)}\n{elapsed:.1f} s, {kb // 1024} MB\n{err[-4000:]}")
        for leftover in [path, *work.glob(f"{i}.*")]:
            leftover.unlink(missing_ok=True)
        shutil.rmtree(work / f"out{i}", ignore_errors=True)
        done += 1
        if done % 500 == 0:
            print(f"  {done} files, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    i = 0
    exhausted = False
    while running or not exhausted:
        while not exhausted and len(running) < args.jobs:
            try:
                door, (kind, name, data) = next(cases)
            except StopIteration:
                exhausted = True
                break
            path = work / f"{i}-{name}"
            path.write_bytes(data)
            argv = argv_for(door, path, i, work)
            pid = start(argv, work / f"{i}.out", work / f"{i}.err", work / f"{i}.rss")
            running[pid] = (time.perf_counter(), i, door, kind, path, argv)
            i += 1
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if pid:
            if pid in running:
                reap(pid, status, usage, False)
            continue
        now = time.perf_counter()
        for pid, (t0, *_rest) in list(running.items()):
            if now - t0 > TIMEOUT_S:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _, status, usage = os.wait4(pid, 0)
                reap(pid, status, usage, True)
        time.sleep(0.002)

    total = time.perf_counter() - started
    print(f"{done} malformed files through the command line in {total:.0f} s "
          f"({'python -m accreditation' if args.exec else 'forked from a warm process'}, {args.jobs} at a time)")
    for outcome in ("ok", "refused", "internal error", "traceback", "crash", "over 10 s"):
        print(f"  {outcome:<15} {counts.pop(outcome, 0):>6}")
    for outcome, n in sorted(counts.items()):
        print(f"  {outcome:<15} {n:>6}")
    print(f"  {'over 1 GB':<15} {sum(over_gb.values()):>6}   (peak RSS of any run: {peak_kb // 1024} MB)")
    print(f"  slowest finished run: {slowest[0]:.1f} s ({slowest[1]})")
    bad = {k: v for k, v in by_kind.items() if any(v[o] for o in BAD) or any(o.startswith("exit") for o in v)}
    if bad or over_gb:
        print("by kind (bad outcomes):")
        for k in sorted(bad):
            print(f"  {k}: " + ", ".join(f"{o} {n}" for o, n in bad[k].items() if o not in ("ok", "refused")))
        for k, n in sorted(over_gb.items()):
            print(f"  {k}: over 1 GB {n}")
    if multi_line:
        print("refusals with more than one line on stderr: "
              + ", ".join(f"{k} {n}" for k, n in sorted(multi_line.items())))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if any(by_kind[k][o] for k in by_kind for o in BAD) or over_gb else 0


if __name__ == "__main__":
    sys.exit(main())
