"""The company's sharing page: who sees its results, withdraw a share, share with a brand picked from the list or
named by the invitation code the brand gave."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from accreditation import sharing, workflow
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.wording import name_in_sentence


def _day(iso: str | None) -> str:
    return day(iso) if iso else ""


def sharing_page() -> None:
    actor = common.current_actor()
    require(actor, "page.sharing")
    require(actor, "share.manage", {"organisation_id": actor.organisation_id})
    database = common.db()
    st.title(ui_text("share.heading"))
    st.write(ui_text("share.intro"))
    if not any(a["status"] != "draft" for a in workflow.history(database, actor.organisation_id)):
        st.info(ui_text("share.nothing_submitted"))
    _current(actor, database)
    _add(actor, database)
    _history(database, actor.organisation_id)


def _withdraw(actor, share_id: int, brand: str) -> None:
    st.session_state.pop("pending_withdraw", None)
    try:
        sharing.withdraw(common.db(), actor, share_id)
        common.flash("success", ui_text("share.withdrawn", brand=name_in_sentence(brand)))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _current(actor, database) -> None:
    st.subheader(ui_text("share.current"))
    shares = sharing.list_shares(database, actor.organisation_id)
    if not shares:
        st.caption(ui_text("share.none"))
    for row in shares:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.markdown(f"**{common.md(row['brand_name'])}** · {ui_text('share.since', date=_day(row['created_at']))}")
        c2.button(ui_text("share.withdraw"), key=f"withdraw:{row['id']}", help=ui_text("share.withdraw_help"),
                  on_click=lambda share_id=row["id"]: st.session_state.update(pending_withdraw=share_id))
        if st.session_state.get("pending_withdraw") == row["id"]:  # ask once more: the brand loses sight at once
            st.warning(ui_text("share.withdraw_confirm", brand=common.md(row["brand_name"])))
            y, n = st.columns(2)
            y.button(ui_text("share.withdraw_yes"), key=f"withdraw-yes:{row['id']}", type="primary",
                     on_click=_withdraw, args=(actor, row["id"], row["brand_name"]))
            n.button(ui_text("share.withdraw_no"), key=f"withdraw-no:{row['id']}",
                     on_click=lambda: st.session_state.pop("pending_withdraw", None))


def _add(actor, database) -> None:
    st.subheader(ui_text("share.add"))
    mode = st.radio(ui_text("share.how"), ["list", "code"], key="share_mode", horizontal=True,
                    format_func=lambda m: ui_text(f"share.by_{m}"))
    taken = {r["brand_id"] for r in sharing.list_shares(database, actor.organisation_id)}
    brand_id, code = None, None
    if mode == "list":
        choices = {b["id"]: b["name"] for b in sharing.brands(database) if b["id"] not in taken}
        if not choices:
            st.caption(ui_text("share.no_brands"))
            return
        brand_id = st.selectbox(ui_text("share.brand"), list(choices), index=None, key="share_brand",
                                placeholder=ui_text("share.choose"), format_func=lambda i: choices.get(i, str(i)))
    else:
        code = st.text_input(ui_text("share.code"), key="share_code", help=ui_text("share.code_help"))
    if st.button(ui_text("share.button"), type="primary", key="share_submit"):
        try:
            row = sharing.share(database, actor, actor.organisation_id, brand_id=brand_id, invite_code=code)
        except UserError as exc:
            st.error(common.error_text(exc))
            return
        name = database["organisations"].get(row["brand_id"])["name"]
        common.flash("success", ui_text("share.shared", brand=name_in_sentence(name)))
        st.rerun()


def _history(database, organisation_id: int) -> None:
    rows = [r for r in sharing.list_shares(database, organisation_id, include_withdrawn=True) if r["withdrawn_at"]]
    if not rows:
        return
    st.subheader(ui_text("share.history"))
    st.dataframe(pd.DataFrame([{ui_text("share.col_brand"): r["brand_name"], ui_text("share.col_since"): _day(r["created_at"]),
                                ui_text("share.col_until"): _day(r["withdrawn_at"])} for r in rows]),
                 hide_index=True, width="stretch")
