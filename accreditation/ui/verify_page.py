"""The public verification page (no sign-in): a certificate id, the URL in its QR code, or the PDF itself."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import streamlit as st

from accreditation.ui import common
from accreditation.ui.common import tr
from accreditation.verify import Verification, verify

SHOW = {"valid": st.success, "expired": st.warning, "revoked": st.error, "not_genuine": st.error,
        "unknown": st.error}
DETAILS = ("company_name", "tax_code", "province", "tier", "score", "criteria_version", "issued", "expires",
           "issuer", "verified", "revoked_at", "revoked_reason")


def _from_url() -> str:
    """The QR code opens /?verify=ID&p=…&s=…: rebuild what it carried."""
    params = {k: st.query_params.get(k) for k in ("verify", "p", "s") if st.query_params.get(k)}
    if "p" in params or "s" in params:
        return "?" + urlencode(params)
    return params.get("verify", "")


def _show(result: Verification) -> None:
    SHOW.get(result.status, st.error)(result.message(common.lang()))
    if result.signature_checked:
        st.caption(tr("verifypage.signature_ok") if result.signature_valid else tr("verifypage.signature_bad"))
    rows = []
    for key in DETAILS:
        value = result.details.get(key)
        if value in (None, ""):
            continue
        if key == "verified":
            value = tr("verifypage.verified_yes") if value else tr("verifypage.verified_no")
        if key == "tier":
            band = common.criteria().band(str(value))
            value = common.txt(band.label) if band else value
        rows.append({tr("verifypage.field"): tr(f"verifypage.{key}"), tr("verifypage.value"): str(value)[:200]})
    if result.certificate_id:
        st.subheader(result.certificate_id)
    if rows:
        st.table(rows)


def verify_page() -> None:
    st.title(tr("verifypage.heading"))
    st.write(tr("verifypage.intro"))
    code = st.text_input(tr("verifypage.input"), value=_from_url(), placeholder="VN-CLF-2026-000123",
                         key="verify_input")
    pdf = st.file_uploader(tr("verifypage.pdf"), type=["pdf"], key="verify_pdf", max_upload_size=10)
    today = date.today()
    if pdf is not None:
        _show(verify(pdf.getvalue(), common.db(), today))
    elif code.strip():
        _show(verify(code.strip(), common.db(), today))
