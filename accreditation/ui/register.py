"""The public register of awardees (anyone, signed in or not) and the administrator's award rounds page. What is
listed, searched, exported and frozen is decided in accreditation.register; these pages only show it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from accreditation import register
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.ui import common
from accreditation.ui.common import ui_text


def _table(rows: list[dict], key: str) -> None:
    """A register table: the verify link as a link reading "Verify", the date as dd/mm/yyyy."""
    link, until = ui_text("register.col.verify_url"), ui_text("register.col.expires")
    config = {link: st.column_config.LinkColumn(link, display_text=ui_text("register.verify")),
              until: st.column_config.DateColumn(until, format="DD/MM/YYYY")}
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config=config, key=key)


def _tiers_text(criteria) -> str:
    labels = [register.tier_label(criteria, t, common.lang()) for t in register.ROUND_TIERS]
    return f" {ui_text('register.and')} ".join(labels)


# ------------------------------------------------------------------------------------------------ public page


def register_page() -> None:
    require(common.current_actor(), "page.register")
    database, criteria, lang = common.db(), common.criteria(), common.lang()
    st.title(ui_text("register.heading"))
    st.write(ui_text("register.intro"))
    today = date.today()
    found = register.entries(database, today)
    if not found:
        st.info(ui_text("register.empty"))
    else:
        _live(found, criteria, lang, today)
    _published_rounds(database, criteria, lang)


def _live(found: list[register.Entry], criteria, lang: str, today: date) -> None:
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    text = c1.text_input(ui_text("register.search"), key="reg_search", help=ui_text("register.search_help"))
    provinces = c2.multiselect(ui_text("register.f_province"), sorted({e.province for e in found if e.province}),
                               key="reg_province", placeholder=ui_text("app.all"))
    sectors = sorted({e.sector for e in found if e.sector},
                     key=lambda s: register.sector_label(criteria, s, lang))
    sector = c3.multiselect(ui_text("register.f_sector"), sectors, key="reg_sector", placeholder=ui_text("app.all"),
                            format_func=lambda s: register.sector_label(criteria, s, lang))
    tiers = sorted({e.tier for e in found}, key=lambda t: -register.tier_rank(criteria, t))
    tier = c4.multiselect(ui_text("register.f_tier"), tiers, key="reg_tier", placeholder=ui_text("app.all"),
                          format_func=lambda t: register.tier_label(criteria, t, lang))
    kept = register.search(found, text, provinces=provinces, sectors=sector, tiers=tier)
    st.caption(ui_text("register.count", shown=len(kept), total=len(found)) + " "
               + ui_text("register.as_of", date=day(today)))
    if not kept:
        st.info(ui_text("register.no_match"))
        return
    _table(register.rows_for_people(kept, lang, criteria), "reg_table")
    st.download_button(ui_text("register.download"), data=register.register_csv(kept, lang, criteria),
                       file_name=f"{ui_text('register.file_name')}-{today.isoformat()}.csv", mime="text/csv",
                       key="reg_csv", icon=":material/download:")


def _published_rounds(database, criteria, lang: str) -> None:
    published = register.rounds(database, "published")
    if not published:
        return
    st.header(ui_text("register.rounds_heading"))
    tiers = _tiers_text(criteria)
    for r in published:
        st.subheader(ui_text("register.round_title", name=common.md(r["name"]), tiers=tiers))
        st.caption(ui_text("register.round_caption", date=day(r["published_at"]), opens=day(r["opens_on"]),
                           closes=day(r["closes_on"])))
        _table(register.round_rows_for_people(register.round_entries(database, r["id"]), lang, criteria),
               f"round_table:{r['id']}")


# ----------------------------------------------------------------------------------------- award rounds (admin)


def awards_page() -> None:
    actor = common.current_actor()
    require(actor, "page.awards")
    database, criteria, lang = common.db(), common.criteria(), common.lang()
    st.title(ui_text("awards.heading"))
    st.write(ui_text("awards.intro"))
    _open_form(actor, database)
    st.subheader(ui_text("awards.rounds"))
    found = register.rounds(database)
    if not found:
        st.caption(ui_text("awards.none"))
    for r in found:
        with st.container(border=True):
            _round(actor, database, criteria, lang, r)


def _open_form(actor, database) -> None:
    with st.expander(ui_text("awards.open_heading"), expanded=not register.rounds(database, "open")):
        this_year = date.today().year
        name = st.text_input(ui_text("awards.name"), key="round_name", help=ui_text("awards.name_help"))
        c1, c2, c3 = st.columns(3)
        year = c1.number_input(ui_text("awards.year"), min_value=2000, max_value=2100, value=this_year, step=1,
                               key="round_year")
        opens = c2.date_input(ui_text("awards.opens_on"), value=date(this_year, 1, 1), format="DD/MM/YYYY",
                              key="round_opens")
        closes = c3.date_input(ui_text("awards.closes_on"), value=date(this_year, 12, 31), format="DD/MM/YYYY",
                               key="round_closes")
        if st.button(ui_text("awards.open_button"), type="primary", key="round_open"):
            try:
                made = register.open_round(database, actor, name, int(year), opens, closes)
            except UserError as exc:
                st.error(common.error_text(exc))
                return
            common.flash("success", ui_text("awards.opened", name=common.md(made["name"])))
            st.rerun()


def _publish(actor, round_id: int, name: str) -> None:
    st.session_state.pop("pending_publish", None)
    try:
        done = register.publish_round(common.db(), actor, round_id)
        count = len(register.round_entries(common.db(), round_id))
        common.flash("success", ui_text("awards.published", name=common.md(done["name"]), count=count))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _cancel(actor, round_id: int) -> None:
    st.session_state.pop("pending_cancel", None)
    try:
        done = register.cancel_round(common.db(), actor, round_id)
        common.flash("success", ui_text("awards.cancelled", name=common.md(done["name"])))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _round(actor, database, criteria, lang: str, r: dict) -> None:
    status = ui_text(f"awards.status.{r['status']}")
    st.markdown(f"**{common.md(r['name'])}** · {status}")
    st.caption(ui_text("awards.period", year=r["year"], opens=day(r["opens_on"]), closes=day(r["closes_on"])))
    if r["status"] == "published":
        rows = register.round_entries(database, r["id"])
        st.caption(ui_text("awards.published_on", date=day(r["published_at"]), count=len(rows)))
        _table(register.round_rows_for_people(rows, lang, criteria), f"awards_table:{r['id']}")
        return
    found = register.candidates(database, r["id"], criteria=criteria)
    if found:
        st.caption(ui_text("awards.candidates", count=len(found)))
        _table(register.rows_for_people(found, lang, criteria), f"candidates_table:{r['id']}")
    else:
        st.info(ui_text("awards.no_candidates"))
    c1, c2 = st.columns(2)
    c1.button(ui_text("awards.publish"), key=f"publish:{r['id']}", disabled=not found,
              on_click=lambda: st.session_state.update(pending_publish=r["id"], pending_cancel=None))
    c2.button(ui_text("awards.cancel"), key=f"cancel:{r['id']}", help=ui_text("awards.cancel_help"),
              on_click=lambda: st.session_state.update(pending_cancel=r["id"], pending_publish=None))
    if st.session_state.get("pending_cancel") == r["id"]:
        st.warning(ui_text("awards.cancel_confirm", name=common.md(r["name"])))
        y, n = st.columns(2)
        y.button(ui_text("awards.cancel_yes"), key=f"cancel-yes:{r['id']}", type="primary", on_click=_cancel,
                 args=(actor, r["id"]))
        n.button(ui_text("awards.publish_no"), key=f"cancel-no:{r['id']}",
                 on_click=lambda: st.session_state.pop("pending_cancel", None))
    if found and st.session_state.get("pending_publish") == r["id"]:  # ask once more: a published list is final
        st.warning(ui_text("awards.publish_confirm", name=common.md(r["name"]), count=len(found)))
        y, n = st.columns(2)
        y.button(ui_text("awards.publish_yes"), key=f"publish-yes:{r['id']}", type="primary", on_click=_publish,
                 args=(actor, r["id"], r["name"]))
        n.button(ui_text("awards.publish_no"), key=f"publish-no:{r['id']}",
                 on_click=lambda: st.session_state.pop("pending_publish", None))
