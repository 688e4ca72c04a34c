"""The company's sharing page: who sees its results, withdraw a share, share with a brand or an association picked
from the list or named by the invitation code it gave; and whether the company is listed on the public register of
awardees (accreditation.register decides who is shown)."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from accreditation import register, sharing, workflow
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.wording import name_in_sentence


def _day(iso: str | None) -> str:
    return day(iso) if iso else ""


def _kind(kind: str | None) -> str:
    """The kind after a name, e.g. " (hiệp hội)": a brand, an association and a buying company are told apart."""
    return f" ({ui_text(f'sharing.kind.{kind}')})" if kind in ("brand", "association", "sme") else ""


def sharing_page() -> None:
    actor = common.current_actor()
    require(actor, "page.sharing")
    require(actor, "share.manage", {"organisation_id": actor.organisation_id})
    database = common.db()
    st.title(ui_text("share.heading"))
    st.write(ui_text("sharing.intro"))
    if not any(a["status"] != "draft" for a in workflow.history(database, actor.organisation_id)):
        st.info(ui_text("sharing.nothing_submitted"))
    _current(actor, database)
    _add(actor, database)
    _history(database, actor.organisation_id)
    _listing(actor, database)


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
        c1.markdown(f"**{common.md(row['brand_name'])}**{_kind(row.get('brand_kind'))} · "
                    f"{ui_text('share.since', date=_day(row['created_at']))}")
        c2.button(ui_text("share.withdraw"), key=f"withdraw:{row['id']}", help=ui_text("sharing.withdraw_help"),
                  on_click=lambda share_id=row["id"]: st.session_state.update(pending_withdraw=share_id))
        if st.session_state.get("pending_withdraw") == row["id"]:  # ask once more: the brand loses sight at once
            st.warning(ui_text("sharing.withdraw_confirm", brand=common.md(row["brand_name"])))
            y, n = st.columns(2)
            y.button(ui_text("share.withdraw_yes"), key=f"withdraw-yes:{row['id']}", type="primary",
                     on_click=_withdraw, args=(actor, row["id"], row["brand_name"]))
            n.button(ui_text("share.withdraw_no"), key=f"withdraw-no:{row['id']}",
                     on_click=lambda: st.session_state.pop("pending_withdraw", None))


def _add(actor, database) -> None:
    st.subheader(ui_text("sharing.add"))
    # labels made now, in the page's language: AppTest formats a value again outside the script run, where a
    # format_func that looks the language up would find Vietnamese
    ways = {"list": ui_text("sharing.by_list"), "code": ui_text("share.by_code")}
    mode = st.radio(ui_text("sharing.how"), list(ways), key="share_mode", horizontal=True, format_func=ways.get)
    taken = {r["brand_id"] for r in sharing.list_shares(database, actor.organisation_id)}
    brand_id, code = None, None
    if mode == "list":
        choices = {b["id"]: b["name"] + _kind(b.get("kind")) for b in sharing.brands(database) if b["id"] not in taken}
        if not choices:
            st.caption(ui_text("sharing.no_brands"))
            return
        brand_id = st.selectbox(ui_text("sharing.brand"), list(choices), index=None, key="share_brand",
                                placeholder=ui_text("sharing.choose"), format_func=lambda i: choices.get(i, str(i)))
    else:
        code = st.text_input(ui_text("share.code"), key="share_code", help=ui_text("sharing.code_help"))
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
    st.dataframe(pd.DataFrame([{ui_text("sharing.col_brand"): r["brand_name"], ui_text("share.col_since"): _day(r["created_at"]),
                                ui_text("share.col_until"): _day(r["withdrawn_at"])} for r in rows]),
                 hide_index=True, width="stretch")


def _set_listed(actor) -> None:
    wanted = bool(st.session_state.get("listing_toggle"))
    try:
        register.set_listed(common.db(), actor, actor.organisation_id, wanted)
        common.flash("success", ui_text("listing.on" if wanted else "listing.off"))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _listing(actor, database) -> None:
    """Consent to the public register: what it shows, when, and what withdrawing does, then the switch and where
    the company stands now."""
    st.subheader(ui_text("listing.heading"))
    st.write(ui_text("listing.intro"))
    st.caption(ui_text("listing.rule") + " " + ui_text("listing.withdraw_note"))
    state = register.listing_status(database, actor.organisation_id)
    st.session_state["listing_toggle"] = state.opted_in  # the database decides, also after a refused change
    st.toggle(ui_text("listing.toggle"), key="listing_toggle", on_change=_set_listed, args=(actor,))
    entry = state.entry
    tier = register.tier_label(common.criteria(), entry.tier, common.lang()) if entry else ""
    until = day(entry.expires) if entry else ""
    if state.opted_in:
        message = ui_text(f"listing.status.{state.reason}", tier=tier, date=until)
        (st.success if state.shown else st.info)(message)
    elif entry is not None:
        st.caption(ui_text("listing.would", tier=tier, date=until))
    st.page_link("accreditation/ui/pages/register.py", label=ui_text("listing.open_register"),
                 icon=":material/workspace_premium:")
