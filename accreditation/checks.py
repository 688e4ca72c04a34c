"""The roster and supplier check records: built here (never in a page), stored in one language-neutral shape, and
read back by one reader (`latest`) that the company pages, the review screen, the portfolio and the exports use.

What is stored (JSON in `checks.summary` and `findings.data`) holds counts, ids, codes and row numbers only:

- roster summary: rows, minors, knockout, summary (findings by severity), age_bands, not_in_force, blocking_rows
  (rows that block any statement or certificate);
- roster finding: row, employee_id (the company's pseudonymous reference: never a name or ID number), rule (a law
  rule id), severity, params (the values the rule's message is filled with), blocks, fine {min, max, decree};
- supplier summary: the rules' summary (`SupplierSummary`) without its one text, the focus definition; `by_level`
  counts the residual level (after the supplier's controls), `by_inherent` the level before them;
- supplier finding: row, name (as written on the row: the company's business data, shown to the company and its
  assessor, never to brands), rule, severity (the residual level), inherent (the level before controls), tax_code (a personal number masked), tax_code_kind,
  supplier_type, province, province_former, tier, duplicate_of, certificate {id, status, lowered}, reasons and
  actions (ids of the risk catalog).

Texts (messages, legal bases, reasons, actions, level and type names) are rendered from the law tables and the
risk catalog when shown (`roster_texts`, `supplier_texts`), in the reader's language. Records stored before this
shape are converted by the migration in `accreditation.store.checks` (`neutral_summary`, `neutral_finding`)."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import orjson
from sqlite_utils import Database

if TYPE_CHECKING:  # pragma: no cover
    from accreditation.tables import ImportedTable
    from accreditation.workflow import CheckRecord
    from criteria.law_tables import LawTables
    from criteria.schema import Criteria
    from criteria.risk_tables import RiskData
    from scoring.supplier_result import SupplierResult
    from scoring.workforce import Finding, RosterResult

KINDS = ("roster", "suppliers")
SEVERITIES = ("critical", "major", "minor")  # roster findings, most serious first
LEVELS = ("critical", "high", "medium", "low")  # supplier risk levels, most severe first
RISK_LEVELS = LEVELS[::-1]  # least severe first, as criteria.risk_tables.LEVELS
# The supplier summary's level counts, as SQL reads them: the portfolio reads 10,000 summaries in one query.
LEVEL_PATHS = tuple(f"$.by_level.{level}" for level in LEVELS)
_RANK = ("critical", "major", "high", "medium", "minor", "low")  # most serious first (display.SEVERITY_ORDER)
ROSTER_SUMMARY = ("rows", "minors", "knockout", "summary", "age_bands", "not_in_force")


# ------------------------------------------------------------------------------------------------- building


def roster_record(data: bytes, filename: str, as_of: date, criteria: "Criteria") -> "CheckRecord":
    """Check an uploaded roster and build the record to store (the file itself is dropped by the caller)."""
    return roster_record_from(read_roster(data, filename), filename, file_hash(data), as_of, criteria)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_roster(data: bytes, filename: str) -> "ImportedTable":
    """The first step of a roster check (the page shows each): the file decoded, only the columns the check needs
    (never names). Raises `TableError` for a file that cannot be read."""
    from accreditation.roster import CHECKED_COLUMNS, roster_spec
    from accreditation.tables import read_table

    return read_table(data, filename, roster_spec(), columns=CHECKED_COLUMNS)


def roster_record_from(table: "ImportedTable", filename: str, file_sha256: str, as_of: date,
                       criteria: "Criteria") -> "CheckRecord":
    """The second step: a read roster checked against the law tables, as the record to store."""
    from criteria.law_tables import default_law
    from scoring.workforce import check_workforce

    result = check_workforce(table.frame, as_of, default_law(), table.problems)
    return from_roster(result, filename, file_sha256, criteria)


def from_roster(result: "RosterResult", filename: str, file_sha256: str, criteria: "Criteria") -> "CheckRecord":
    from accreditation.workflow import CheckRecord
    from criteria.law_tables import default_law

    law = default_law()
    summary = {"rows": result.rows, "minors": result.minors, "knockout": result.knockout,
               "summary": dict(result.summary), "age_bands": dict(result.age_bands),
               "not_in_force": list(result.not_in_force),
               "blocking_rows": [int(r) for r in getattr(result, "blocking", [])]}
    return CheckRecord(kind="roster", filename=Path(filename).name, file_sha256=file_sha256,
                       as_of=result.as_of.isoformat(), rows=result.rows, summary=summary,
                       derived=result.derived(criteria.deadline_days()),
                       findings=[roster_finding(f, law) for f in result.findings])


def roster_finding(f: "Finding", law: "LawTables") -> dict[str, Any]:
    """A roster finding as stored: the rule id and the values its message is filled with, no text."""
    from scoring.workforce import time_barred_note

    out: dict[str, Any] = {"row": int(f.row), "employee_id": f.employee_id, "rule": f.rule, "severity": f.severity}
    vi, en = f.message.vi, f.message.en
    barred = getattr(f, "time_barred", None)
    if barred:  # the message ends with the time-barred note: stored as its parameters, worded when shown
        note = time_barred_note(barred)
        vi, en = vi.removesuffix(" " + note.vi), en.removesuffix(" " + note.en)
        out["fine_not_shown"] = barred
    params, legacy = _message_params(law, f.rule, f.row, f.employee_id, vi, en)
    if params:
        out["params"] = params
    if legacy:
        out["text"] = legacy
    if getattr(f, "blocks", False):
        out["blocks"] = True
    if f.fine_min_vnd is not None:
        out["fine"] = {"min": int(f.fine_min_vnd), "max": int(f.fine_max_vnd),
                       "decree": _decree(law, f.fine_basis.en if f.fine_basis else "")}
    return out


def supplier_record(db: Database, data: bytes, filename: str, as_of: date) -> "CheckRecord":
    """Check an uploaded supplier list (certificates looked up in this registry) and build the record to store."""
    return supplier_record_from(db, read_suppliers(data, filename), filename, file_hash(data), as_of)


def read_suppliers(data: bytes, filename: str) -> "ImportedTable":
    """The first step of a supplier check: the list decoded. Raises a `UserError` for a file that cannot be read
    or has no rows."""
    from accreditation.suppliers import read_supplier_table

    return read_supplier_table(data, filename)


def supplier_record_from(db: Database, table: "ImportedTable", filename: str, file_sha256: str,
                         as_of: date) -> "CheckRecord":
    """The second step: a read supplier list flagged (certificates looked up in this registry), as the record."""
    from accreditation.suppliers import assess_table, registry_lookup

    result = assess_table(table, as_of, certificate_status=registry_lookup(db, as_of))
    record = from_suppliers(result, filename, file_sha256)
    _add_names(record.findings, table)
    return record


NAME_CHARS = 120  # a name is shown in a table cell; a longer cell is cut (it is not a name)


def _add_names(findings: list[dict[str, Any]], table: "ImportedTable") -> None:
    """Each supplier finding gets the name written on its row (`name`), so the company and the assessor see whom a
    finding is about. The supplier list is the company's business data: brands see counts, never the findings."""
    frame = table.frame
    if "supplier_name" not in frame or len(frame) != len(findings):
        return
    for finding, name in zip(findings, frame["supplier_name"].tolist()):
        if isinstance(name, str) and name.strip():
            finding["name"] = " ".join(name.split())[:NAME_CHARS]


def from_suppliers(result: "SupplierResult", filename: str, file_sha256: str) -> "CheckRecord":
    from accreditation.workflow import CheckRecord

    summary = neutral_summary("suppliers", result.summary_data)
    return CheckRecord(kind="suppliers", filename=Path(filename).name, file_sha256=file_sha256,
                       as_of=result.as_of.isoformat(), rows=int(summary["rows"]), summary=summary,
                       derived=result.derived(), findings=result.records())


# --------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StoredCheck:
    """The latest roster or supplier check of an assessment, as stored (see the module docstring)."""

    id: int
    assessment_id: int
    kind: str
    filename: str
    as_of: str  # ISO date the check was made for
    rows: int
    created_at: str
    summary: dict[str, Any]
    findings: list[dict[str, Any]]  # empty when read with findings=False
    total: int = 0  # findings there are (of the severities asked for), however many were read

    @property
    def day(self) -> str:
        return (self.as_of or self.created_at or "")[:10]


def latest(db: Database, assessment_id: int, kind: str, findings: bool = True,
           severities: Sequence[str] | None = None, limit: int | None = None,
           ordered: bool = False) -> StoredCheck | None:
    """The assessment's latest check of `kind` (None before any), with its findings in stored order (`ordered`:
    most serious first, then by row), only those of `severities` if given, at most `limit` of them; `total` says
    how many there are without the limit. A page shows a few thousand of a 50,000-row list: reading and decoding
    all of them took 0.75 s."""
    rows = db.execute_returning_dicts(
        "SELECT id, assessment_id, kind, filename, as_of, rows, summary, created_at FROM checks "
        "WHERE assessment_id = ? AND kind = ? ORDER BY id DESC LIMIT 1", [assessment_id, kind])
    if not rows:
        return None
    row = rows[0]
    found: list[dict[str, Any]] = []
    total = 0
    if findings:
        where, params = "check_id = ?", [row["id"]]
        if severities is not None:
            # `IN ()` is SQLite only: no severity asked for matches nothing
            where += f" AND severity IN ({','.join('?' * len(severities))})" if severities else " AND 1 = 0"
            params += list(severities)
        rank = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(_RANK))
        order = f"CASE severity {rank} ELSE 99 END, row, id" if ordered else "id"
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        found = [orjson.loads(r[0]) for r in db.execute(
            f"SELECT data FROM findings WHERE {where} ORDER BY {order}{tail}", params).fetchall()]
        total = len(found) if limit is None or len(found) < limit else \
            db.execute(f"SELECT count(*) FROM findings WHERE {where}", params).fetchone()[0]
    return StoredCheck(id=row["id"], assessment_id=row["assessment_id"], kind=row["kind"],
                       filename=row["filename"] or "", as_of=row["as_of"] or "", rows=int(row["rows"] or 0),
                       created_at=row["created_at"] or "", summary=json.loads(row["summary"] or "{}"),
                       findings=found, total=total)


def highest_level(by_level: Sequence[Any] | dict[str, Any] | None) -> str | None:
    """The most severe level with a supplier in it ("low" for a list with none flagged), from the summary's
    `by_level` (a dict, or counts in `LEVELS` order); None without a supplier list."""
    if by_level is None:
        return None
    counts = [by_level.get(level) for level in LEVELS] if isinstance(by_level, dict) else list(by_level)
    for level, count in zip(LEVELS, counts):
        if count:
            return level
    return "low"


def counts(check: StoredCheck) -> dict[str, Any]:
    """What a brand may see of a check: counts only, never the findings (they name employees by id and suppliers
    by tax code)."""
    s = check.summary
    if check.kind == "roster":
        severity = s.get("summary") if isinstance(s.get("summary"), dict) else {}
        return {"rows": _int(s.get("rows")) or check.rows, "as_of": check.day, "minors": _int(s.get("minors")),
                "blocking": len(s.get("blocking_rows") or []),
                **{sev: _int(severity.get(sev)) or 0 for sev in SEVERITIES}}
    levels = s.get("by_level") if isinstance(s.get("by_level"), dict) else {}
    return {"suppliers": _int(s.get("suppliers")) or check.rows, "as_of": check.day,
            "by_level": {level: _int(levels.get(level)) or 0 for level in LEVELS},
            "level": highest_level(levels) if levels else None,
            "informal_units": _int(s.get("informal_units"))}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------- rendering


def roster_texts(finding: dict[str, Any], lang: str, law: "LawTables | None" = None) -> dict[str, str]:
    """The finding, its legal basis and the action, in `lang`, from the law table's rule (never empty: a rule
    no longer in the tables shows its id)."""
    from criteria.law_tables import default_law
    from scoring.workforce import time_barred_note

    law = law or default_law()
    rule = _law_rule(law, finding.get("rule"))
    legacy = finding.get("text") or {}
    if rule is None:
        text = legacy.get(lang) or legacy.get("vi") or f"{finding.get('rule') or '?'}"
        return {"finding": text, "legal_basis": "", "action": "", "title": ""}
    if legacy:
        text = legacy.get(lang) or legacy.get("vi")
    else:
        text = _fill(rule.message.get(lang), lang, finding, law)
    barred = finding.get("fine_not_shown")
    if isinstance(barred, dict) and "ended" in barred:  # the fine is time-barred: say so after the finding
        text = f"{text} {time_barred_note(barred).get(lang)}"
    title = getattr(rule, "title", None)  # the law table's short name of the rule (newer tables have one)
    return {"finding": text, "legal_basis": rule.legal_basis.get(lang), "action": rule.action.get(lang),
            "title": title.get(lang) if title else ""}


def supplier_texts(finding: dict[str, Any], lang: str, data: "RiskData | None" = None) -> dict[str, str]:
    """The reasons (those that raised the inherent level, then notes such as a certificate's), the controls that
    lowered it to the residual level, the actions, both levels and the supplier type, in `lang`, from the risk
    catalog. A supplier with no reason gets its level's description."""
    data = data or _risk_data()
    reasons = _reasons(data)
    found = [reasons[r] for r in finding.get("reasons") or [] if r in reasons]
    raised = [r.text.get(lang) for r in found if r.effect == "raise"]
    controls = [r.text.get(lang) for r in found if r.id.startswith("control:")]
    notes = [r.text.get(lang) for r in found if r.effect != "raise" and not r.id.startswith("control:")]
    legacy = (finding.get("text") or {})
    extra = legacy.get(lang) or legacy.get("vi")
    level = finding.get("severity") or "low"
    inherent = finding.get("inherent") or level  # records before the residual level: the one level they had
    described = data.levels.get(level, {})
    if not raised and not extra:
        raised = [described["description"].get(lang)] if described.get("description") else []
    actions = _actions(data)
    acts = [actions[a].text.get(lang) for a in finding.get("actions") or [] if a in actions]
    kind = data.types.get(finding.get("supplier_type") or "", {})
    return {"reasons": " ".join([*raised, *([extra] if extra else []), *notes]) or level,
            "actions": " ".join(acts) or "—",
            "controls": " ".join(controls) or "—",
            "level": described["label"].get(lang) if described.get("label") else level,
            "inherent": data.levels[inherent]["label"].get(lang) if inherent in data.levels else inherent,
            "supplier_type": kind["label"].get(lang) if kind.get("label") else (finding.get("supplier_type") or "")}


def focus_definition(summary: dict[str, Any], lang: str) -> str:
    """What the supplier summary's `focus` counts, in `lang`."""
    from scoring.supplier_summary import focus_definition as definition

    return definition(bool((summary.get("focus") or {}).get("spend_data"))).get(lang)


@lru_cache(maxsize=1)
def _risk_data() -> "RiskData":
    from criteria.risk_tables import default_risk_data

    return default_risk_data()


_CATALOGS: dict[int, tuple[Any, dict[str, Any], dict[str, Any]]] = {}


def _catalog(data: "RiskData") -> tuple[dict[str, Any], dict[str, Any]]:
    """(reasons by id, actions by id) of a risk catalog, indexed once per catalog object."""
    entry = _CATALOGS.get(id(data))
    if entry is None or entry[0] is not data:
        entry = _CATALOGS[id(data)] = (data, {r.id: r for r in data.reasons}, {a.id: a for a in data.actions})
    return entry[1], entry[2]


def _reasons(data: "RiskData") -> dict[str, Any]:
    return _catalog(data)[0]


def _actions(data: "RiskData") -> dict[str, Any]:
    return _catalog(data)[1]


def _law_rule(law: "LawTables", rule_id: str | None) -> Any:
    return next((r for r in law.rules if r.id == rule_id), None)


# ------------------------------------------------------------------------- message templates and parameters
# A law rule's message is a template ("Row {row}, employee {employee_id}: aged {age} …") filled per finding; a
# parameter may differ by language (`hours_vi`, `hours_en`), as in scoring.workforce. The workforce result gives the
# filled texts, so the values are read back from them with the template: substituting them again gives the same text
# in both languages, whichever way an ambiguous text is split.

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@lru_cache(maxsize=512)
def _pattern(template: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A regex matching the texts `template` can produce, and its groups' field names; None for a template this
    reader cannot invert (a format spec, an attribute or an index)."""
    parts, names = [], {}
    for literal, field, spec, conversion in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if spec or conversion or not _FIELD.match(field):
            return None
        if field in names.values():
            group = next(g for g, f in names.items() if f == field)
            parts.append(f"(?P={group})")
        else:
            group = f"g{len(names)}"
            names[group] = field
            parts.append(f"(?P<{group}>.*?)")
    return re.compile("".join(parts), re.DOTALL), names


def _read(template: str, text: str) -> dict[str, str] | None:
    compiled = _pattern(template)
    if compiled is None:
        return None
    pattern, names = compiled
    match = pattern.fullmatch(text)
    return None if match is None else {names[g]: v for g, v in match.groupdict().items()}


def _message_params(law: "LawTables", rule_id: str, row: int, employee_id: str | None, vi: str, en: str
                    ) -> tuple[dict[str, str], dict[str, str] | None]:
    """(parameters, None), or ({}, the texts) when the message does not fit its rule's template (a rule changed or
    removed since the finding was made)."""
    rule = _law_rule(law, rule_id)
    if rule is None:
        return {}, {"vi": vi, "en": en}
    got = {"vi": _read(rule.message.vi, vi), "en": _read(rule.message.en, en)}
    if got["vi"] is None or got["en"] is None:
        return {}, {"vi": vi, "en": en}
    known = {"row": str(row), "employee_id": employee_id or "?"}
    params: dict[str, str] = {}
    for key in dict.fromkeys([*got["vi"], *got["en"]]):
        in_vi, in_en = got["vi"].get(key), got["en"].get(key)
        if in_vi is None or in_en is None or in_vi == in_en:
            value = in_en if in_vi is None else in_vi
            if known.get(key) != value:
                params[key] = value
        else:
            params[f"{key}_vi"], params[f"{key}_en"] = in_vi, in_en
    return params, None


class _Values(dict):
    """Template values for one language: `key_<lang>` first, then `key`, then the finding's row and employee."""

    def __init__(self, lang: str, finding: dict[str, Any], law: "LawTables | None" = None):
        super().__init__(finding.get("params") or {})
        self.lang, self.law = lang, law
        self.known = {"row": str(finding.get("row", "?")), "employee_id": finding.get("employee_id") or "?"}

    def __missing__(self, key: str) -> str:
        return str(self.known.get(key, "?"))

    def __getitem__(self, key: str) -> str:
        for name in (f"{key}_{self.lang}", key):
            if dict.__contains__(self, name):
                value = str(dict.__getitem__(self, name))
                if name in _CODE_PARAMS and self.law is not None:  # stored before codes were worded: label (code)
                    return self.law.code_phrase(value).get(self.lang)
                return value
        return self.__missing__(key)


_CODE_PARAMS = ("job_code", "workplace_code")


def _fill(template: str, lang: str, finding: dict[str, Any], law: "LawTables | None" = None) -> str:
    return template.format_map(_Values(lang, finding, law))


def _decree(law: "LawTables", basis_en: str) -> str | None:
    """The decree whose fine band a finding's fine comes from (its basis starts with the decree's name)."""
    return next((b.decree for b in law.fines if basis_en.startswith(f"{b.decree} ")), None)


# ---------------------------------------------------------------------------------- records stored before


def neutral_summary(kind: str, summary: dict[str, Any]) -> dict[str, Any]:
    """A summary in the stored shape. A supplier summary kept per language (`{"vi": …, "en": …}`) becomes the
    one summary, and the focus definition (a text) is dropped: it is rendered from `focus.spend_data`."""
    out = copy.deepcopy(summary or {})
    if kind == "suppliers":
        if "by_level" not in out and isinstance(out.get("vi") or out.get("en"), dict):
            out = copy.deepcopy(out.get("vi") or out.get("en"))
        if isinstance(out.get("focus"), dict):
            out["focus"].pop("definition", None)
    elif kind == "roster":
        out.setdefault("blocking_rows", [])
    return out


def neutral_finding(kind: str, finding: dict[str, Any], law: "LawTables | None" = None,
                    data: "RiskData | None" = None) -> dict[str, Any]:
    """A finding in the stored shape. An earlier roster finding's message texts become its rule's parameters; an
    earlier supplier finding's reason and action texts become catalog ids. A text that no longer matches the
    tables is kept as `text` ({"vi", "en"}) and shown as it was. Already neutral findings come back unchanged."""
    f = dict(finding)
    f.pop("ref", None)
    if kind == "roster":
        from criteria.law_tables import default_law

        law = law or default_law()
        message = f.pop("message", None)
        basis = f.pop("fine_basis", None)
        f.pop("legal_basis", None)
        f.pop("action", None)
        if isinstance(message, dict):
            params, legacy = _message_params(law, f.get("rule") or "", f.get("row") or 0, f.get("employee_id"),
                                             message.get("vi") or "", message.get("en") or "")
            if params:
                f["params"] = params
            if legacy:
                f["text"] = legacy
        if "fine_min_vnd" in f:
            low, high = f.pop("fine_min_vnd"), f.pop("fine_max_vnd", None)
            if low is not None:
                f["fine"] = {"min": int(low), "max": int(high if high is not None else low),
                             "decree": _decree(law, (basis or {}).get("en") or "")}
        return f
    data = data or _risk_data()
    level = f.get("severity") or f.get("rule")
    f["severity"] = level
    f["rule"] = f"supplier_risk_{level}"
    if "inherent" not in f and level in RISK_LEVELS:
        # Before the residual level an active certificate lowered the one level by one; nothing else lowered it.
        lowered = isinstance(f.get("certificate"), dict) and f["certificate"].get("lowered")
        f["inherent"] = RISK_LEVELS[min(RISK_LEVELS.index(level) + 1, 3)] if lowered else level
    unmatched: dict[str, list[str]] = {"vi": [], "en": []}
    for key, catalog in (("reasons", _reasons(data).values()), ("actions", _actions(data).values())):
        value = f.get(key)
        if not isinstance(value, dict):
            continue
        by_text = {**{c.text.vi: c.id for c in catalog}, **{c.text.en: c.id for c in catalog}}
        vi, en = list(value.get("vi") or []), list(value.get("en") or [])
        ids = []
        for i in range(max(len(vi), len(en))):
            text_vi = vi[i] if i < len(vi) else ""
            text_en = en[i] if i < len(en) else ""
            found = by_text.get(text_vi) or by_text.get(text_en)
            if found:
                ids.append(found)
            elif key == "reasons":  # an action without its id is dropped: the level's actions are re-derivable
                unmatched["vi"].append(text_vi or text_en)
                unmatched["en"].append(text_en or text_vi)
        f[key] = ids
    if unmatched["vi"]:
        f["text"] = {"vi": " ".join(unmatched["vi"]), "en": " ".join(unmatched["en"])}
    return {k: v for k, v in f.items() if v is not None or k in ("tax_code", "province", "tier")}


def convert_stored(db: Database, check_ids: Iterable[int] | None = None) -> int:
    """Rewrite stored checks (all, or `check_ids`) in the neutral shape; returns how many findings changed.
    Run by the migration `checks_0001_neutral_records`; safe to run again."""
    where = "" if check_ids is None else f"WHERE id IN ({','.join(str(int(i)) for i in check_ids)})"
    changed = 0
    for check_id, kind, summary in db.execute(f"SELECT id, kind, summary FROM checks {where}").fetchall():
        old = json.loads(summary or "{}")
        new = neutral_summary(kind, old)
        inherent: dict[str, int] = {}
        for finding_id, data in db.execute("SELECT id, data FROM findings WHERE check_id = ?",
                                           [check_id]).fetchall():
            before = json.loads(data or "{}")
            after = neutral_finding(kind, before)
            if kind == "suppliers" and after.get("inherent") in RISK_LEVELS and not after.get("duplicate_of"):
                inherent[after["inherent"]] = inherent.get(after["inherent"], 0) + 1
            if after != before:
                db.execute("UPDATE findings SET data = ?, rule = ?, ref = NULL WHERE id = ?",
                           [json.dumps(after, ensure_ascii=False, default=str), after.get("rule"), finding_id])
                changed += 1
        if kind == "suppliers" and "by_inherent" not in new and "by_level" in new:
            # a summary stored before the residual level: its inherent counts from its findings (distinct rows)
            new["by_inherent"] = {lv: inherent.get(lv, 0) for lv in RISK_LEVELS}
        if new != old:
            db.execute("UPDATE checks SET summary = ? WHERE id = ?",
                       [json.dumps(new, ensure_ascii=False, default=str), check_id])
    return changed
