"""The live result: total, tier or knock-outs, section scores against the tier floors, what to fix first."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from accreditation.ui.common import md, ui_text, localised
from criteria.schema import Criteria
from scoring.result import Result

PRIORITY_ICON = {"critical": ":red[:material/error:]", "major": ":orange[:material/warning:]",
                 "minor": ":gray[:material/info:]"}


def tier_label(criteria: Criteria, tier: str | None) -> str:
    band = criteria.band(tier)
    return localised(band.label) if band else ui_text("result.not_eligible")


def section_chart(result: Result, criteria: Criteria) -> alt.LayerChart | None:
    rows = [{ui_text("result.section_label"): localised(s.label), ui_text("result.score_label"): result.sections[s.id]}
            for s in criteria.sections if result.sections.get(s.id) is not None]
    if not rows:
        return None
    data = pd.DataFrame(rows)
    section, score = ui_text("result.section_label"), ui_text("result.score_label")
    bars = alt.Chart(data).mark_bar(color="#2b6cb0").encode(
        x=alt.X(f"{score}:Q", scale=alt.Scale(domain=[0, 100]), title=score),
        y=alt.Y(f"{section}:N", sort=None, title=None, axis=alt.Axis(labelLimit=180)),
        tooltip=[section, score])
    floors = pd.DataFrame([{"floor": b.min_section, "band": ui_text("result.floor", tier=localised(b.label))}
                           for b in criteria.bands if b.min_section > 0])
    layers = [bars]
    if not floors.empty:
        layers.append(alt.Chart(floors).mark_rule(strokeDash=[4, 3], color="#c05621").encode(
            x=alt.X("floor:Q", title=score), tooltip=["band", "floor"]))
    return alt.layer(*layers).properties(height=36 * len(rows) + 30)


def render(result: Result, criteria: Criteria, max_actions: int = 5) -> None:
    st.subheader(ui_text("result.heading"))
    c1, c2 = st.columns(2)
    c1.metric(ui_text("result.total"), f"{result.total:g}")
    c2.metric(ui_text("result.tier"), tier_label(criteria, result.tier))
    if result.knockouts:
        st.error(ui_text("result.knockouts", ids=", ".join(result.knockouts)))
    if result.unanswered:
        st.caption(ui_text("result.unanswered", count=len(result.unanswered)))
    chart = section_chart(result, criteria)
    if chart is not None:
        st.caption(ui_text("result.sections_chart"))
        st.altair_chart(chart, width="stretch")
    st.caption(ui_text("result.evidence", evidenced=result.evidence.evidenced, derived=result.evidence.derived,
                  declared=result.evidence.self_declared))
    st.markdown(f"**{ui_text('result.fix_first')}**")
    if not result.remediation:
        st.write(ui_text("result.nothing_to_fix"))
    for action in result.remediation[:max_actions]:
        label = f"{action.indicator} · " if action.indicator else (f"{md(action.ref)} · " if action.ref else "")
        st.markdown(f"{PRIORITY_ICON[action.priority]} {label}{localised(action.action)}")
    if len(result.remediation) > max_actions:
        st.caption(f"+ {len(result.remediation) - max_actions}")


def progress(result: Result, section_id: str | None = None) -> tuple[int, int]:
    """(answered, asked) over the questions currently shown, overall or in one section."""
    shown = [i for i in result.indicators if i.status != "hidden" and (section_id is None or i.section == section_id)]
    return sum(1 for i in shown if i.status in ("answered", "na")), len(shown)

