"""The scheme overview page (the administrator and the authorities): how many companies take part, where they
stand, what they most often miss, and how that moves by quarter. The figures come from `accreditation.scheme`
(aggregates only; small cells suppressed for authorities) and the page shows the same tables the files hold
(`scheme.export.for_people`).

Charts are ranked horizontal bars with every label shown (Vega-Lite would otherwise drop overlapping ones). There is
no map: no boundary file of the 34 post-2025 units with an open licence is shipped (docs/scheme.md)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from accreditation import scheme
from accreditation.display import day
from accreditation.permissions import require
from accreditation.scheme import export
from accreditation.ui import common
from accreditation.ui.common import ui_text

BAR = ("#bee3f8", "#1a365d")  # fill, outline (the portfolio's tier bars)
TOP = 10  # indicators shown in the ranked charts; the tables hold every one


def scheme_page() -> None:
    actor = common.current_actor()
    require(actor, "page.scheme")
    database = common.db()
    criteria = common.criteria()
    lang = common.lang()
    st.title(ui_text("scheme.heading"))
    scope = scheme.scope_of(database, actor)
    st.markdown(ui_text("scheme.scope_province", province=scope) if scope else ui_text("scheme.scope_national"))
    provinces, sectors, first, last = _filters(database, actor, criteria, lang)
    dash = scheme.dashboard(database, actor, provinces=provinces, sectors=sectors, quarter_from=first,
                            quarter_to=last, as_of=date.today(), criteria=criteria)
    if dash.suppressed:
        st.info(ui_text("scheme.suppressed_note", threshold=dash.threshold, word=ui_text("scheme.hidden")))
    else:
        st.caption(ui_text("scheme.unsuppressed_note"))
    st.caption(ui_text("scheme.as_of", date=day(dash.as_of)) + " " + ui_text("scheme.latest_note"))
    tables = export.for_people(actor, dash, lang, criteria)
    _headline(dash)
    companies, knockouts, indicators, trends, training = st.tabs(
        [ui_text(f"scheme.tab.{t}") for t in ("companies", "knockouts", "indicators", "trends", "training")])
    with companies:
        for dimension in scheme.DIMENSIONS:
            _breakdown(dash, tables, dimension, "companies")
    with knockouts:
        st.caption(ui_text("scheme.knockout_intro"))
        for dimension in ("province", "sector", "size_band", "legal_form"):
            _breakdown(dash, tables, dimension, "knockout_rate")
    with indicators:
        _indicators(dash, tables, criteria, lang)
    with trends:
        _trends(dash, tables)
    with training:
        _training(dash, tables, criteria, lang)
    _downloads(actor, dash, criteria, lang)


def _filters(database, actor, criteria, lang: str) -> tuple[list[str], list[str], str | None, str | None]:
    names = export.key_labels("province", lang, criteria)
    sector_names = export.key_labels("sector", lang, criteria)
    quarters = scheme.quarters(database, actor)
    with st.expander(ui_text("scheme.filters"), expanded=True):
        c1, c2 = st.columns(2)
        options = scheme.provinces_for(database, actor)
        provinces = c1.multiselect(ui_text("scheme.f_province"), options, key="sc_province",
                                   placeholder=ui_text("app.all"), format_func=lambda v: names.get(v, v),
                                   disabled=len(options) == 1)
        sectors = c2.multiselect(ui_text("scheme.f_sector"), [c.name for c in criteria.lists["sector"].choices],
                                 key="sc_sector", placeholder=ui_text("app.all"),
                                 format_func=lambda v: sector_names.get(v, v))
        first = last = None
        if len(quarters) >= 2:
            first, last = st.select_slider(ui_text("scheme.f_quarters"), options=quarters,
                                           value=(quarters[0], quarters[-1]), key="sc_quarters")
        elif quarters:
            st.caption(ui_text("scheme.one_quarter", quarter=quarters[0]))
    return provinces, sectors, first, last


def _number(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ui_text("scheme.hidden")
    return f"{int(value):,}".replace(",", ".")


def _headline(dash: scheme.Dashboard) -> None:
    rows = dash.headline.set_index("measure")
    cols = [c for _ in range(2) for c in st.columns(3)]
    for col, measure in zip(cols, scheme.HEADLINES):
        value, rate = rows.loc[measure, "value"], rows.loc[measure, "rate"]
        col.metric(ui_text(f"scheme.measure.{measure}"), _number(value),
                   help=ui_text(f"scheme.help.{measure}"))
        if not pd.isna(rate):
            col.caption(ui_text("scheme.of_assessed", rate=f"{rate * 100:.0f}"))


def _bars(data: pd.DataFrame, value_title: str, percent: bool) -> alt.LayerChart:
    """Horizontal bars, highest first, every label in full, the value written at the end of each bar."""
    order = data["label"].tolist()
    top = max(1.0, float(data["value"].max()))
    fmt = ".0f" if percent else "d"
    base = alt.Chart(data.rename(columns={"value": value_title})).encode(
        y=alt.Y("label:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFontSize=12, ticks=False)),
        x=alt.X(f"{value_title}:Q", title=value_title, scale=alt.Scale(domain=[0, top * 1.2]),
                axis=alt.Axis(tickMinStep=1, format=fmt)),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip(f"{value_title}:Q", format=fmt)])
    bars = base.mark_bar(color=BAR[0], stroke=BAR[1], strokeWidth=1)
    values = base.mark_text(align="left", dx=4, fontSize=12, fontWeight="bold", color="#1a202c").encode(
        text=alt.Text(f"{value_title}:Q", format=fmt))
    return alt.layer(bars, values).properties(height=alt.Step(26))


def _chart(labels: list[str], values: pd.Series, hidden: pd.Series, value_title: str, percent: bool) -> None:
    """A ranked chart of the shown, non-zero values; a caption says how many are left out as suppressed
    (`hidden`) or as zero (for a rate: 0 %, or no company in the group)."""
    data = pd.DataFrame({"label": labels, "value": [None if pd.isna(v) else float(v) for v in values],
                         "hidden": hidden.astype(bool).to_numpy()})
    shown = data[~data["hidden"] & data["value"].notna() & (data["value"] > 0)]
    if percent:
        shown = shown.assign(value=shown["value"] * 100)
    shown = shown.sort_values("value", ascending=False, kind="stable")
    if shown.empty:
        st.caption(ui_text("scheme.nothing_to_chart"))
    else:
        st.altair_chart(_bars(shown[["label", "value"]], value_title, percent), width="stretch")
    left_hidden = int(data["hidden"].sum())
    left_zero = int((~data["hidden"] & ~(data["value"].fillna(0) > 0)).sum())
    if left_hidden or left_zero:
        st.caption(ui_text("scheme.chart_left_out_rate" if percent else "scheme.chart_left_out",
                           hidden=left_hidden, empty=left_zero, word=ui_text("scheme.hidden")))


def _table(table: pd.DataFrame) -> None:
    """A table as the files hold it, every cell as text (a suppressed cell is the word, a rate in percent)."""
    shown = table.copy()
    for column in shown.columns[1:]:
        shown[column] = shown[column].map(lambda v: "" if v is None else
                                          (f"{v:.1f}".replace(".", ",") if common.lang() == "vi" else f"{v:.1f}")
                                          if isinstance(v, float) else str(v)).astype("string")
    shown[shown.columns[0]] = shown[shown.columns[0]].astype("string")
    st.dataframe(shown, hide_index=True, width="stretch")


def _breakdown(dash: scheme.Dashboard, tables: dict[str, pd.DataFrame], dimension: str, measure: str) -> None:
    title = ui_text(f"scheme.table.by_{dimension}")
    st.subheader(title if measure == "companies"
                 else ui_text("scheme.knockout_by", by=ui_text(f"scheme.dim.{dimension}").lower()))
    data = dash.breakdowns[dimension]
    rows = data[data["key"] != "total"]
    labels = tables[title].iloc[: len(rows), 0].astype(str).tolist()
    percent = measure != "companies"
    hidden = rows["companies" if measure == "companies" else "with_knockout"].isna()
    _chart(labels, rows[measure], hidden, ui_text(f"scheme.col.{measure}"), percent)
    if measure == "companies":
        with st.expander(ui_text("scheme.table_of", title=title)):
            _table(tables[title])


def _indicators(dash: scheme.Dashboard, tables: dict[str, pd.DataFrame], criteria, lang: str) -> None:
    for name, count in (("not_met", "not_met"), ("adjusted", "adjusted")):
        title = ui_text(f"scheme.table.{name}")
        st.subheader(title)
        st.caption(ui_text(f"scheme.{name}_intro"))
        data = getattr(dash, name)
        if data.empty:
            st.caption(ui_text("scheme.nothing_to_chart"))
            continue
        top = data[data["rate"].notna() & (data["rate"] > 0)].head(TOP)
        if not top.empty:
            st.altair_chart(_bars(pd.DataFrame({"label": top["indicator"].astype(str).tolist(),
                                                "value": (top["rate"] * 100).tolist()}),
                                  ui_text("scheme.col.rate"), True), width="stretch")
        with st.expander(ui_text("scheme.table_of", title=title)):
            _table(tables[title])


def _trends(dash: scheme.Dashboard, tables: dict[str, pd.DataFrame]) -> None:
    title = ui_text("scheme.table.trends")
    st.subheader(title)
    data = dash.trends[dash.trends["quarter"] != "total"]
    if data.empty:
        st.caption(ui_text("scheme.nothing_to_chart"))
        return
    long = data.melt(id_vars="quarter", value_vars=["submitted", "first_time", "approved", "rejected"],
                     var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(lambda m: ui_text(f"scheme.col.{m}"))
    long = long[long["value"].notna()].astype({"value": "int64", "quarter": "string"})
    count = ui_text("scheme.col.companies")
    chart = alt.Chart(long.rename(columns={"value": count})).mark_line(point=True).encode(
        x=alt.X("quarter:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
        y=alt.Y(f"{count}:Q", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0)),
        tooltip=["quarter:N", "measure:N", f"{count}:Q"])
    st.altair_chart(chart, width="stretch")
    if dash.suppressed and data[["submitted", "first_time", "approved", "rejected"]].isna().any().any():
        st.caption(ui_text("scheme.trend_gaps", word=ui_text("scheme.hidden")))
    _table(tables[title])


def _training(dash: scheme.Dashboard, tables: dict[str, pd.DataFrame], criteria, lang: str) -> None:
    title = ui_text("scheme.table.training")
    st.subheader(title)
    st.caption(ui_text("scheme.training_intro"))
    data = dash.training
    if data.empty:
        st.caption(ui_text("scheme.nothing_to_chart"))
        return
    labels = [export.indicator_label(i, lang, criteria) for i in data["indicator"].astype(str)]
    _chart(labels, data["share_full"], data["full"].isna(), ui_text("scheme.col.share_full"), True)
    _table(tables[title])


def _downloads(actor, dash: scheme.Dashboard, criteria, lang: str) -> None:
    st.subheader(ui_text("scheme.export"))
    stem = f"scheme-{dash.as_of.isoformat()}"
    c1, c2 = st.columns(2)
    c1.download_button(ui_text("scheme.csv"), key="sc_csv", mime="text/csv", file_name=f"{stem}.csv",
                       data=lambda: export.export_csv(actor, dash, lang, criteria))
    c2.download_button(ui_text("scheme.xlsx"), key="sc_xlsx", file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       data=lambda: export.export_xlsx(actor, dash, lang, criteria))
    st.caption(ui_text("scheme.export_note"))
