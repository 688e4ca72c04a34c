"""The remediation plan: a multi-page, bilingual PDF (landscape A4) with "Trang x/y · Page x/y" numbering.

It opens with the child-protection protocol when a child was found in unlawful work, then a summary (score, tier
or not eligible, knock-outs, fine exposure), then one table row per action, whose header repeats on every page.
It renders `Result.remediation` as it is: the plan never re-derives a score. Pure and deterministic. Given the
company's tracked actions (`TrackedState`, from `accreditation.actions.plan_tracking`), each row also prints the
action's current state: status (overdue included), due date and the owner the company named."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accreditation.reports.table import Block, FastTable
from accreditation.wording import where_text
from accreditation.reports.fonts import (
    BOLD, GREEN, GRID, HEADER_BG, INK, MUTED, PRIORITY_COLOURS, RED, RED_LIGHT, REGULAR, catalog_pair, nfc, para,
    register_fonts, vn_date, vnd,
)
from criteria.schema import Criteria, Text
from scoring.result import Action, Result

PAGE = landscape(A4)
MARGIN = 36
CREATOR = "vn-clf-award (python -m accreditation)"
EN_COLOUR = "#5b6770"


def _style(name: str, size: float = 8, font: str = REGULAR, colour=INK, leading: float | None = None,
           **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.22, textColor=colour, **kw)


CELL = _style("cell", 7.4)
HEAD = _style("head", 7.6, BOLD)
TITLE = _style("title", 18, BOLD, GREEN, spaceAfter=2)
SUBTITLE = _style("subtitle", 10, REGULAR, MUTED, spaceAfter=8)
H2 = _style("h2", 11, BOLD, INK, spaceBefore=10, spaceAfter=5)
BODY = _style("body", 8.6)
PROTOCOL_TITLE = _style("ptitle", 12, BOLD, RED, spaceAfter=4)
PROTOCOL = _style("protocol", 8.6, leftIndent=14, firstLineIndent=-14, spaceAfter=2.5)
REFERENCE = _style("reference", 7.6, leftIndent=16, firstLineIndent=-16, spaceAfter=2)


def _vi_then_en_markup(vi: str, en: str, sep: str = "<br/>") -> str:
    """Paragraph markup: Vietnamese, then English in grey. Arguments are already escaped markup."""
    if not en or en == vi:
        return vi
    return f'{vi}{sep}<font color="{EN_COLOUR}">{en}</font>'


def _text(t: Text) -> str:
    return _vi_then_en_markup(para(t.vi), para(t.en))


def _key(key: str, bold: bool = False, **params: object) -> str:
    t = catalog_pair(key, **params)
    vi, en = para(t.vi), para(t.en)
    return _vi_then_en_markup(f"<b>{vi}</b>", f"<b>{en}</b>") if bold else _vi_then_en_markup(vi, en)


@dataclass(frozen=True)
class ReviewNote:
    """One indicator as the assessor left it: the company's answer, the assessor's (when adjusted), the comment."""

    indicator: str
    label: Text
    declared: Text
    adjusted: Text | None
    comment: str


@dataclass(frozen=True)
class AssessorReview:
    """What the plan says about the assessor's review of this version (the company sees it and may dispute it)."""

    decision: Text
    decided: date | None
    comment: str
    notes: tuple[ReviewNote, ...] = field(default_factory=tuple)
    dispute_until: date | None = None


_GRID_STYLE = [("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]


def _labelled(rows: list[tuple[str, str]]) -> Table:
    """A two-column table: a catalog label (bold, shaded) beside its value markup."""
    table = Table([[Paragraph(_key(k, bold=True), CELL), Paragraph(v, CELL)] for k, v in rows],
                  colWidths=[150, PAGE[0] - 2 * MARGIN - 150])
    table.setStyle(TableStyle(_GRID_STYLE + [("BACKGROUND", (0, 0), (0, -1), HEADER_BG)]))
    return table


def _review(rev: AssessorReview) -> list[Any]:
    rows = [("trust.plan.decision", f"<b>{_text(rev.decision)}</b>"
             + (f" · {vn_date(rev.decided)}" if rev.decided else ""))]
    if rev.comment:
        rows.append(("trust.plan.comment", para(rev.comment)))
    if rev.dispute_until:
        rows.append(("trust.plan.dispute", _key("trust.plan.dispute_until", date=vn_date(rev.dispute_until))))
    out: list[Any] = [Paragraph(_key("trust.plan.review_title", bold=True), H2), _labelled(rows)]
    if rev.notes:
        head = [Paragraph(_key(k, bold=True), HEAD) for k in ("trust.plan.col_indicator", "trust.plan.col_declared",
                                                               "trust.plan.col_assessor", "trust.plan.col_comment")]
        body = [[Paragraph(f"<b>{para(n.indicator)}</b><br/>{_text(n.label)}", CELL), Paragraph(_text(n.declared), CELL),
                 Paragraph(_text(n.adjusted) if n.adjusted else _key("trust.plan.accepted"), CELL),
                 Paragraph(para(n.comment), CELL)] for n in rev.notes]
        notes = Table([head] + body, colWidths=[230, 150, 150, PAGE[0] - 2 * MARGIN - 530], repeatRows=1)
        notes.setStyle(TableStyle(_GRID_STYLE + [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)]))
        out += [Spacer(1, 6), notes]
    return out


@dataclass(frozen=True)
class TrackedState:
    """An action's state in the company's tracked plan, as of the plan's date: its shown status (open,
    in_progress, done, verified or overdue), due date and the owner the company named ("" when none)."""

    status: str
    due: date | None = None
    owner: str = ""


def fine_exposure(actions: list[Action]) -> tuple[int, int] | None:
    """Sum of the possible fines over the plan's actions (min, max), or None when no action carries a fine."""
    fined = [a for a in actions if a.fine_min_vnd is not None or a.fine_max_vnd is not None]
    if not fined:
        return None
    lo = sum(a.fine_min_vnd or 0 for a in fined)
    hi = sum(a.fine_max_vnd if a.fine_max_vnd is not None else (a.fine_min_vnd or 0) for a in fined)
    return lo, hi


def needs_child_protection(result: Result) -> bool:
    """A child was found in unlawful work: an action says so (roster checks), or a knock-out was declared (in
    this award every knock-out is a child in unlawful work: below the minimum age, or a minor in prohibited work)."""
    knockouts = set(result.knockouts)
    return any(a.child_protection or (a.indicator in knockouts and a.priority == "critical")
               for a in result.remediation)


def _protocol() -> list[Any]:
    items = [Paragraph(_key("protocol.title", bold=True), PROTOCOL_TITLE),
             Paragraph(_key("protocol.intro"), BODY), Spacer(1, 4)]
    for n in range(1, 7):
        t = catalog_pair(f"protocol.step{n}")
        items.append(Paragraph(f"{n}. <b>{para(t.vi)}</b><br/>"
                               f'<font color="{EN_COLOUR}">{para(t.en)}</font>', PROTOCOL))
    box = Table([[items]], colWidths=[PAGE[0] - 2 * MARGIN])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.5, RED), ("BACKGROUND", (0, 0), (-1, -1), RED_LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return [box, Spacer(1, 8)]


def _summary(result: Result, criteria: Criteria) -> list[Any]:
    band = criteria.band(result.tier)
    tier = _text(band.label) if band else f'<font color="#a4262c"><b>{_key("plan.not_eligible")}</b></font>'
    if result.knockouts:
        kos = "<br/>".join(f"{_text(criteria.indicator(k).label)} <font color=\"{EN_COLOUR}\">({para(k)})</font>"
                           if criteria.has_indicator(k) else para(k) for k in result.knockouts)
    else:
        kos = _key("plan.none")
    exposure = fine_exposure(result.remediation)
    fines = (para(f"{vnd(exposure[0])} – {vnd(exposure[1])}") if exposure and exposure[0] != exposure[1]
             else para(vnd(exposure[0])) if exposure else _key("plan.fines_none"))
    counts = Counter(a.priority for a in result.remediation)
    actions = f"<b>{len(result.remediation)}</b>: " + _key("plan.actions_count", critical=counts["critical"],
                                                           major=counts["major"], minor=counts["minor"], )
    rows = [
        ("plan.score", f"<b>{result.total:.1f}</b> / 100"),
        ("plan.tier", tier),
        ("plan.knockouts", kos),
        ("plan.fines", fines),
        ("plan.actions", actions),
    ]
    if not result.complete:
        rows.append(("plan.incomplete", _key("plan.incomplete_count", count=len(result.unanswered))))
    sections = []
    for sid, score in result.sections.items():
        label = criteria.section(sid).label if sid in {s.id for s in criteria.sections} else Text(vi=sid, en=sid)
        value = f"{score:.1f}" if score is not None else _key("plan.section_na")
        sections.append(f"{_vi_then_en_markup(para(label.vi), para(label.en), ' / ')}: <b>{value}</b>")
    rows.append(("plan.sections", "<br/>".join(sections)))
    return [Paragraph(_key("plan.summary", bold=True), H2), _labelled(rows)]


COLUMNS = ("plan.col_no", "plan.col_priority", "plan.col_finding", "plan.col_action", "plan.col_responsible",
           "plan.col_evidence", "plan.col_legal")
WIDTHS = (20, 92, 170, 175, 74, 118, 120.9)  # sums to the frame width of landscape A4 with 36 pt margins
# with the tracked state: one more column, the text columns narrower (the same frame width)
TRACKED_WIDTHS = (20, 80, 150, 150, 70, 100, 110, 89.9)
SIZE, SMALL, LEADING = 7.4, 6.6, 9.0


def _b(text: str, bold: bool = False, grey: bool = False, size: float = SIZE) -> Block:
    return Block(text, BOLD if bold else REGULAR, size, MUTED if grey else INK)


def _text_blocks(t: Text, bold: bool = False) -> list[Block]:
    vi, en = nfc(t.vi), nfc(t.en)
    if not en or en == vi:
        return [_b(vi or en, bold)] if (vi or en) else []
    return [_b(vi, bold), _b(en, bold, grey=True)]


def _deadline_blocks(action: Action, criteria: Criteria, as_of: date) -> list[Block]:
    level = criteria.priorities.get(action.priority)
    days = action.deadline_days if action.deadline_days is not None else (level.deadline_days if level else None)
    out: list[Block] = []
    if level:
        out.append(_b(f"{nfc(level.label.vi)} / {nfc(level.label.en)}", bold=True))
    if level and days == level.deadline_days:
        out += _text_blocks(level.deadline)
    elif days == 0:
        out += _text_blocks(catalog_pair("plan.immediately"))
    elif days is not None:
        out += _text_blocks(catalog_pair("plan.within_days", days=days))
    if days is not None:
        due = catalog_pair("plan.due", date=vn_date(as_of + timedelta(days=days)))
        out += [_b(due.vi, bold=True)] + ([_b(due.en, grey=True)] if due.en != due.vi else [])
    return out


def _secondary(parts: list[str]) -> list[Block]:
    return [_b(" · ".join(parts), grey=True, size=SMALL)] if parts else []


def _finding_blocks(action: Action) -> list[Block]:
    """The title (or the finding) first; ids, the source and the place after it, small and grey."""
    out = _text_blocks(action.title, bold=True) if action.title.vi or action.title.en else []
    out += _text_blocks(action.finding)
    ref = [r for r in (action.indicator, action.rule) if r]
    if action.source in ("roster", "suppliers"):
        src = catalog_pair(f"plan.source_{action.source}")
        ref.append(f"{src.vi} / {src.en}")
    out += _secondary(ref)
    where = where_text(action)
    # a roster finding's message usually names its row and employee already
    if where is not None and where.vi.lower() not in action.finding.vi.lower():
        w = catalog_pair("plan.where")
        out += _secondary([f"{w.vi}: {where.vi}"]) + _secondary([f"{w.en}: {where.en}"])
    return out


class _Citations:
    """Supplier actions cite the risk sources by title in `legal_basis` (scoring/supplier_result.py): such a row
    refers to numbered references instead, and each source is cited once, in people's terms, after the table."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self._sources: dict[str, Any] | None = None
        self._found: dict[str, list[str]] = {}

    def sources(self) -> dict[str, Any]:
        if self._sources is None:
            from criteria.risk_tables import default_risk_data

            try:
                self._sources = dict(default_risk_data().sources)
            except Exception:  # noqa: BLE001 (the plan must render without the risk tables)
                self._sources = {}
        return self._sources

    def cited(self, basis: Text) -> list[str]:
        """The ids of the sources whose titles make up `basis` (empty: it is a legal basis, shown as it is)."""
        hit = self._found.get(basis.vi)
        if hit is None:
            hit = self._found[basis.vi] = [sid for sid, src in self.sources().items()
                                           if src.title and src.title in basis.vi]
        return hit

    def refer(self, ids: list[str]) -> str:
        for sid in ids:
            self.numbers.setdefault(sid, len(self.numbers) + 1)
        return ", ".join(f"[{self.numbers[sid]}]" for sid in ids)

    def section(self) -> list[Any]:
        if not self.numbers:
            return []
        out: list[Any] = [Paragraph(_key("plan.references", bold=True), H2)]
        for sid, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            out.append(Paragraph(f"[{n}] {para(citation(self.sources()[sid]))}", REFERENCE))
        return out


_DEV = re.compile(r"app data|commit|\.xml\b|\.csv\b|\.py\b|criteria/", re.IGNORECASE)


def citation(source: Any) -> str:
    """A source as a reader cites it: publisher and title (as the table words them), year, web address. Notes for
    the maintainers (data files, commits, file paths) are left out."""
    parts = [p for p in nfc(source.title).split("; ") if not _DEV.search(p)]
    title = re.sub(r"\s*\([^()]*(?:/|\.csv|\.xml)[^()]*\)", "", "; ".join(parts)).strip(" ;,")
    year = nfc(source.published)[:4]
    url = nfc(source.url)
    text = f"{title} ({year})" if year else title
    return f"{text}. {url}" if url.startswith(("http://", "https://")) else f"{text}."


def _legal_blocks(action: Action, cites: _Citations) -> list[Block]:
    ids = cites.cited(action.legal_basis) if action.source == "suppliers" else []
    if ids:
        label = catalog_pair("plan.sources")
        out = [_b(f"{label.vi} / {label.en}: {cites.refer(ids)}")]
    else:
        out = _text_blocks(action.legal_basis)
    lo, hi = action.fine_min_vnd, action.fine_max_vnd
    if lo is not None or hi is not None:
        amount = vnd(lo or 0) if hi is None or lo == hi else f"{vnd(lo or 0)} – {vnd(hi)}"
        label = catalog_pair("plan.fine")
        out.append(_b(f"{label.vi} / {label.en}: {amount}", bold=True))
    return out


def _status_blocks(state: TrackedState | None) -> list[Block]:
    """The tracked state of one action: status (bold), due date and the company's named owner, each in both
    languages; a dash when the action is not tracked (a draft's plan)."""
    if state is None:
        return [_b("—")]
    out = _text_blocks(catalog_pair(f"actions.status.{state.status}"), bold=True)
    if state.due is not None:
        due = catalog_pair("actions.plan.due", date=vn_date(state.due))
        out += _text_blocks(due)
    if state.owner:
        label = catalog_pair("actions.plan.owner", owner=nfc(state.owner))
        out += [_b(label.vi), _b(label.en, grey=True)] if label.en != label.vi else [_b(label.vi)]
    return out


def _actions_table(result: Result, criteria: Criteria, as_of: date,
                   tracking: Mapping[str, TrackedState] | None = None) -> list[Any]:
    columns = COLUMNS + (("actions.plan.col_status",) if tracking is not None else ())
    header = [_text_blocks(catalog_pair(k), bold=True) for k in columns]
    rows, fills = [], []
    cites = _Citations()
    for n, a in enumerate(result.remediation, 1):
        row = [[_b(str(n))], _deadline_blocks(a, criteria, as_of), _finding_blocks(a), _text_blocks(a.action),
               _text_blocks(a.responsible), _text_blocks(a.evidence), _legal_blocks(a, cites)]
        if tracking is not None:
            from accreditation.actions import action_key  # only then: the plan alone needs no store

            row.append(_status_blocks(tracking.get(action_key(a))))
        rows.append(row)
        fg, bg = PRIORITY_COLOURS.get(a.priority, (INK, HEADER_BG))
        fills.append((bg, fg))
    widths = TRACKED_WIDTHS if tracking is not None else WIDTHS
    table = FastTable(header, rows, widths, fills, leading=LEADING, pad=3)
    return [Paragraph(_key("plan.table_title", bold=True), H2), table, *cites.section()]


def render_remediation_plan(result: Result, criteria: Criteria, company: Mapping[str, Any], as_of: date,
                            review: AssessorReview | None = None, *, draft: bool = False,
                            tracking: Mapping[str, TrackedState] | None = None) -> bytes:
    """The remediation plan PDF (bytes) for `result`, as of `as_of` (deadlines count from it). Pure and
    deterministic. `company` is the answers file's company block (name, tax_code, address, province, sector);
    `review`: the assessor's decision, adjustments and comments, when an assessor has decided this version;
    `draft`: the answers are not submitted yet, so every page says so (a banner and a watermark); `tracking`: the
    tracked state of each action by its key (`accreditation.actions.action_key`), printed in a status column."""
    register_fonts()
    name = nfc(company.get("name"))
    tax = nfc(company.get("tax_code"))
    doc_title = catalog_pair("plan.doc_title")
    header = f"{doc_title.vi} / {doc_title.en} – {name}".strip(" –")
    draft_text = catalog_pair("plan.draft") if draft else None
    if draft_text is not None:
        header = f"{draft_text.vi} / {draft_text.en} – {header}"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 10, bottomMargin=MARGIN,
        title=header, author=name or CREATOR, creator=CREATOR, producer=CREATOR, lang="vi-VN", invariant=1,
        subject=nfc(f"{criteria.settings.scheme_name.vi} / {criteria.settings.scheme_name.en} – "
                    f"{result.criteria_id} {result.criteria_version}"),
        keywords=f"remediation plan, {result.criteria_id} {result.criteria_version}, {as_of.isoformat()}"
                 + (f", tax code {tax}" if tax else ""),
    )
    story: list[Any] = [Paragraph(_key("plan.title", bold=True).replace("<br/>", " · "), TITLE)]
    who = [f"<b>{para(name)}</b>"] if name else []
    if tax:
        who.append(f"{para(catalog_pair('plan.tax_code').vi)} / {para(catalog_pair('plan.tax_code').en)}: {para(tax)}")
    place = ", ".join(s for s in (nfc(company.get("address")), nfc(company.get("province"))) if s)
    if place:
        who.append(para(place))
    crit, when = catalog_pair("plan.criteria"), catalog_pair("plan.as_of")
    who.append(f"{para(crit.vi)} / {para(crit.en)}: {para(result.criteria_id)} {para(result.criteria_version)}"
               f" · {para(when.vi)} / {para(when.en)}: {vn_date(as_of)}")
    story.append(Paragraph("<br/>".join(who), SUBTITLE))

    if needs_child_protection(result):
        story += _protocol()
    story += _summary(result, criteria)
    if review is not None:
        story += _review(review)
    if result.remediation:
        story += _actions_table(result, criteria, as_of, tracking)
    else:
        story += [Spacer(1, 10), Paragraph(_key("plan.no_actions"), BODY)]

    def page_header(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, PAGE[1] - MARGIN + 2, nfc(header)[:150])
        canvas.drawRightString(PAGE[0] - MARGIN, PAGE[1] - MARGIN + 2,
                               f"{result.criteria_id} {result.criteria_version}")
        canvas.restoreState()
        if draft_text is not None:
            _draft_marks(canvas, draft_text)

    doc.build(story, onFirstPage=page_header, onLaterPages=page_header, canvasmaker=_NumberedCanvas)
    return buf.getvalue()


def _draft_marks(canvas: Canvas, text: Text) -> None:
    """A red banner above the page header and a pale diagonal watermark: a draft must not pass for a plan
    that was submitted (the banner is plain text, so it survives copying and text extraction)."""
    canvas.saveState()
    canvas.setFillColor(RED)
    canvas.setFont(BOLD, 9)
    canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - MARGIN + 14, f"{text.vi}  ·  {text.en}")
    canvas.setFillColor(RED, alpha=0.08)
    canvas.setFont(BOLD, 64)
    canvas.translate(PAGE[0] / 2, PAGE[1] / 2)
    canvas.rotate(28)
    canvas.drawCentredString(0, 0, text.vi)
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Two-pass page numbering: pages are kept until the end, when the total is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._page_number(total)
            super().showPage()
        super().save()

    def _page_number(self, total: int) -> None:
        text = catalog_pair("plan.page", page=self._pageNumber, pages=total)
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawCentredString(PAGE[0] / 2, MARGIN - 16, f"{text.vi}  ·  {text.en}")
