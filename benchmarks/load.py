"""Measured capacity: how many people one app server holds.

For each N it starts the app itself (`streamlit run streamlit_app.py` on 127.0.0.1, a fresh data directory), creates
N companies and N/10 brands through the app's own functions (accounts, workflow, sharing; every company shares
with one brand and has a draft answered except one section), then drives, concurrently and without a browser
(benchmarks/st_client.py speaks Streamlit's websocket protocol):

- N company users: open the app, sign in (form over the websocket, then the HttpOnly session cookie through
  `/session/begin`, as the browser's image request does), open the questionnaire, go to the next section and
  answer each of its questions (one rerun per answer, as a click makes), open the roster page and upload a 500-row
  roster (upload URL over the websocket, HTTP PUT, rerun, checked result shown), open the results page, tick the
  confirmation and submit;
- N/10 brand users: sign in and open the portfolio `--views` times.

A step is timed as the user feels it: from the action sent until the script run it starts has finished (ForwardMsg
script_finished) with what the user expects on the page; an error shown or a missing element is a failed step.
Users start spread over `--ramp` seconds and pause `--think` seconds (±50 %) between steps.

Afterwards, in the database: every answer each user saved is stored (no lost answer), no company has two
assessments with the same version (no duplicate version), and every company has at most one current document,
exactly one when its submission issued a statement. Memory per session: the growth of the server's resident memory
(all replicas) from the warmed-up idle server to all sessions open after their journeys, over the number of
sessions. Then it prints the table, per N and per step, and the N at which each step's 95th percentile first
passes 1 s.

Bounded and local: only loopback addresses (any other target is refused), at most `--max-seconds` per N, every
server it started is stopped.

    python benchmarks/load.py [--users 10,25,50,100] [--think 1.0] [--ramp 10] [--views 3]
    python benchmarks/load.py --database-url postgresql://…@127.0.0.1/db --replicas 2 --port 8601 \\
        --proxy http://127.0.0.1:8600   # a proxy (sticky sessions) in front of ports 8601, 8602
    python benchmarks/load.py --replicas 2   # two servers, each user keeping to one (no proxy hop)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests

from benchmarks.st_client import Session, StepFailed, require_loopback

PASSWORD = "tai-thu-2026"  # every simulated account's (a throwaway database)
SECTION = "POL"  # the section each user answers through the page (the others are answered in the set-up)
EXAMPLE = ROOT / "examples" / "strong.json"
ROSTER_ROWS = 500
ROSTER_NAME = "danh-sach-lao-dong-500.csv"
SME_STEPS = ("open", "sign_in", "questionnaire", "next_section", "answer", "roster_page", "upload", "results_page",
             "confirm", "submit")
BRAND_STEPS = ("brand_open", "brand_sign_in", "portfolio")
SLOW = 1.0  # seconds: the 95th percentile a step should stay under


# ------------------------------------------------------------------------------------------------ set-up


def example_answers() -> dict[str, Any]:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in data["answers"].items()}


def roster_csv(rows: int = ROSTER_ROWS, seed: int = 0) -> bytes:
    """A roster in the template's columns (its bilingual header) of adults in ordinary work: no finding that
    blocks a statement. Names are left empty (the check never reads them)."""
    from accreditation.roster import write_roster_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.csv"
        write_roster_template(path)
        header = path.read_bytes().decode("utf-8-sig").splitlines()[0]
    lines = [header]
    for n in range(1, rows + 1):
        born = date(1970 + (n * 7 + seed) % 33, 1 + (n * 5) % 12, 1 + (n * 11) % 28)
        hired = date(2015 + (n * 3 + seed) % 10, 1 + (n * 7) % 12, 1 + (n * 13) % 28)
        # employee_id, full_name, date_of_birth, id_number, hire_date, job_title, job_code, workplace_code,
        # hours_per_day, hours_per_week, night_work, overtime, guardian_consent, health_check_date,
        # written_contract, authority_consent, contract_type, hazardous_trade
        lines.append(f"NV{n:04d},,{born:%d/%m/%Y},,{hired:%d/%m/%Y},Thợ may,GENERAL,GENERAL,8,48,không,không,,,,,"
                     "Hợp đồng lao động,không")
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Account:
    email: str
    organisation_id: int
    role: str
    tax_code: str = ""


def create_accounts(companies: int, brands: int, run: str) -> tuple[list[Account], list[Account]]:
    """`companies` companies (profile filled, a draft answered except SECTION, shared with one of the brands) and
    `brands` brands, each with one user, through the app's own functions."""
    from accreditation import accounts, sharing, workflow
    from accreditation.demo import _tax_code
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria

    db = open_db()
    criteria = default_criteria()
    answers = {k: v for k, v in example_answers().items() if not k.startswith(f"{SECTION}-")}
    brand_accounts = []
    for b in range(brands):
        org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="brand", name=f"Nhãn hàng thử tải {b + 1}",
                                           invite_code=f"LOAD-{run}-{b + 1}".upper())
        email = f"brand{b + 1}.{run}@load.test"
        accounts.create_user(db, actor=accounts.SYSTEM, email=email, password=PASSWORD, role="brand",
                             organisation_id=org, name=f"Nhãn hàng {b + 1}")
        brand_accounts.append(Account(email, org, "brand"))
    company_accounts = []
    base = int(run, 16) % 100_000 * 1_000
    for n in range(companies):
        tax = _tax_code(f"{(base + n) % 1_000_000_000:09d}")
        org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=f"Công ty thử tải {n + 1}",
                                           tax_code=tax, province="Hà Nội", sector="garment", size=ROSTER_ROWS,
                                           legal_form="enterprise", products="Áo sơ mi")
        email = f"sme{n + 1}.{run}@load.test"
        user = accounts.get_actor(db, accounts.create_user(db, actor=accounts.SYSTEM, email=email, password=PASSWORD,
                                                           role="sme", organisation_id=org,
                                                           name=f"Người dùng {n + 1}"))
        draft = workflow.start_draft(db, user, org, criteria)
        workflow.save_answers(db, user, draft["id"], answers, criteria)
        if brand_accounts:
            sharing.share(db, user, org, brand_id=brand_accounts[n % len(brand_accounts)].organisation_id)
        company_accounts.append(Account(email, org, "sme", tax))
    db.close()
    return company_accounts, brand_accounts


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, seconds: float = 90) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.3)
    return False


@contextmanager
def app_server(data: Path, port: int, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run streamlit_app.py` on 127.0.0.1:`port` with its data in `data`; stopped on exit."""
    with open(data / f"server-{port}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env={**os.environ, **env}, stdout=log,
            stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            if not healthy(url):
                raise RuntimeError(f"the app did not start on {url}: see {log.name}")
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


# --------------------------------------------------------------------------------------------- journeys


@dataclass
class Outcome:
    """What one simulated user did: step timings, the answers it saw saved, whether it submitted, what failed."""

    email: str
    times: dict[str, list[float]] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)
    submitted: bool = False
    failure: str = ""

    def add(self, step: str, seconds: float) -> None:
        self.times.setdefault(step, []).append(seconds)


class Journey:
    """Shared by the users of one run: the texts a user looks for, the roster, the pacing."""

    def __init__(self, think: float, timeout: float):
        from accreditation.i18n import catalog_text
        from criteria.datafiles import default_criteria

        self.criteria = default_criteria()
        self.text = lambda key, **kw: catalog_text(key, "vi", **kw)
        self.answers = {k: v for k, v in example_answers().items() if k.startswith(f"{SECTION}-")}
        self.roster = roster_csv()
        self.think = think
        self.timeout = timeout
        self.sessions: list[Session] = []  # kept open after the journey until memory is measured

    def label(self, indicator_id: str, name: str) -> str:
        """A radio option as the page shows it (the value the frontend sends): the choice's Vietnamese label."""
        indicator = self.criteria.indicator(indicator_id)
        return self.criteria.choices_for(indicator).get(name).label.get("vi")

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.think * random.uniform(0.5, 1.5))

    async def step(self, out: Outcome, name: str, action, check=None):
        start = time.perf_counter()
        try:
            run = await action
        except (TimeoutError, OSError, requests.RequestException) as exc:
            raise StepFailed(f"{name}: {exc!r}") from exc
        seconds = time.perf_counter() - start
        errors = run.errors()
        if errors:
            raise StepFailed(f"{name}: the page shows an error: {errors[0][:200]}")
        if check is not None:
            try:
                check(run)
            except StepFailed as exc:
                raise StepFailed(f"{name}: {exc}") from exc
        out.add(name, seconds)
        await self.pause()
        return run

    async def sign_in(self, s: Session, out: Outcome, email: str, prefix: str = "") -> None:
        run = await self.step(out, f"{prefix}open", s.open(), lambda r: r.one("text_input", "login_email"))
        s.hold(run.one("text_input", "login_email"), string_value=email)
        s.hold(run.one("text_input", "login_password"), string_value=PASSWORD)
        submit = next((e for e in run.find("button") if e.proto.is_form_submitter), None)
        if submit is None:
            raise StepFailed("no sign-in button")
        run = await self.step(out, f"{prefix}sign_in", s.click(submit),
                              lambda r: r.one("html", text="/session/begin?code="))
        # the browser loads the page's 1x1 image, which swaps the one-time code for the HttpOnly session cookie
        src = re.search(r'src="([^"]+)"', run.one("html", text="/session/begin?code=").proto.body).group(1)
        await s.get(src.replace("&amp;", "&"))
        if not s.http.cookies.get("vnclf_session"):
            raise StepFailed("sign_in: no session cookie after /session/begin")

    def roster_checked(self, run) -> None:
        """The stored check's result: its heading and the row count (the file name is markdown-escaped)."""
        run.one("heading", text=self.text("uploads.result_heading", name="\0", as_of="").split("\0")[0])
        rows = run.one("metric", text=self.text("uploads.rows"))
        if rows.proto.body.replace(".", "") != str(ROSTER_ROWS):
            raise StepFailed(f"the check counted {rows.proto.body} rows, not {ROSTER_ROWS}")

    async def company(self, base: str, email: str) -> Outcome:
        out = Outcome(email)
        s = Session(base, timeout=self.timeout)
        self.sessions.append(s)
        try:
            await self.sign_in(s, out, email)
            run = await self.step(out, "questionnaire", s.goto("self-assessment"),
                                  lambda r: r.one("selectbox", "section"))
            nxt = run.one("button", text=self.text("q.next"))
            run = await self.step(out, "next_section", s.click(nxt),
                                  lambda r: r.one("radio", lambda k: k.endswith(f":{SECTION}-01")))
            for qid, value in self.answers.items():
                radio = run.find("radio", lambda k, q=qid: k.endswith(f":{q}"))
                if not radio:  # hidden by an earlier answer
                    continue
                label = self.label(qid, value)
                if label not in list(radio[0].proto.options):
                    raise StepFailed(f"answer: {label!r} is not an option of {qid}")
                run = await self.step(out, "answer", s.set_value(radio[0], string_value=label),
                                      lambda r, q=qid: r.one("radio", lambda k: k.endswith(f":{q}")))
                out.saved[qid] = value
            run = await self.step(out, "roster_page", s.goto("roster"),
                                  lambda r: r.one("file_uploader", lambda k: k.startswith("roster-")))
            uploader = run.one("file_uploader", lambda k: k.startswith("roster-"))
            run = await self.step(out, "upload", s.upload(uploader, ROSTER_NAME, self.roster),
                                  self.roster_checked)
            run = await self.step(out, "results_page", s.goto("results"),
                                  lambda r: r.one("checkbox", lambda k: k.startswith("confirm:")))
            run = await self.step(out, "confirm",
                                  s.set_value(run.one("checkbox", lambda k: k.startswith("confirm:")),
                                              bool_value=True),
                                  lambda r: r.one("button", text=self.text("docs.submit")))
            button = run.one("button", text=self.text("docs.submit"))
            if button.proto.disabled:
                raise StepFailed("confirm: the submit button stays disabled")
            await self.step(out, "submit", s.click(button),
                            lambda r: r.one("alert", text=self.text("docs.submitted", version=1)))
            out.submitted = True
        except (TimeoutError, StepFailed, OSError) as exc:
            out.failure = str(exc) or type(exc).__name__
        return out

    async def brand(self, base: str, email: str, views: int) -> Outcome:
        out = Outcome(email)
        s = Session(base, timeout=self.timeout)
        self.sessions.append(s)
        try:
            await self.sign_in(s, out, email, prefix="brand_")
            for _ in range(views):
                await self.step(out, "portfolio", s.goto("portfolio"),
                                lambda r: r.one("heading", text=self.text("brand.heading")))
        except (TimeoutError, StepFailed, OSError) as exc:
            out.failure = str(exc) or type(exc).__name__
        return out

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sessions), return_exceptions=True)
        self.sessions = []


async def drive(bases: list[str], companies: list[Account], brands: list[Account], *, think: float, ramp: float,
                views: int, timeout: float, max_seconds: float, pids: list[int]) -> dict[str, Any]:
    """All users at once (each starting at a random moment within `ramp`), the i-th on bases[i % len(bases)];
    returns outcomes and measurements."""
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=min(256, 2 * (len(companies) + len(brands)) + 8)))
    journey = Journey(think, timeout)

    async def later(coro):
        await asyncio.sleep(random.uniform(0, ramp))
        return await coro

    peak = 0
    stop = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(rss_bytes(p) for p in pids))
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    cpu_before = sum(cpu_seconds(p) for p in pids)
    begin = time.perf_counter()
    tasks = [asyncio.ensure_future(later(journey.company(bases[i % len(bases)], a.email)))
             for i, a in enumerate(companies)]
    tasks += [asyncio.ensure_future(later(journey.brand(bases[i % len(bases)], a.email, views)))
              for i, a in enumerate(brands)]
    done, pending = await asyncio.wait(tasks, timeout=max_seconds)
    for t in pending:
        t.cancel()
    wall = time.perf_counter() - begin
    outcomes = []
    everyone = [*companies, *brands]
    for account, t in zip(everyone, tasks):
        if t in done and not t.cancelled() and t.exception() is None:
            outcomes.append(t.result())
        else:
            outcomes.append(Outcome(account.email, failure=f"not finished within {max_seconds:g} s"))
    await asyncio.sleep(1.0)  # let the last reruns' state settle before reading memory
    open_sessions = sum(1 for s in journey.sessions if s._ws is not None)
    rss_open = sum(rss_bytes(p) for p in pids)
    cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
    stop.set()
    await watcher
    await journey.close()
    return {"outcomes": outcomes, "wall": wall, "rss_open": rss_open, "rss_peak": max(peak, rss_open),
            "sessions": open_sessions, "cpu": cpu}


async def warm_up(base: str, company: Account, brand: Account) -> None:
    """One company's journey and one brand's portfolio view, before the measured run: the first runs import the
    app's modules and build its caches, which is the server's fixed cost, not a session's."""
    journey = Journey(0, 300)
    for out in (await journey.company(base, company.email), await journey.brand(base, brand.email, 1)):
        if out.failure:
            raise RuntimeError(f"the warm-up journey failed: {out.failure}")
    await journey.close()


# ----------------------------------------------------------------------------------------------- checks


def check_database(companies: list[Account], outcomes: dict[str, Outcome]) -> dict[str, Any]:
    """No lost answer, no duplicate version, one current document per company (exactly one after a submission
    that issued a statement)."""
    from accreditation import workflow
    from accreditation.store import certificates as registry
    from accreditation.store.db import open_db

    db = open_db()
    lost, duplicates, documents, not_submitted, statements = [], [], [], [], 0
    for account in companies:
        out = outcomes[account.email]
        rows = list(db["assessments"].rows_where("organisation_id = ?", [account.organisation_id],
                                                 order_by="version"))
        versions = [r["version"] for r in rows]
        if len(versions) != len(set(versions)):
            duplicates.append(account.email)
        stored = {}
        for r in rows:
            stored.update(workflow.answer_set(db, r["id"]).values)
        lost += [f"{account.email} {qid}" for qid, value in out.saved.items() if stored.get(qid) != value]
        current = [c for c in registry.list_certificates(db, tax_code=account.tax_code)
                   if c.superseded_by is None and c.revoked_at is None]
        issued = any(r.get("certificate_id") for r in rows)
        statements += issued
        if len(current) > 1 or (issued and len(current) != 1):
            documents.append(f"{account.email}: {len(current)} current")
        if out.submitted and not any(r["status"] == "submitted" for r in rows):
            not_submitted.append(account.email)
    db.close()
    answers = sum(len(outcomes[a.email].saved) for a in companies)
    return {"answers": answers, "statements": statements, "lost": lost, "duplicates": duplicates, "documents": documents,
            "not_submitted": not_submitted}


# ------------------------------------------------------------------------------------------------ table


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, nearest rank (q=95: the value 95 % of samples do not exceed)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def step_stats(outcomes: list[Outcome]) -> dict[str, tuple[int, float, float, float]]:
    samples: dict[str, list[float]] = {}
    for out in outcomes:
        for step, values in out.times.items():
            samples.setdefault(step, []).extend(values)
    return {step: (len(v), statistics.median(v), percentile(v, 95), max(v)) for step, v in samples.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def print_table(results: list[dict[str, Any]], setting: str) -> None:
    print(f"\nCapacity ({setting})")
    steps = [*SME_STEPS, *BRAND_STEPS]
    header = f"{'step':<14}" + "".join(f"{'N=' + str(r['n']) + ' median / p95 ms (n)':>28}" for r in results)
    print(header)
    print("-" * len(header))
    for step in steps:
        cells = []
        for r in results:
            found = r["stats"].get(step)
            cells.append(f"{ms(found[1])} / {ms(found[2])} ({found[0]})" if found else "—")
        print(f"{step:<14}" + "".join(f"{c:>28}" for c in cells))
    print("-" * len(header))
    rows = [
        ("users (sme+brand)", lambda r: f"{r['companies']}+{r['brands']}"),
        ("journeys done", lambda r: f"{r['done']}/{r['companies'] + r['brands']}"),
        ("failed users", lambda r: str(r["failed"])),
        ("wall s", lambda r: f"{r['wall']:.0f}"),
        ("submissions/min", lambda r: f"{sum(o.submitted for o in r['outcomes'].values()) / r['wall'] * 60:.0f}"),
        ("server CPU s", lambda r: f"{r['cpu']:.0f}"),
        ("CPU s/journey", lambda r: f"{r['cpu'] / max(1, r['companies'] + r['brands']):.1f}"),
        ("server errors", lambda r: str(r["server_errors"])),
        ("load avg before/after", lambda r: f"{r['load'][0]:.1f}/{r['load'][1]:.1f}"),
        ("all steps p95 ms", lambda r: ms(r["p95_all"])),
        ("RSS idle MB", lambda r: f"{r['rss_idle'] / 2**20:.0f}"),
        ("RSS peak MB", lambda r: f"{r['rss_peak'] / 2**20:.0f}"),
        ("MB per session", lambda r: f"{r['per_session'] / 2**20:.1f}"),
        ("peak MB/session", lambda r: f"{(r['rss_peak'] - r['rss_idle']) / max(1, r['companies'] + r['brands']) / 2**20:.1f}"),
        ("answers stored", lambda r: f"{r['db']['answers'] - len(r['db']['lost'])}/{r['db']['answers']}"),
        ("dup. versions", lambda r: str(len(r["db"]["duplicates"]))),
        ("submitted", lambda r: f"{sum(o.submitted for o in r['outcomes'].values())}/{r['companies']}"),
        ("statements issued", lambda r: str(r["db"]["statements"])),
        ("documents ok", lambda r: "yes" if not r["db"]["documents"] else f"NO ({len(r['db']['documents'])})"),
    ]
    for name, cell in rows:
        print(f"{name:<18}" + "".join(f"{cell(r):>24}" for r in results))
    print(f"\nFirst N where a step's 95th percentile passes {SLOW:g} s:")
    for step in steps:
        first = next((r["n"] for r in results if step in r["stats"] and r["stats"][step][2] > SLOW), None)
        print(f"  {step:<14} {('N=' + str(first)) if first else 'not within N=' + str(results[-1]['n'])}")
    first_all = next((r["n"] for r in results if r["p95_all"] > SLOW), None)
    print(f"  {'all steps':<14} {('N=' + str(first_all)) if first_all else 'not within N=' + str(results[-1]['n'])}")


# -------------------------------------------------------------------------------------------------- run


def measure(n: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    brands = max(1, n // 10)
    run = os.urandom(4).hex()  # unique names: a PostgreSQL database may hold earlier runs
    # On PostgreSQL every N shares one data directory, as replicas share their signing keys: a new key beside a
    # registry that already holds documents signed by another is refused by the app (rightly).
    data = work / ("shared" if args.database_url else f"n{n}-{run}")
    data.mkdir(parents=True, exist_ok=True)
    for old_log in data.glob("server-*.log"):  # each N counts its own servers' errors
        old_log.unlink()
    env = {"ACCREDITATION_DATA_DIR": str(data), "ACCREDITATION_DEMO": "0", "STREAMLIT_LOGGER_LEVEL": "warning"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the set-up and the checks open the same database as the servers
    try:
        return _measure(n, brands, run, data, env, args)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _measure(n: int, brands: int, run: str, data: Path, env: dict[str, str], args: argparse.Namespace
             ) -> dict[str, Any]:
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    companies, brand_accounts = create_accounts(n + args.replicas, brands, run)
    warm, companies = companies[:args.replicas], companies[args.replicas:]  # one warm-up company per server
    print(f"N={n}: {n} companies and {brands} brands created in {time.perf_counter() - t0:.0f} s", flush=True)
    ports = [args.port + k for k in range(args.replicas)] if args.port else [free_port() for _ in range(args.replicas)]
    with ExitStack() as stack:
        servers = [stack.enter_context(app_server(data, port, env)) for port in ports]
        # through the proxy; without one, each user keeps to one replica (what a sticky proxy does, minus the hop)
        bases = [args.proxy] if args.proxy else [url for url, _ in servers]
        if args.proxy and not healthy(args.proxy, 30):
            raise RuntimeError(f"the proxy {args.proxy} does not answer /_stcore/health")
        pids = [proc.pid for _, proc in servers]
        if args.warm_up:
            for (url, _), company in zip(servers, warm):
                asyncio.run(warm_up(url, company, brand_accounts[0]))
        rss_idle = sum(rss_bytes(p) for p in pids)
        result = asyncio.run(drive(bases, companies, brand_accounts, think=args.think, ramp=args.ramp,
                                   views=args.views, timeout=args.timeout, max_seconds=args.max_seconds, pids=pids))
    # an exception in a page script (Streamlit's error box, or the app's "unexpected error" message): each leaves
    # a traceback in the server's log
    server_errors = sum(p.read_text(errors="replace").count("Traceback (most recent call last)")
                        for p in data.glob("server-*.log"))
    outcomes = {o.email: o for o in result["outcomes"]}
    failures = [o for o in result["outcomes"] if o.failure]
    for o in failures[:5]:
        print(f"  failed: {o.email}: {o.failure}", flush=True)
    stats = step_stats(result["outcomes"])
    every = [v for o in result["outcomes"] for values in o.times.values() for v in values]
    return {"n": n, "companies": n, "brands": brands, "done": len(result["outcomes"]) - len(failures),
            "failed": len(failures), "wall": result["wall"], "cpu": result["cpu"], "stats": stats,
            "p95_all": percentile(every, 95) if every else float("nan"), "rss_idle": rss_idle,
            "rss_peak": result["rss_peak"],
            "per_session": (result["rss_open"] - rss_idle) / max(1, result["sessions"]),
            "db": check_database(companies, outcomes), "outcomes": outcomes,
            "load": (load_before, os.getloadavg()[0]), "server_errors": server_errors}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", default="10,25,50,100", help="company users per run, comma-separated (brands: N/10)")
    p.add_argument("--think", type=float, default=1.0, help="mean pause between a user's steps, seconds")
    p.add_argument("--ramp", type=float, default=10.0, help="users start at random moments within this many seconds")
    p.add_argument("--views", type=int, default=3, help="portfolio views per brand user")
    p.add_argument("--timeout", type=float, default=180.0, help="longest wait for one step, seconds")
    p.add_argument("--max-seconds", type=float, default=900.0, help="longest run per N, seconds")
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                   help="postgresql://… on this machine (default: SQLite in a fresh data directory)")
    p.add_argument("--replicas", type=int, default=1,
                   help="app servers to start; without --proxy each user keeps to one of them")
    p.add_argument("--port", type=int, default=0, help="first replica's port (default: free ports)")
    p.add_argument("--proxy", default="", help="loopback URL of a sticky-session proxy in front of the replicas")
    p.add_argument("--work", default="", help="directory for data and server logs (default: a temporary one)")
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--no-warm-up", dest="warm_up", action="store_false",
                   help="skip the unmeasured journey per server before the run (its first runs import the app)")
    args = p.parse_args(argv)
    if args.proxy and args.replicas > 1 and not args.port:
        p.error("--proxy with --replicas > 1 needs --port: the proxy forwards to --port, --port+1, …")
    targets = [args.proxy] if args.proxy else []
    if args.database_url:  # postgresql://user@host/db; no host at all is a local socket
        if not args.database_url.startswith(("postgresql://", "postgres://")):
            p.error("--database-url: a postgresql:// URL")
        if urlsplit(args.database_url).hostname:
            targets.append(args.database_url)
    for url in targets:
        try:
            require_loopback(url)
        except ValueError as exc:
            p.error(str(exc))
    args.users = [int(n) for n in args.users.split(",") if n.strip()]
    if any(n < 1 or n > 1000 for n in args.users):
        p.error("--users: between 1 and 1000 each")
    return args


def machine() -> str:
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU")
    return f"{os.cpu_count()} cores ({model}), {mem / 2**20:.0f} GiB, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    random.seed(args.seed)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    setting = (f"{args.replicas} server(s) on {backend}{' via ' + args.proxy if args.proxy else ''}; think "
               f"{args.think:g} s, ramp {args.ramp:g} s, {args.views} portfolio views; {machine()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        for n in args.users:
            results.append(measure(n, args, work))
            r = results[-1]
            print(f"N={n}: done in {r['wall']:.0f} s, {r['failed']} failed users, p95 all steps "
                  f"{ms(r['p95_all'])} ms", flush=True)
    print_table(results, setting)
    bad = any(r["db"]["lost"] or r["db"]["duplicates"] or r["db"]["documents"] or r["db"]["not_submitted"]
              for r in results)
    if bad:
        for r in results:
            for key in ("lost", "duplicates", "documents", "not_submitted"):
                for line in r["db"][key][:5]:
                    print(f"N={r['n']} {key}: {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
