"""The two documents a company can hold, each one landscape A4 page, Vietnamese first and English below, with a
signed QR code: a **self-assessment statement** (amber, its title says in both languages that no assessor has
verified it, no seal) and a **verified certificate** (green and gold, a seal, naming the assessor). A brand must
not be able to mistake one for the other, on screen, on paper or in a PDF reader's document list (the metadata
title and keywords say which it is).

`render_certificate(data)` is pure (dates come in, no clock) and deterministic (`invariant=1`): the same data give
the same bytes, so the registry's SHA-256 of the PDF identifies it. `issue_certificate` records a certificate in
the registry and renders it in the same transaction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import Color, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from sqlite_utils import Database

from accreditation.reports.fonts import (
    AMBER, AMBER_LIGHT, BOLD, GOLD, GREEN, GREEN_LIGHT, INK, MUTED, REGULAR, catalog_pair, nfc, para, register_fonts,
    vn_date,
)
from accreditation.reports.qr import draw_qr
from accreditation.store import certificates as registry
from criteria.schema import Criteria, Text

PAGE_W, PAGE_H = landscape(A4)
SELF_ASSESSMENT = "self-assessment"
CREATOR = "vn-clf-award (python -m accreditation)"


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on a document. Build it with `from_certificate` from a registry entry."""

    certificate_id: str
    scheme_name: Text
    company_name: str
    tax_code: str  # as printed: a personal 12-digit ID masked (`Certificate.shown_tax_code`)
    address: str
    province: str
    tier_id: str
    tier_label: Text
    score: float
    criteria_id: str
    criteria_version: str
    issued: date
    expires: date
    issuer: str
    verified: bool  # True: a verified certificate; False: a self-assessment statement
    verification_url: str  # the signed URL in the QR code (ASCII)
    lookup_url: str  # the short address printed under it

    @classmethod
    def from_certificate(cls, cert: registry.Certificate, criteria: Criteria,
                         base_url: str | None = None) -> "CertificateData":
        band = criteria.band(cert.tier)
        return cls(
            certificate_id=cert.id, scheme_name=criteria.settings.scheme_name, company_name=cert.company_name,
            tax_code=cert.shown_tax_code, address=cert.address, province=cert.province, tier_id=cert.tier,
            tier_label=band.label if band else Text(vi=cert.tier, en=cert.tier), score=cert.score,
            criteria_id=cert.criteria_id, criteria_version=cert.criteria_version, issued=cert.issued,
            expires=cert.expires, issuer=cert.issuer, verified=cert.verified,
            verification_url=cert.verification_url(base_url), lookup_url=cert.lookup_url(base_url),
        )


@dataclass(frozen=True)
class Look:
    """What tells the two documents apart at a glance: colours, title, wording, and a seal or a stamp."""

    kind: str  # "verified" or "statement": the suffix of its catalog keys
    border: Color
    rule: Color  # the inner lines and the rule under the scheme name
    title: Color
    name: Color
    tier: Color
    box: tuple[Color, Color]  # the status box: text and fill
    ornaments: bool  # gold diamonds in the corners and a seal: a verified certificate's only


LOOKS = {
    True: Look("verified", GREEN, GOLD, INK, GREEN, GOLD, (GREEN, GREEN_LIGHT), True),
    False: Look("statement", AMBER, AMBER, AMBER, INK, AMBER, (AMBER, AMBER_LIGHT), False),
}


def status_wording(verified: bool, issuer: str) -> Text:
    if verified:
        return catalog_pair("cert.status_verified", issuer=nfc(issuer))
    return catalog_pair("cert.status_statement")


def issuer_wording(verified: bool, issuer: str) -> Text:
    if not verified and nfc(issuer) in ("", SELF_ASSESSMENT):
        return catalog_pair("cert.self_issuer")
    return Text(vi=nfc(issuer), en=nfc(issuer))


# ------------------------------------------------------------------------------------------------------ drawing


def _dotted_vi_en(key: str) -> str:
    text = catalog_pair(key)
    return f"{text.vi}  ·  {text.en}"


def _slashed_vi_en(key: str) -> str:
    text = catalog_pair(key)
    return f"{text.vi} / {text.en}"


def _fit_line(c: Canvas, text: str, font: str, size: float, max_width: float, min_size: float = 6) -> float:
    while size > min_size and stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def _centred(c: Canvas, text: str, y: float, font: str, size: float, colour=INK, max_width: float | None = None,
             x: float = PAGE_W / 2) -> None:
    text = nfc(text)
    if max_width:
        size = _fit_line(c, text, font, size, max_width)
    c.setFont(font, size)
    c.setFillColor(colour)
    c.drawCentredString(x, y, text)


def _fit_paragraph(text_markup: str, font: str, colour, width: float, height: float, start: float,
                   minimum: float = 7.0) -> Paragraph:
    """The largest centred Paragraph (down to `minimum` pt) that fits the box: long names shrink, never overflow."""
    size = start
    while True:
        style = ParagraphStyle("fit", fontName=font, fontSize=size, leading=size * 1.18, alignment=TA_CENTER,
                               textColor=colour)
        p = Paragraph(text_markup, style)
        _, h = p.wrap(width, height)
        if (h <= height and p.minWidth() <= width) or size <= minimum:
            return p
        size = max(minimum, size - (1.0 if size > 14 else 0.5))


def _box(c: Canvas, p: Paragraph, x: float, top: float, width: float, height: float) -> None:
    """Draw a fitted paragraph vertically centred in the box whose top edge is `top`."""
    _, h = p.wrap(width, height)
    p.drawOn(c, x, top - height + (height - min(h, height)) / 2)


def _frame(c: Canvas, look: Look) -> None:
    c.setFillColor(white)
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    c.setStrokeColor(look.border)
    c.setLineWidth(6)
    c.rect(16, 16, PAGE_W - 32, PAGE_H - 32, stroke=1, fill=0)
    c.setStrokeColor(look.rule)
    c.setLineWidth(1.2)
    c.rect(26, 26, PAGE_W - 52, PAGE_H - 52, stroke=1, fill=0)
    if not look.ornaments:
        return
    c.setLineWidth(0.5)
    c.rect(30, 30, PAGE_W - 60, PAGE_H - 60, stroke=1, fill=0)
    c.setFillColor(GOLD)
    for x, y in ((28, 28), (PAGE_W - 28, 28), (28, PAGE_H - 28), (PAGE_W - 28, PAGE_H - 28)):
        p = c.beginPath()
        p.moveTo(x, y - 7)
        p.lineTo(x + 7, y)
        p.lineTo(x, y + 7)
        p.lineTo(x - 7, y)
        p.close()
        c.drawPath(p, stroke=0, fill=1)


def _seal(c: Canvas, x: float, y: float, tier: Text) -> None:
    """A verified certificate's rosette: concentric gold rings with the tier in the middle."""
    c.setFillColor(GREEN_LIGHT)
    c.setStrokeColor(GOLD)
    c.setLineWidth(2)
    c.circle(x, y, 44, stroke=1, fill=1)
    c.setLineWidth(0.7)
    c.circle(x, y, 38, stroke=1, fill=0)
    c.setFillColor(GREEN)
    name = nfc(tier.vi).upper()
    size = _fit_line(c, name, BOLD, 12, 64)
    c.setFont(BOLD, size)
    c.drawCentredString(x, y + 2, name)
    en = nfc(tier.en)
    c.setFont(REGULAR, _fit_line(c, en, REGULAR, 8, 62))
    c.setFillColor(MUTED)
    c.drawCentredString(x, y - 11, en)


def _stamp(c: Canvas, x: float, y: float) -> None:
    """A statement's square stamp in place of the seal: NOT VERIFIED in both languages."""
    text = catalog_pair("cert.stamp_statement")
    c.setStrokeColor(AMBER)
    c.setFillColor(AMBER_LIGHT)
    c.setLineWidth(2)
    c.rect(x - 58, y - 30, 116, 60, stroke=1, fill=1)
    c.setFillColor(AMBER)
    c.setFont(BOLD, _fit_line(c, text.vi, BOLD, 12, 104))
    c.drawCentredString(x, y + 3, text.vi)
    c.setFont(BOLD, _fit_line(c, text.en, BOLD, 10, 104))
    c.drawCentredString(x, y - 12, text.en)


def _label_value(c: Canvas, x: float, y: float, label: Text, value: str, value_width: float) -> None:
    c.setFillColor(MUTED)
    c.setFont(REGULAR, 7.5)
    c.drawString(x, y + 10, nfc(f"{label.vi} / {label.en}"))
    c.setFillColor(INK)
    value = nfc(value)
    c.setFont(BOLD, _fit_line(c, value, BOLD, 10, value_width))
    c.drawString(x, y, value)


def _metadata(c: Canvas, data: CertificateData, look: Look) -> None:
    """Title and keywords name the kind of document, so a file list or a search cannot mistake one for the other."""
    company = nfc(data.company_name)
    doc = catalog_pair(f"cert.doc_title_{look.kind}")
    c.setTitle(nfc(f"{doc.vi} {data.certificate_id} – {company} / {doc.en} {data.certificate_id}"))
    c.setSubject(nfc(f"{data.scheme_name.vi} / {data.scheme_name.en} – {data.criteria_id} {data.criteria_version}"))
    c.setKeywords(nfc(f"{data.certificate_id}, {doc.en}, {doc.vi}, {'verified' if data.verified else 'self_assessed'}, "
                      f"{data.criteria_id} {data.criteria_version}, child labour free, tax code {data.tax_code}"))
    c.setAuthor(nfc(issuer_wording(data.verified, data.issuer).en))
    c.setCreator(CREATOR)
    c.setProducer(CREATOR)


def render_certificate(data: CertificateData) -> bytes:
    """The PDF (bytes) of a verified certificate or a self-assessment statement. Pure and deterministic."""
    register_fonts()
    look = LOOKS[bool(data.verified)]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, lang="vi-VN", pageCompression=1)
    _metadata(c, data, look)
    _frame(c, look)
    inner = PAGE_W - 2 * 60

    # Scheme and title: the title says which document this is, in both languages
    _centred(c, data.scheme_name.vi, PAGE_H - 70, BOLD, 16, look.border, inner)
    _centred(c, data.scheme_name.en, PAGE_H - 87, REGULAR, 10.5, MUTED, inner)
    c.setStrokeColor(look.rule)
    c.setLineWidth(0.8)
    c.line(PAGE_W / 2 - 120, PAGE_H - 99, PAGE_W / 2 + 120, PAGE_H - 99)
    title = catalog_pair(f"cert.title_{look.kind}")
    if look.ornaments:
        _centred(c, title.vi, PAGE_H - 132, BOLD, 27, look.title, inner)
        _centred(c, title.en, PAGE_H - 150, BOLD, 12, MUTED, inner)
    else:  # a band of amber behind a title that says twice: not verified
        c.setFillColor(AMBER_LIGHT)
        c.setStrokeColor(AMBER)
        c.setLineWidth(0.8)
        c.rect(60, PAGE_H - 157, inner, 50, stroke=1, fill=1)
        _centred(c, title.vi, PAGE_H - 131, BOLD, 22, look.title, inner - 20)
        _centred(c, title.en, PAGE_H - 149, BOLD, 12, look.title, inner - 20)
    _centred(c, _dotted_vi_en(f"cert.lead_{look.kind}"), PAGE_H - 176, REGULAR, 10, MUTED, inner)

    # Company name: shrinks to fit its box
    name_w, name_h = inner - 40, 62
    name = _fit_paragraph(para(data.company_name), BOLD, look.name, name_w, name_h, 26)
    _box(c, name, (PAGE_W - name_w) / 2, PAGE_H - 182, name_w, name_h)

    place = ", ".join(s for s in (nfc(data.address), nfc(data.province)) if s)
    details = f"{para(_slashed_vi_en('cert.tax_code'))}: <b>{para(data.tax_code)}</b>"
    if place:
        details += f"<br/>{para(place)}"
    info = _fit_paragraph(details, REGULAR, INK, name_w, 30, 9.5, 6)
    _box(c, info, (PAGE_W - name_w) / 2, PAGE_H - 248, name_w, 30)

    # Tier and score
    _centred(c, _dotted_vi_en(f"cert.attained_{look.kind}"), PAGE_H - 294, REGULAR, 10, MUTED, inner)
    tier = nfc(data.tier_label.vi)
    _centred(c, tier.upper(), PAGE_H - 322, BOLD, 24, look.tier, inner)
    _centred(c, nfc(data.tier_label.en), PAGE_H - 339, REGULAR, 11, INK, inner)
    _centred(c, f"{_slashed_vi_en('cert.score')}: {data.score:.1f} / 100", PAGE_H - 358, BOLD, 10.5, INK)

    # Details (left), seal or stamp (centre), QR code (right)
    left, col = 64, 180
    base = 162
    _label_value(c, left, base, catalog_pair(f"cert.id_{look.kind}"), data.certificate_id, col - 10)
    _label_value(c, left + col, base, catalog_pair("cert.criteria"),
                 f"{data.criteria_id} {data.criteria_version}", col - 10)
    _label_value(c, left, base - 32, catalog_pair("cert.issued"), vn_date(data.issued), col - 10)
    _label_value(c, left + col, base - 32, catalog_pair(f"cert.valid_until_{look.kind}"), vn_date(data.expires),
                 col - 10)
    who = issuer_wording(data.verified, data.issuer)
    _label_value(c, left, base - 64, catalog_pair(f"cert.issued_by_{look.kind}"),
                 who.vi if who.vi == who.en else f"{who.vi} / {who.en}", 2 * col - 10)

    status = status_wording(data.verified, data.issuer)
    fg, bg = look.box
    c.setFillColor(bg)
    c.setStrokeColor(fg)
    c.setLineWidth(0.8)
    c.roundRect(left, 50, 2 * col - 10, 32, 4, stroke=1, fill=1)
    box = _fit_paragraph(f"<b>{para(status.vi)}</b><br/>{para(status.en)}", REGULAR, fg, 2 * col - 26, 28, 8.5, 5)
    _box(c, box, left + 8, 80, 2 * col - 26, 28)

    if look.ornaments:
        _seal(c, PAGE_W / 2 + 90, 112, data.tier_label)
    else:
        _stamp(c, PAGE_W / 2 + 90, 112)

    qr = 140
    qx, qy = PAGE_W - 56 - qr, 58
    c.setFillColor(INK)
    draw_qr(c, data.verification_url, qx, qy, qr, "M")
    _centred(c, _dotted_vi_en("cert.scan"), qy - 2, BOLD, 7.5, INK, qr + 40, x=qx + qr / 2)
    _centred(c, data.lookup_url, qy - 12, REGULAR, 6.5, MUTED, qr + 60, x=qx + qr / 2)

    c.showPage()
    c.save()
    return buf.getvalue()


def issue_certificate(db: Database, criteria: Criteria, draft: registry.CertificateDraft,
                      base_url: str | None = None) -> tuple[registry.Certificate, bytes]:
    """Record a document (a verified certificate or a self-assessment statement, as `draft.verified` says) in the
    registry and render its PDF (the registry keeps the PDF and its SHA-256)."""
    return registry.issue(db, draft, lambda cert: render_certificate(
        CertificateData.from_certificate(cert, criteria, base_url)))
