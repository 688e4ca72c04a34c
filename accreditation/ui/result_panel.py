"""The live result: total, tier or knock-outs, section scores against the tier floors, what to fix first."""

from __future__ import annotations

import textwrap

import streamlit as st

from accreditation.self_assessment import Outlook, progress as count_progress
from accreditation.ui.common import localised, md, ui_text
from accreditation.wording import where_text
from criteria.schema import Criteria
from scoring.result import Result

PRIORITY_ICON = {"critical": ":red[:material/error:]", "major": ":orange[:material/warning:]",
                 "minor": ":gray[:material/info:]"}


def tier_label(criteria: Criteria, tier: str | None) -> str:
    band = criteria.band(tier)
    return localised(band.label) if band else ui_text("result.not_eligible")


def section_chart_spec(result: Result, criteria: Criteria) -> dict | None:
    """Each section's score against the tiers' section floors, as a plain Vega-Lite spec (for the company's and the
    brand's pages): Altair's schema validation took ~35 ms of each questionnaire rerun (half of it), a dict costs
    nothing. A long section name wraps onto a second line instead of being cut ("Lao động chưa thành niên và côn…")."""
    rows = [{"section": "\n".join(textwrap.wrap(localised(s.label), 28)) or localised(s.label),
             "name": localised(s.label), "score": result.sections[s.id]}
            for s in criteria.sections if result.sections.get(s.id) is not None]
    if not rows:
        return None
    section, score = ui_text("result.section_label"), ui_text("result.score_label")
    x = {"field": "score", "type": "quantitative", "scale": {"domain": [0, 100]}, "title": score}
    layers: list[dict] = [{
        "data": {"values": rows}, "mark": {"type": "bar", "color": "#2b6cb0"},
        "encoding": {"x": x, "y": {"field": "section", "type": "nominal", "sort": None, "title": None,
                                   "axis": {"labelLimit": 0, "labelOverlap": False,
                                            "labelExpr": "split(datum.label, '\\n')"}},
                     "tooltip": [{"field": "name", "type": "nominal", "title": section},
                                 {"field": "score", "type": "quantitative", "title": score}]}}]
    floors = [{"floor": b.min_section, "band": ui_text("result.floor", tier=localised(b.label))}
              for b in criteria.bands if b.min_section > 0]
    if floors:
        layers.append({
            "data": {"values": floors}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#c05621"},
            "encoding": {"x": {"field": "floor", "type": "quantitative", "title": score},
                         "tooltip": [{"field": "band", "type": "nominal"},
                                     {"field": "floor", "type": "quantitative"}]}})
    return {"height": 36 * len(rows) + 30, "layer": layers}


def tier_text(criteria: Criteria, tier: str | None) -> str:
    """The tier as a line of text that wraps (a metric cuts a long tier name short: "Chưa đủ…")."""
    colour = "gray" if tier is None else "green"
    return f"**:{colour}[:material/workspace_premium: {tier_label(criteria, tier)}]**"


def summary_line(result: Result, criteria: Criteria) -> str:
    """Score, tier and progress on one line, for the top of the questionnaire (on a phone the panel is far down)."""
    p = count_progress(result)
    return ui_text("q.summary", score=f"{result.total:g}", tier=tier_label(criteria, result.tier),
                   answered=p.answered, total=p.asked, remaining=p.remaining)


def render(result: Result, criteria: Criteria, max_actions: int = 5, outlook: Outlook | None = None) -> None:
    st.subheader(ui_text("result.heading"))
    c1, c2 = st.columns(2)
    c1.metric(ui_text("result.total"), f"{result.total:g}")
    with c2:
        st.caption(ui_text("result.tier"))
        st.markdown(tier_text(criteria, result.tier))
    if result.knockouts:
        st.error(ui_text("result.knockouts", ids=", ".join(result.knockouts)))
    p = count_progress(result)
    if p.remaining:
        st.caption(ui_text("result.unanswered", answered=p.answered, total=p.asked, remaining=p.remaining))
    if outlook is not None:
        tier_card(outlook, criteria)
    chart = section_chart_spec(result, criteria)
    if chart is not None:
        st.caption(ui_text("result.sections_chart"))
        st.vega_lite_chart(spec=chart, width="stretch")
    st.caption(ui_text("result.evidence", evidenced=result.evidence.evidenced, derived=result.evidence.derived,
                  declared=result.evidence.self_declared))
    st.markdown(f"**{ui_text('result.fix_first')}**")
    if not result.remediation:
        st.write(ui_text("result.nothing_to_fix"))
    for action in result.remediation[:max_actions]:
        st.markdown(f"{PRIORITY_ICON[action.priority]} {_action_label(action)}{localised(action.action)}")
    if len(result.remediation) > max_actions:
        st.caption(ui_text("result.more_actions", count=len(result.remediation) - max_actions))


def _action_label(action) -> str:
    """What an action is about: its question, or (from a roster or supplier check) the rule's title and the place
    in the reader's language ("dòng 4, nhân viên NV004"; `action.ref` is the JSON's English form)."""
    if action.indicator:
        return f"{action.indicator} · "
    where = where_text(action)
    parts = [localised(t) for t in (getattr(action, "title", None), where) if t is not None]
    return "".join(f"{md(p)} · " for p in parts if p)


def tier_card(outlook: Outlook, criteria: Criteria) -> None:
    """What the tiers mean (from the criteria's bands), where the company stands, and the actions that lift it."""
    with st.container(border=True):
        st.markdown(f"**{ui_text('result.tier_card')}**")
        tier = tier_label(criteria, outlook.current.id if outlook.current else None)
        if outlook.lowest_section is None:
            st.write(ui_text("result.tier_now_no_section", score=f"{outlook.total:g}", tier=tier))
        else:
            st.write(ui_text("result.tier_now", score=f"{outlook.total:g}", lowest=f"{outlook.lowest_section:g}",
                             tier=tier))
        if outlook.knockouts:
            st.error(ui_text("result.tier_knockouts", ids=", ".join(outlook.knockouts)))
        if outlook.next is None:
            st.success(ui_text("result.tier_top"))
        else:
            nxt = outlook.next
            lines = [ui_text("result.tier_next" if nxt.min_section > 0 else "result.tier_next_any",
                             tier=localised(nxt.label), min_total=f"{nxt.min_total:g}",
                             min_section=f"{nxt.min_section:g}")]
            if outlook.points_short > 0:
                lines.append(ui_text("result.tier_points_short", points=f"{outlook.points_short:g}"))
            if outlook.sections_short:
                names = ", ".join(localised(criteria.section(s).label) for s in outlook.sections_short)
                lines.append(ui_text("result.tier_sections_short", min_section=f"{nxt.min_section:g}",
                                     sections=names))
            st.write(" ".join(lines))
            if outlook.remaining:
                st.caption(ui_text("result.tier_unanswered", count=outlook.remaining))
            if outlook.steps:
                st.markdown(ui_text("result.tier_steps"))
                for step in outlook.steps:
                    a = step.action
                    gain = ui_text("result.tier_step_gain", gain=f"{step.gain:g}")
                    st.markdown(f"{PRIORITY_ICON[a.priority]} {_action_label(a)}{localised(a.action)} **{gain}**")
                if outlook.total_after is not None:
                    st.caption(ui_text("result.tier_after", count=len(outlook.steps), score=f"{outlook.total_after:g}",
                                       tier=tier_label(criteria, outlook.tier_after)))
            elif not outlook.remaining:
                st.caption(ui_text("result.tier_no_steps"))
        with st.expander(ui_text("result.tier_bands")):
            for band in criteria.bands:
                here = outlook.current is not None and band.id == outlook.current.id
                rule = ui_text("result.tier_band_line" if band.min_section > 0 else "result.tier_band_line_any",
                               min_total=f"{band.min_total:g}", min_section=f"{band.min_section:g}")
                head = f"**{localised(band.label)}** ({rule})"
                if here:
                    head += f" · :green-badge[{ui_text('result.tier_you')}]"
                st.markdown(head)
                if localised(band.description):
                    st.caption(localised(band.description))

