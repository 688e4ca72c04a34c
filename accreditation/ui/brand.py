"""The brand's portfolio page: its suppliers' submitted results, documents (assurance and status), standing
rejections and re-assessment dates; filters, sorting, charts, a drill-down per supplier, and CSV/XLSX downloads.
A self-assessment statement is shown as such (amber), never as a certificate.

The data is one SQL query (`accreditation.portfolio.query`), cached per (database, brand, data version, day,
criteria settings): the data version (`portfolio.data_version`) moves with submissions, decisions, certificates,
shares and profile changes, not with SMEs autosaving drafts, so a rerun that only changes a filter, the sort or the
page costs no database work. The expiry window and the re-assessment months are the criteria settings
`expiry_notice_days` and `reassess_without_document_months`, the same every page uses."""

from __future__ import annotations

import math
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from accreditation import actions
from accreditation import portfolio as pf
from accreditation import workflow
from accreditation.ui import actions as actions_ui
from accreditation.display import SEVERITY_COLOURS, day, severity_label
from accreditation.wording import rule_title
from accreditation.store import certificates as registry
from accreditation.permissions import require
from accreditation.ui import common, result_panel
from accreditation.ui.common import ui_text
from criteria.schema import Settings

PAGE_SIZES = (25, 50, 100, 500)
# Bars: the table's severity shading (critical darkest) with its text colour as the outline, so the palest level
# still shows on white; "no supplier list" grey.
RISK_COLOURS = {level: SEVERITY_COLOURS[level] for level in pf.RISK_LEVELS if level in SEVERITY_COLOURS}
RISK_COLOURS["not_checked"] = ("#e2e8f0", "#4a5568")
TIER_COLOUR = ("#bee3f8", "#1a365d")
# Marks in front of the table's words (a Styler costs as much as the rest of a 500-row page): a self-assessment
# statement amber, a verified certificate green, a document not in force red or grey.
ASSURANCE_MARK = {"verified": "🟢", "self_assessed": "🟠"}
STATUS_MARK = {"suspended": "🔴", "revoked": "🔴", "expired": "⚪", "superseded": "⚪"}


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _portfolio(brand_id: int, version: tuple, as_of: str, settings: Settings) -> tuple[pd.DataFrame, int]:
    df = pf.portfolio(common.db(), brand_id, date.fromisoformat(as_of), settings)
    return df, int(df.attrs.get("awaiting", 0))


def load(brand_id: int, as_of: date, settings: Settings) -> tuple[pd.DataFrame, int]:
    return _portfolio(brand_id, pf.data_version(common.db(), brand_id), as_of.isoformat(), settings)


def _fmt_day(value) -> str:
    return day(None if value is None or pd.isna(value) else value)


def portfolio_page() -> None:
    actor = common.current_actor()
    require(actor, "page.portfolio")
    database = common.db()
    criteria = common.criteria()
    lang = common.lang()
    as_of = date.today()
    brand = database["organisations"].get(actor.organisation_id)
    st.title(common.role_text("brand.heading", actor.role))
    st.markdown(common.role_text("brand.intro", actor.role, brand=brand["name"], code=brand.get("invite_code") or "—"))
    df, awaiting = load(actor.organisation_id, as_of, criteria.settings)
    if awaiting:
        st.info(ui_text("brand.awaiting", count=awaiting))
    if df.empty:
        st.info(ui_text("brand.empty"))
        return
    _metrics(df, criteria.settings, actor.role)
    view = _filters(df, criteria, as_of)
    st.caption(ui_text("brand.as_of", date=day(as_of)) + " " + ui_text("brand.privacy"))
    if view.empty:
        st.warning(ui_text("brand.no_match"))
        return
    _charts(view, criteria)
    page = _table(view, criteria, lang, as_of)
    _downloads(view, criteria, lang, as_of)
    _drill_down(actor, database, page, criteria, as_of)


def _metrics(df: pd.DataFrame, settings: Settings, role: str) -> None:
    cols = [c for _ in range(2) for c in st.columns(3)]  # two rows of three: six in a row cut the labels short
    cols[0].metric(common.role_text("brand.m_suppliers", role), f"{len(df):,}".replace(",", "."))
    cols[1].metric(ui_text("brand.m_active"), int(pf.certified(df).sum()))  # verified certificates only
    cols[2].metric(ui_text("brand.m_self"), int(((df["certificate_status"] == "active")
                                            & (df["assurance"] == "self_assessed")).sum()))
    cols[3].metric(ui_text("brand.m_knockouts"), int((df["knockout_count"] > 0).sum()))
    days = settings.expiry_notice_days
    cols[4].metric(ui_text("brand.m_expiring", days=days), len(pf.expiring(df, days)))
    cols[5].metric(ui_text("brand.m_overdue"), int(df["reassessment_overdue"].sum()))


def _options(series: pd.Series) -> list[str]:
    return sorted(series.dropna().unique().tolist(), key=str.casefold)


def _filters(df: pd.DataFrame, criteria, as_of: date) -> pd.DataFrame:
    lang = common.lang()
    tiers = pf.tier_labels(criteria, lang)
    sectors = pf.sector_labels(criteria, lang)
    with st.expander(ui_text("brand.filters"), expanded=True):
        search = st.text_input(ui_text("brand.search"), key="pf_search")
        c1, c2, c3 = st.columns(3)
        tier_opts = [b.id for b in reversed(criteria.bands)] + ["none"]
        tier = c1.multiselect(ui_text("brand.f_tier"), tier_opts, key="pf_tier", placeholder=ui_text("app.all"),
                              format_func=lambda v: tiers.get(None if v == "none" else v, v))
        risk = c2.multiselect(ui_text("brand.f_risk"), list(pf.RISK_LEVELS), key="pf_risk", placeholder=ui_text("app.all"),
                              format_func=lambda v: ui_text(f"brand.risk.{v}"))
        cert = c3.multiselect(ui_text("brand.f_cert"), list(pf.CERTIFICATE_STATUSES), key="pf_cert", placeholder=ui_text("app.all"),
                              format_func=lambda v: ui_text(f"brand.cert.{v}"))
        c4, c5, c6 = st.columns(3)
        assurance = c4.multiselect(ui_text("brand.f_assurance"), list(pf.ASSURANCES), key="pf_assurance",
                                   placeholder=ui_text("app.all"), format_func=lambda v: ui_text(f"brand.assurance.{v}"))
        province = c5.multiselect(ui_text("brand.f_province"), _options(df["province"]), key="pf_province", placeholder=ui_text("app.all"))
        sector = c6.multiselect(ui_text("brand.f_sector"), _options(df["sector"]), key="pf_sector", placeholder=ui_text("app.all"),
                                format_func=lambda v: sectors.get(v, v))
        k1, k2 = st.columns(2)
        knockouts = k1.checkbox(ui_text("brand.f_knockouts"), key="pf_knockouts")
        rejected = k2.checkbox(ui_text("brand.f_rejected"), key="pf_rejected")
        s1, s2 = st.columns([3, 1])
        sort_by = s1.selectbox(ui_text("brand.sort_by"), list(pf.SORT_KEYS), key="pf_sort",
                               format_func=lambda v: ui_text(f"brand.sort.{v}"))
        descending = s2.toggle(ui_text("brand.descending"), key="pf_desc")
    view = pf.filter_portfolio(
        df, tiers=[None if t == "none" else t for t in tier], risk_levels=risk, certificate_statuses=cert,
        assurances=assurance, rejected_only=rejected, provinces=province, sectors=sector, search=search,
        knockouts_only=knockouts, as_of=as_of)
    return pf.sort_portfolio(view, sort_by, descending, tier_order=[b.id for b in criteria.bands])


def _bar(data: pd.DataFrame, label: str, colours: dict[str, tuple[str, str]] | None = None) -> alt.LayerChart:
    """Horizontal bars, one per category in the frame's order (zero counts too), every label shown in full, the
    count written at the end of each bar."""
    count = ui_text("brand.count")
    data = data.assign(**{label: data["label"], count: data["count"]})
    order = data[label].tolist()
    fill, stroke = (
        (alt.Color("key:N", scale=alt.Scale(domain=list(colours), range=[c[0] for c in colours.values()]),
                   legend=None),
         alt.Stroke("key:N", scale=alt.Scale(domain=list(colours), range=[c[1] for c in colours.values()]),
                    legend=None))
        if colours else (alt.value(TIER_COLOUR[0]), alt.value(TIER_COLOUR[1])))
    top = max(1, int(data[count].max()))
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFontSize=12, ticks=False)),
        x=alt.X(f"{count}:Q", title=count, scale=alt.Scale(domain=[0, top * 1.25]),
                axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{count}:Q")])
    bars = base.mark_bar(strokeWidth=1).encode(color=fill, stroke=stroke)
    values = base.mark_text(align="left", dx=4, fontSize=12, fontWeight="bold", color="#1a202c").encode(
        text=alt.Text(f"{count}:Q", format="d"))
    return alt.layer(bars, values).properties(height=alt.Step(30))


def _charts(view: pd.DataFrame, criteria) -> None:
    lang = common.lang()
    tiers = pf.tier_labels(criteria, lang)
    st.subheader(ui_text("brand.charts"))
    c1, c2, c3 = st.columns(3)
    t = pf.counts(view, "tier", [b.id for b in reversed(criteria.bands)] + [None])
    t["label"] = t["key"].map(lambda k: tiers.get(k, k))
    c1.caption(ui_text("brand.chart_tiers"))
    c1.altair_chart(_bar(t, ui_text("brand.f_tier")), width="stretch")
    r = pf.counts(view, "risk_level", pf.RISK_LEVELS)
    r["label"] = r["key"].map(lambda k: ui_text(f"brand.risk.{k}"))
    c2.caption(ui_text("brand.chart_risk"))
    c2.altair_chart(_bar(r, ui_text("brand.f_risk"), RISK_COLOURS), width="stretch")
    days = criteria.settings.expiry_notice_days
    e = pf.expiry_buckets(view, days)
    c3.caption(ui_text("brand.chart_expiry", days=days))
    if e["count"].sum() == 0:
        c3.write(ui_text("brand.no_expiry", days=days))
    else:
        e["label"] = [f"{first}–{last}" for first, last in zip(e["first"], e["last"])]  # the axis says "days left"
        c3.altair_chart(_bar(e, ui_text("brand.days")), width="stretch")


def _table(view: pd.DataFrame, criteria, lang: str, as_of: date) -> pd.DataFrame:
    p1, p2 = st.columns([1, 3])
    size = p1.selectbox(ui_text("brand.page_size"), PAGE_SIZES, index=1, key="pf_page_size")
    pages = max(1, math.ceil(len(view) / size))
    if st.session_state.get("pf_page", 1) > pages:
        st.session_state["pf_page"] = pages
    page_no = p2.number_input(ui_text("brand.page"), min_value=1, max_value=pages, step=1, key="pf_page")
    page = view.iloc[(page_no - 1) * size: page_no * size]
    st.caption(ui_text("brand.showing", shown=len(page), total=len(view), page=page_no, pages=pages))
    shown = pf.for_people(page, lang, criteria, columns=(
        "company", "tax_code", "province", "tier", "score", "verified", "knockouts", "top_risks", "risk_level",
        "assurance", "certificate_status", "certificate_expires", "reassessment_due", "reassessment_basis",
        "rejected_on", "rejection_knockouts", "status"))
    col = lambda name: ui_text(f"brand.col.{name}")  # noqa: E731
    for name, marks in (("assurance", ASSURANCE_MARK), ("certificate_status", STATUS_MARK)):
        mark = page[name].map(lambda v: marks.get(v, "") if isinstance(v, str) else "")
        shown[col(name)] = (mark + " " + shown[col(name)].astype("string")).str.strip()
    # corrective actions of the suppliers on this page: counts only, one query (the page's companies all share)
    progress = actions.progress_many(common.db(), page["organisation_id"].astype(int).tolist(), as_of)
    shown[ui_text("actions.brand_col")] = [actions_ui.progress_cell(progress.get(int(o)))
                                           for o in page["organisation_id"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="pf_table", column_config={
        col("company"): st.column_config.TextColumn(width="large", pinned=True),
        col("top_risks"): st.column_config.TextColumn(width="large"),
        col("assurance"): st.column_config.TextColumn(width="medium"),
        col("reassessment_basis"): st.column_config.TextColumn(width="medium"),
        col("score"): st.column_config.NumberColumn(format="%.1f"),
        col("verified"): st.column_config.CheckboxColumn(),
        col("certificate_expires"): st.column_config.DateColumn(format="DD/MM/YYYY"),
        col("reassessment_due"): st.column_config.DateColumn(format="DD/MM/YYYY"),
        col("rejected_on"): st.column_config.DateColumn(format="DD/MM/YYYY"),
    })
    st.caption(ui_text("brand.assurance_note"))
    st.caption(ui_text("brand.due_note", months=criteria.settings.reassess_without_document_months))
    st.caption(ui_text("brand.risk_note"))
    return page


def _downloads(view: pd.DataFrame, criteria, lang: str, as_of: date) -> None:
    st.subheader(ui_text("brand.export"))
    stem = f"nha-cung-cap-{as_of.isoformat()}"
    c1, c2 = st.columns(2)
    c1.download_button(ui_text("brand.csv"), key="pf_csv", mime="text/csv", file_name=f"{stem}.csv",
                       data=lambda: pf.export_csv(pf.for_people(view, lang, criteria), lang))
    c2.download_button(ui_text("brand.xlsx"), key="pf_xlsx", file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       data=lambda: pf.export_xlsx(pf.for_people(view, lang, criteria)))
    st.caption(ui_text("brand.export_note"))


def _drill_down(actor, database, page: pd.DataFrame, criteria, as_of: date) -> None:
    st.subheader(ui_text("brand.drill"))
    names = dict(zip(page["assessment_id"].tolist(),
                     (page["company"].fillna("") + " · " + page["tax_code"].fillna("")).tolist()))
    chosen = st.selectbox(ui_text("brand.drill_pick"), list(names), key="pf_supplier", index=None,
                          placeholder=ui_text("brand.drill_choose"), format_func=lambda i: names.get(i, str(i)))
    if chosen is None or chosen not in names:
        return
    assessment = workflow.get(database, int(chosen))
    require(actor, "assessment.view", workflow.resource(database, assessment))
    row = page[page["assessment_id"] == chosen].iloc[0]
    _details(database, assessment, row, criteria, as_of)
    actions_ui.brand_progress(actor, database, int(row["organisation_id"]), as_of)


def _details(database, assessment: dict, row: pd.Series, criteria, as_of: date) -> None:
    lang = common.lang()
    pinned = workflow.criteria_for(database, assessment, criteria)
    result = workflow.stored_result(assessment)
    st.markdown(" · ".join([f"**{common.md(row['company'])}**"] + [common.md(row[k]) for k in ("tax_code", "province")
                                                                if common.md(row[k])]))
    st.caption(ui_text("brand.drill_status", status=workflow.status_label(assessment["status"], lang),
                  version=assessment["version"], date=_fmt_day(row["submitted"]),
                  criteria=f"{pinned.settings.criteria_id} {pinned.version}"))
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)  # two per row: four cut a long tier name short ("Chưa đủ điề…")
    c1.metric(ui_text("brand.self_score"), f"{row['self_score']:g}" if not pd.isna(row["self_score"]) else "—")
    c2.metric(ui_text("brand.verified_score"),
              f"{row['verified_score']:g}" if row["verified"] else ui_text("brand.not_verified"))
    c3.metric(ui_text("brand.tier"), pf.tier_labels(pinned, lang).get(row["tier"] if not pd.isna(row["tier"]) else None,
                                                                 str(row["tier"])))
    c4.metric(ui_text("brand.certificate"), ui_text(f"brand.assurance.{row['assurance']}"))
    _document(database, row, lang)
    _rejection(row)
    st.write(ui_text("brand.due_line", date=_fmt_day(row["reassessment_due"]),
                basis=ui_text(f"brand.basis.{row['reassessment_basis']}",
                              months=criteria.settings.reassess_without_document_months)))
    if row["reassessment_overdue"]:
        st.warning(ui_text("brand.overdue"))
    if result is None:
        return
    if result.knockouts:
        st.error(ui_text("brand.knockouts", ids=", ".join(result.knockouts)))
    else:
        st.success(ui_text("brand.no_knockouts"))
    left, right = st.columns(2, gap="large")
    with left:
        chart = result_panel.section_chart_spec(result, pinned)
        if chart is not None:
            st.caption(ui_text("brand.sections"))
            st.vega_lite_chart(spec=chart, width="stretch")
        _checks(database, assessment["id"])
    with right:
        st.markdown(f"**{ui_text('brand.top_actions')}**")
        if not result.remediation:
            st.write(ui_text("brand.nothing_to_fix"))
        for action in result.remediation[:5]:
            st.markdown(_action_line(action, lang))
        if len(result.remediation) > 5:
            st.caption(ui_text("brand.more_actions", count=len(result.remediation) - 5))


def _action_line(action, lang: str) -> str:
    """One action to take, in words: severity, what (the indicator id, or a check rule's title, never its id), the
    finding and the action. `ref` is left out: it names rows and employee ids."""
    icon = result_panel.PRIORITY_ICON.get(action.priority, "")
    if action.indicator:
        what = action.indicator
    else:
        what = action.title.get(lang) if action.title and action.title.get(lang) else rule_title(action.rule, lang)
    head = " · ".join(p for p in (f"**{severity_label(action.priority, lang)}**", common.md(what)) if p)
    return f"{icon} {head} · {action.finding.get(lang)}  \n→ {action.action.get(lang)}"


def _in_language(text: str | None, lang: str) -> str:
    """A reason the registry keeps as "vi / en" (suspensions), in `lang`; any other text as it is."""
    parts = (text or "").split(" / ")
    return (parts[1] if lang == "en" else parts[0]) if len(parts) == 2 else (text or "—")


def _document(database, row: pd.Series, lang: str) -> None:
    """The company's document: what it is (assurance first), its status, and why when it is not in force."""
    if row["certificate_status"] == "none":
        return
    cert = registry.get(database, str(row["certificate_id"]))
    st.write(ui_text("brand.certificate_line", kind=ui_text(f"brand.assurance.{row['assurance']}"), id=row["certificate_id"],
                status=ui_text(f"brand.cert.{row['certificate_status']}"), expires=_fmt_day(row["certificate_expires"])))
    status = row["certificate_status"]
    if status == "suspended" and cert is not None:
        st.error(ui_text("brand.suspended_line", date=_fmt_day(pd.Timestamp(cert.suspended_at[:10])),
                    reason=common.md(_in_language(cert.suspended_reason, lang))))
    elif status == "revoked" and cert is not None:
        st.error(ui_text("brand.revoked_line", date=_fmt_day(pd.Timestamp(cert.revoked_at[:10])),
                    reason=common.md(cert.revoked_reason or "—")))
    elif status == "superseded" and cert is not None and cert.superseded_at:
        st.caption(ui_text("brand.superseded_line", date=_fmt_day(pd.Timestamp(cert.superseded_at[:10]))))
    if row["assurance"] == "self_assessed":
        st.warning(ui_text("brand.self_assessed"))
    elif row["assurance"] == "verified" and status == "active":
        st.success(ui_text("brand.verified_line"))


def _rejection(row: pd.Series) -> None:
    """A rejection holds until a later version is approved: its date and knock-outs."""
    if pd.isna(row["rejected_on"]):
        return
    ids = row["rejection_knockouts"]
    if isinstance(ids, str) and ids:
        st.error(ui_text("brand.rejection_line", date=_fmt_day(row["rejected_on"]), ids=ids))
    else:
        st.error(ui_text("brand.rejection_plain", date=_fmt_day(row["rejected_on"])))


def _checks(database, assessment_id: int) -> None:
    summaries = pf.check_summaries(database, assessment_id)
    st.markdown(f"**{ui_text('brand.checks')}**")
    roster = summaries["roster"]
    if roster:
        st.write(ui_text("brand.roster", rows=roster["rows"], date=day(roster["as_of"]), critical=roster["critical"],
                    major=roster["major"], minor=roster["minor"]))
        if roster["minors"] is not None:
            st.caption(ui_text("brand.roster_minors", count=roster["minors"]))
        if roster["blocking"]:
            st.error(ui_text("brand.roster_blocking", count=roster["blocking"]))
    else:
        st.caption(ui_text("brand.no_roster"))
    suppliers = summaries["suppliers"]
    if suppliers:
        st.write(ui_text("brand.suppliers", count=suppliers["suppliers"], date=day(suppliers["as_of"])))
        levels = ", ".join(f"{ui_text(f'brand.risk.{k}')} {v}" for k, v in suppliers["by_level"].items() if v)
        if levels:
            st.caption(ui_text("brand.supplier_levels", levels=levels))
        if suppliers["informal_units"] is not None:
            st.caption(ui_text("brand.supplier_informal", count=suppliers["informal_units"]))
    else:
        st.caption(ui_text("brand.no_suppliers"))
