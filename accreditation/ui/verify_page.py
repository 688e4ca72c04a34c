"""The public verification page (no sign-in): a document id, the URL in its QR code, or the PDF itself.

The answer's first line is the assurance: green only for a valid verified certificate, amber for a
self-assessment statement (valid, but nobody checked it), red for suspended, superseded, revoked, expired or not
genuine. The details below never decide what the reader takes away."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from accreditation.display import day, moment
from accreditation.reports.certificate import issuer_wording
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.ui.uploader import file_input
from accreditation.verify import Verification, verify

SHOW = {"green": st.success, "amber": st.warning, "red": st.error}
BADGE_COLOUR = {"verified": "green", "self_assessed": "orange"}
# Labels: the first are the page's long-standing texts, the rest (a document's later life) the verify catalog's.
DETAILS = {
    "company_name": "verifypage.company_name", "tax_code": "verifypage.tax_code",
    "province": "verifypage.province", "tier": "verifypage.tier", "score": "verifypage.score",
    "criteria_version": "verifypage.criteria_version", "issued": "verifypage.issued",
    "expires": "verifypage.expires", "issuer": "verifypage.issuer",
    "superseded_by": "verify.page.superseded_by", "superseded_at": "verify.page.superseded_at",
    "suspended_at": "verify.page.suspended_at", "suspended_reason": "verify.page.suspended_reason",
    "revoked_at": "verifypage.revoked_at", "revoked_reason": "verifypage.revoked_reason",
}


def _from_url() -> str:
    """The QR code opens /?verify=ID&p=…&s=…: rebuild what it carried."""
    params = {k: st.query_params.get(k) for k in ("verify", "p", "s") if st.query_params.get(k)}
    if "p" in params or "s" in params:
        return "?" + urlencode(params)
    return params.get("verify", "")


def _show(result: Verification) -> None:
    if result.assurance:  # what kind of document, first; coloured only while it is valid
        st.badge(ui_text(f"verify.page.badge_{result.assurance}"),
                 color=BADGE_COLOUR[result.assurance] if result.ok else "gray")
    SHOW[result.tone](common.md(result.message(common.lang())))
    if result.successor_id:
        st.markdown(ui_text("verify.page.successor", id=result.successor_id, link=f"?verify={result.successor_id}"))
    if result.signature_checked:
        st.caption(ui_text("verifypage.signature_ok") if result.signature_valid else ui_text("verifypage.signature_bad"))
    rows = []
    for key, label in DETAILS.items():
        value = result.details.get(key)
        if value in (None, ""):
            continue
        if key == "tier":
            band = common.criteria().band(str(value))
            value = common.localised(band.label) if band else value
        if key == "issuer":
            value = _issuer(result, str(value))
        elif key in ("issued", "expires"):
            value = day(value)
        elif key.endswith("_at"):
            value = moment(value)
        rows.append({ui_text("verifypage.field"): ui_text(label), ui_text("verifypage.value"): str(value)[:200]})
    if result.certificate_id:
        st.subheader(result.certificate_id)
    if rows:
        st.table(rows)


def _issuer(result: Verification, issuer: str) -> str:
    """Who issued it, in words: the company itself for a statement ("self-assessment" is a code), else the body."""
    text = getattr(result, "issuer_text", None)  # the verify result's own wording, where it offers one
    if text:
        return text.get(common.lang()) or issuer
    return common.localised(issuer_wording(result.assurance == "verified", issuer))


# Lookups of different documents per client (IP address) per hour. A person checks a handful; listing the registry
# (ids are sequential) with each document's status and revocation reason takes thousands.
LOOKUPS_PER_HOUR = 60
_lookups: dict[str, deque[float]] = {}
_lookups_lock = threading.Lock()


def _client() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # no request (a bare run)
        ip = None
    return ip if isinstance(ip, str) and ip else "session:" + str(id(st.session_state))


def _may_look_up(value: str | bytes) -> bool:
    """False once this client has looked up LOOKUPS_PER_HOUR different documents within the hour; the same one
    again (a rerun, a language switch) is free."""
    digest = hashlib.sha256(value if isinstance(value, bytes) else value.encode()).hexdigest()
    done = st.session_state.setdefault("_verified", set())
    if digest in done:
        return True
    now = time.monotonic()
    with _lookups_lock:
        recent = _lookups.setdefault(_client(), deque())
        while recent and recent[0] < now - 3600:
            recent.popleft()
        if len(recent) >= LOOKUPS_PER_HOUR:
            return False
        recent.append(now)
    done.add(digest)
    return True


def _check(value: str | bytes, today: date) -> None:
    if not _may_look_up(value):
        st.warning(ui_text("verifypage.too_many", limit=LOOKUPS_PER_HOUR))
        return
    _show(verify(value, common.db(), today))


def verify_page() -> None:
    st.title(ui_text("verifypage.heading"))
    st.write(ui_text("verifypage.intro"))
    code = st.text_input(ui_text("verifypage.input"), value=_from_url(), placeholder="VN-CLF-2026-000123",
                         key="verify_input")
    pdf = file_input(ui_text("verifypage.pdf"), key="verify-pdf", kinds=("pdf",), max_mb=10)
    today = date.today()
    if pdf is not None:
        _check(pdf.getvalue(), today)
    elif code.strip():
        _check(code.strip(), today)
