"""The company's home and profile pages."""

from __future__ import annotations

import streamlit as st

from accreditation import accounts, self_assessment, workflow
from accreditation.display import day
from accreditation.ui import common
from accreditation.ui.common import ui_text


def organisation(org_id: int) -> dict:
    return common.db()["organisations"].get(org_id)


def home_page() -> None:
    actor = common.current_actor()
    org = organisation(actor.organisation_id)
    st.title(ui_text("home.welcome", name=common.md(actor.name)))
    if actor.role != "sme":
        key = f"home.role_intro_{actor.role}"
        st.write(ui_text(key, org=common.md(org["name"]), code=common.md(org.get("invite_code")) or "—"))
        return
    st.write(ui_text("home.org", org=common.md(org["name"])))
    st.caption(ui_text("home.steps"))
    _certificate_notice(actor.organisation_id)
    latest = workflow.latest(common.db(), actor.organisation_id)
    if latest is not None and latest["status"] in ("changes_requested", "rejected") and latest["decision_comment"]:
        st.warning(ui_text("docs.decision", comment=common.md(latest["decision_comment"])))
    if latest is None:
        st.info(ui_text("home.no_assessment"))
    else:
        result = workflow.stored_result(latest) or workflow.evaluate(
            common.db(), latest["id"], workflow.criteria_for(common.db(), latest, common.criteria()))
        p = self_assessment.progress(result)
        st.info(ui_text("home.current", version=latest["version"], status=workflow.status_label(latest["status"],
                                                                                            common.lang()),
                   answered=p.answered, total=p.asked, remaining=p.remaining, score=f"{latest['total'] or 0:g}"))
    st.page_link("accreditation/ui/pages/questionnaire.py", label=ui_text("home.start"), icon=":material/edit_note:")


def _certificate_notice(organisation_id: int) -> None:
    """The company's current document: suspended, expired or revoked → say so plainly; expiring soon →
    re-assess; a self-assessment statement → say that it is not verified."""
    from datetime import date

    from accreditation.store import certificates as registry

    org = organisation(organisation_id)
    cert = registry.current(common.db(), org.get("tax_code"), organisation_id)
    if cert is None:
        return
    today = date.today()
    status = cert.status(today)
    days = (cert.expires - today).days
    kind = ui_text(f"company.kind_{cert.assurance}")
    if status in ("revoked", "expired", "suspended"):
        st.error(ui_text(f"company.status_{status}", kind=kind, id=cert.id, expires=day(cert.expires),
                    reason=common.md(cert.suspended_reason or cert.revoked_reason or "")))
    elif days <= common.criteria().settings.expiry_notice_days:  # the same window a brand's portfolio uses
        st.warning(ui_text("home.cert_expiring", id=cert.id, date=day(cert.expires), days=days))
    elif cert.verified:
        st.success(ui_text("home.cert_active", id=cert.id, date=day(cert.expires)))
    else:
        st.info(ui_text("company.status_active", kind=kind, id=cert.id, expires=day(cert.expires)))


def profile_page() -> None:
    from accreditation.store.accounts import LEGAL_FORMS
    from criteria.provinces import load_provinces, match_province
    from scoring.tax_codes import classify

    actor = common.current_actor()
    database = common.db()
    org = organisation(actor.organisation_id)
    c = common.criteria()
    st.title(ui_text("profile.heading"))
    sectors = [ch for ch in c.lists["sector"].choices] if "sector" in c.lists else []
    provinces = [p.name for p in load_provinces().current]  # the 34 units since 1 July 2025
    match = match_province(org["province"]) if org["province"] else None
    current_province = match.name if match else None
    with st.form("profile"):
        name = st.text_input(ui_text("profile.name"), value=org["name"] or "")
        tax_code = st.text_input(ui_text("profile.tax_code"), value=org["tax_code"] or "")
        address = st.text_input(ui_text("profile.address"), value=org["address"] or "")
        province = st.selectbox(ui_text("profile.province"), options=provinces,
                                index=provinces.index(current_province) if current_province in provinces else None,
                                placeholder=ui_text("profile.choose"))
        sector_names = [ch.name for ch in sectors]
        sector = st.selectbox(ui_text("profile.sector"), options=sector_names,
                              index=sector_names.index(org["sector"]) if org["sector"] in sector_names else None,
                              format_func=lambda n: common.localised(next(ch.label for ch in sectors if ch.name == n)),
                              placeholder=ui_text("profile.choose"))
        left, right = st.columns(2)
        size = left.number_input(ui_text("profile.size"), min_value=0, step=1, value=org["size"],
                                 help=ui_text("profile.size_help"))
        legal_form = right.selectbox(ui_text("profile.legal_form"), options=list(LEGAL_FORMS),
                                     index=LEGAL_FORMS.index(org.get("legal_form"))
                                     if org.get("legal_form") in LEGAL_FORMS else None,
                                     format_func=lambda f: ui_text(f"profile.legal_form_{f}"),
                                     placeholder=ui_text("profile.choose"), help=ui_text("profile.legal_form_help"))
        products = st.text_area(ui_text("profile.products"), value=org["products"] or "")
        saved = st.form_submit_button(ui_text("profile.save"), type="primary")
    if not saved:
        return
    if not name.strip():
        st.error(ui_text("profile.name_required"))
        return
    if tax_code.strip() and not classify(tax_code).valid:
        st.error(ui_text("profile.tax_invalid", value=tax_code.strip()))
        return
    accounts.update_organisation(database, actor, org["id"], {
        "name": name, "tax_code": tax_code.strip(), "address": address, "province": province, "sector": sector,
        "size": int(size) if size is not None else None, "legal_form": legal_form, "products": products})
    latest = workflow.latest(database, org["id"])
    if latest is not None:  # the profile answers its questions in the draft too (sector, size, legal form)
        self_assessment.sync_profile_answers(database, actor, latest, workflow.criteria_for(database, latest, c),
                                             organisation(org["id"]))
    st.success(ui_text("profile.saved"))
