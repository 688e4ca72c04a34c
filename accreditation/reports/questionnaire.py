"""The questionnaire on paper (A4, the reader's language): every section and question with its choices as boxes to
tick, the condition that opens a follow-up question, guidance and legal basis. For a workshop that answers on paper
and enters the answers later (in the app or the offline workbook). Draws the criteria only, no company data."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accreditation.offline.layout import (
    condition_words,
    derivation_source,
    offered,
    t,
    text_in,
)
from accreditation.reports.fonts import (
    BOLD,
    GREEN,
    GRID,
    INK,
    MUTED,
    RED,
    REGULAR,
    nfc,
    para,
    register_fonts,
    vn_date,
)
from criteria.schema import Criteria, Indicator

CREATOR = "vn-clf-award (python -m accreditation)"
MARGIN = 42
BOX = "☐"  # U+2610, in DejaVu Sans


def _style(name: str, size: float = 9.5, font: str = REGULAR, colour=INK, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3, textColor=colour, **kw)


TITLE = _style("title", 17, BOLD, GREEN, spaceAfter=4)
SUB = _style("sub", 9, colour=MUTED, spaceAfter=6)
BODY = _style("body", 9.5, spaceAfter=4)
H2 = _style("h2", 12.5, BOLD, GREEN, spaceBefore=10, spaceAfter=4)
SECTION_NOTE = _style("section_note", 9, colour=MUTED, spaceAfter=6)
QUESTION = _style("question", 10, BOLD, spaceAfter=2)
CONDITION = _style("condition", 8.8, colour=RED, spaceAfter=2)
CHOICE = _style("choice", 10, leftIndent=14, spaceAfter=1)
SMALL = _style("small", 8.2, colour=MUTED, spaceAfter=1)


def _question(criteria: Criteria, ind: Indicator, lang: str) -> list[Any]:
    parts: list[Any] = []
    critical = f' <font color="#a4262c">({para(t("critical", lang))})</font>' if ind.critical else ""
    parts.append(Paragraph(f"{para(ind.id)} · {para(text_in(ind.label, lang))}{critical}", QUESTION))
    if ind.relevant:  # the follow-up's condition stands out; the other notes are quiet
        parts.append(Paragraph(para(t("when_only_if", lang, condition=condition_words(criteria, ind.relevant, lang))),
                               CONDITION))
    if derivation_source(ind):
        parts.append(Paragraph(para(t("when_derivable", lang, source=t(f"source_{derivation_source(ind)}", lang))),
                               SMALL))
    if ind.kind == "select_multiple":
        parts.append(Paragraph(para(t("kind_select_multiple", lang)), SMALL))
    choices = offered(criteria, ind)
    if choices:
        parts.append(Paragraph("&nbsp;&nbsp;&nbsp;&nbsp;".join(f"{BOX} {para(text_in(c.label, lang))}"
                                                              for c in choices), CHOICE))
    else:
        parts.append(Paragraph(para(t("pdf_write", lang)), CHOICE))
    if ind.guidance:
        parts.append(Paragraph(f"<b>{para(t('pdf_guidance', lang))}</b> {para(text_in(ind.guidance, lang))}", SMALL))
    if ind.legal_basis:
        parts.append(Paragraph(f"<b>{para(t('pdf_legal', lang))}</b> {para(text_in(ind.legal_basis, lang))}", SMALL))
    table = Table([[parts]], colWidths=[A4[0] - 2 * MARGIN])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GRID), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return [table, Spacer(1, 5)]


def render(criteria: Criteria, lang: str = "vi", today: date | None = None) -> bytes:
    """The printable questionnaire as PDF bytes."""
    register_fonts()
    buf = io.BytesIO()
    title = t("pdf_title", lang)
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=nfc(f"{title} {criteria.version}"), creator=CREATOR,
                            author=nfc(text_in(criteria.settings.scheme_name, lang)), lang=lang)
    story: list[Any] = [
        Paragraph(para(title), TITLE),
        Paragraph(para(text_in(criteria.settings.scheme_name, lang)), BODY),
        Paragraph(para(t("pdf_version", lang, criteria=criteria.settings.criteria_id, version=criteria.version,
                         day=vn_date(today or date.today()))), SUB),
        Paragraph(para(t("pdf_intro", lang)), BODY),
        Spacer(1, 6),
        Paragraph(para(t("pdf_company", lang)), BODY),
    ]
    for section in criteria.sections:
        indicators = criteria.indicators_in(section.id)
        if not indicators:
            continue
        head: list[Any] = [Paragraph(f"{para(section.id)} · {para(text_in(section.label, lang))}", H2)]
        if section.description:
            head.append(Paragraph(para(text_in(section.description, lang)), SECTION_NOTE))
        # the heading goes with its first question, never alone at the foot of a page
        story.append(KeepTogether(head + _question(criteria, indicators[0], lang)))
        story += [KeepTogether(_question(criteria, ind, lang)) for ind in indicators[1:]]

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN / 2, nfc(f"{title} · {criteria.settings.criteria_id} {criteria.version}"))
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, nfc(t("pdf_page", lang, page=canvas.getPageNumber())))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
