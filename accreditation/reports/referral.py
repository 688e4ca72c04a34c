"""The referral letter of a child-labour case: a one-page Vietnamese letter (A4) from the company to the labour
agency of its province (criteria/law/agencies.csv; copied to the child-protection agency), filled from the case:
its code, the day found, the date of each step, the 111 hotline. It never names the child: the employee code is
the only reference, and the company gives the rest to the agency directly when asked.

Pure: `render` draws what it is given; `letter` reads the case (with the reader's permission) and the agencies."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accreditation.i18n import catalog_text
from accreditation.reports.fonts import BOLD, GRID, HEADER_BG, INK, MUTED, REGULAR, nfc, para, register_fonts, vn_date

CREATOR = "vn-clf-award (python -m accreditation)"
MARGIN = 56


def _style(name: str, size: float = 10.5, font: str = REGULAR, colour=INK, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3, textColor=colour, **kw)


BODY = _style("body", spaceAfter=6)
SMALL = _style("small", 8.5, colour=MUTED)
CENTRE = _style("centre", 11, BOLD, alignment=TA_CENTER)
CENTRE_SMALL = _style("centre_small", 10.5, alignment=TA_CENTER)
RIGHT = _style("right", 10.5, alignment=TA_RIGHT)
BOLD_BODY = _style("bold", 10.5, BOLD, spaceAfter=4)
CELL = _style("cell", 9.2)
HEAD = _style("head", 9.2, BOLD)


def _t(key: str, **params: object) -> str:
    return para(catalog_text(f"referral.{key}", "vi", **params))


def render(case: dict[str, Any], company: dict[str, Any], agencies: Any | None, day: date) -> bytes:
    """The letter as PDF bytes. `case`: a case as `cases.get_case` returns it (with `states`); `company`: the
    organisation row; `agencies`: the province's `criteria.provinces.Agencies`, or None for the neutral wording."""
    from accreditation.cases import STEPS
    from criteria.provinces import NEUTRAL_LABOUR, match_province

    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=nfc(f"Thư chuyển trường hợp {case['code']}"),
                            author=nfc(company.get("name")), creator=CREATOR, subject=nfc(case["code"]))
    matched = match_province(case.get("province") or company.get("province"))
    province = matched.province.full_name if matched else catalog_text("referral.province_unknown", "vi")
    states = {s["step"]: s for s in case["states"]}
    labour = agencies.labour[0] if agencies else NEUTRAL_LABOUR[0]

    story: list[Any] = []
    head = Table([[Paragraph(para(company.get("name") or ""), _style("co", 10.5, BOLD, alignment=TA_CENTER)),
                   Paragraph(f"{_t('nation')}<br/>{_t('motto')}", CENTRE)],
                  [Paragraph(_t("number", code=case["code"]), CENTRE_SMALL),
                   Paragraph(_t("place_date", province=province, d=day.day, m=day.month, y=day.year),
                             _style("pd", 10.5, alignment=TA_CENTER))]],
                 colWidths=[170, None])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story += [head, Spacer(1, 8), Paragraph(_t("subject"), _style("subj", 10.5, BOLD, alignment=TA_CENTER)),
              Spacer(1, 10), Paragraph(_t("to", agency=labour), BOLD_BODY)]
    if agencies:
        story.append(Paragraph(_t("cc", agency=agencies.child[0]), BODY))
    found = date.fromisoformat(case["found_on"][:10])
    place = catalog_text(f"referral.place_{case.get('place') or 'company'}", "vi")
    story += [Spacer(1, 4),
              Paragraph(_t("intro", company=company.get("name") or "", tax_code=company.get("tax_code") or "—",
                           address=company.get("address") or "—", found=vn_date(found), place=place,
                           code=case["code"]), BODY),
              Paragraph(_t("privacy", ref=case["employee_ref"]), BODY),
              Paragraph(_t("steps_heading"), BOLD_BODY)]
    rows = [[Paragraph(_t("col_step"), HEAD), Paragraph(_t("col_date"), HEAD), Paragraph(_t("col_note"), HEAD)]]
    for n, step in enumerate(STEPS, start=1):
        s = states.get(step.id) or {}
        if s.get("done_on"):
            when = vn_date(s["done_on"])
            note = _t("not_possible", note=s.get("note") or "") if s.get("outcome") == "not_possible" else \
                para(s.get("note") or "")
        else:
            when = _t("not_yet", due=vn_date(s["due"])) if s.get("due") else _t("not_yet_waiting")
            note = ""
        label = para(catalog_text(f"cases.step_{step.id}", "vi"))
        rows.append([Paragraph(f"{n}. {label}", CELL), Paragraph(when, CELL), Paragraph(note, CELL)])
    table = Table(rows, colWidths=[190, 110, None], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    hotline = states.get("hotline") or {}
    told = _t("hotline_done", date=vn_date(hotline["done_on"])) if hotline.get("done_on") else _t("hotline_not")
    story += [table, Spacer(1, 8), Paragraph(_t("hotline", state=told), BODY), Paragraph(_t("request"), BODY),
              Paragraph(_t("contact"), BODY), Spacer(1, 6),
              Paragraph(f"<b>{_t('signature')}</b><br/>{_t('signature_hint')}", _style("sig", 10.5,
                                                                                         alignment=TA_CENTER,
                                                                                         leftIndent=240)),
              Spacer(1, 48)]
    basis = agencies.legal_basis[0] if agencies else catalog_text("cases.letter_no_province", "vi")
    story += [Paragraph(_t("basis", basis=basis), SMALL), Paragraph(_t("generated", date=vn_date(day)), SMALL)]
    doc.build(story)
    return buf.getvalue()


def letter(db: Any, actor: Any, case_id: int, day: date | None = None) -> bytes:
    """The letter of a case the reader may see (case.view), addressed from the criteria data for its province."""
    from accreditation import cases
    from criteria.provinces import agencies_for

    when = day or date.today()
    case = cases.get_case(db, actor, case_id, as_of=when)
    company = db["organisations"].get(case["organisation_id"])
    return render(case, company, agencies_for(case.get("province") or company.get("province"), when), when)


def addressee(province: str | None, day: date | None = None) -> str:
    """Who the letter goes to, in Vietnamese (for the page to say before the download)."""
    from criteria.provinces import NEUTRAL_LABOUR, agencies_for

    found = agencies_for(province, day or date.today())
    return found.labour[0] if found else NEUTRAL_LABOUR[0]
