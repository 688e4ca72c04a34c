"""The notifications page (everyone signed in): what happened and what is due, newest first, each leading to its
page; mark one or all read; which kinds are also sent by e-mail. The texts are rendered here, in the page's
language, from what is stored (accreditation.notify)."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from accreditation import mailer, notify
from accreditation.display import moment
from accreditation.errors import UserError
from accreditation.permissions import can, require
from accreditation.ui import common
from accreditation.ui.common import ui_text

SHOWN = 200


def notifications_page() -> None:
    actor = common.current_actor()
    require(actor, "page.notifications")
    database = common.db()
    st.title(ui_text("notify_ui.heading"))
    st.caption(ui_text("notify_ui.intro"))
    rows = notify.list_for(database, actor, limit=SHOWN)
    unread = notify.unread_count(database, actor)
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.markdown(f"**{ui_text('notify_ui.unread', count=unread)}**")
    if unread:
        right.button(ui_text("notify_ui.mark_all"), key="notif_mark_all", on_click=_mark_all, args=(actor,),
                     icon=":material/done_all:")
    if not rows:
        st.info(ui_text("notify_ui.none"))
    for row in rows:
        _one(actor, row)
    if len(rows) == SHOWN:
        st.caption(ui_text("notify_ui.shown", shown=SHOWN))
    _email_switches(actor, database)


def unread_link(menu: dict, actor) -> int:
    """In the sidebar, under the menu: how many notifications are unread, leading to them (nothing when none).
    Returns the count, for the phone menu."""
    count = notify.unread_count(common.db(), actor)
    page = next((p for pages in menu.values() for p in pages if p.url_path == "notifications"), None)
    if count and page is not None:
        st.sidebar.page_link(page, label=ui_text("notify_ui.sidebar", count=count), icon=":material/notifications_active:")
    return count


def _target(actor, link: str):
    """The app page a notification's link names, if this user may open it: (page file, title key)."""
    from accreditation.ui.app import REGISTRY

    path = urlsplit(link or "").path.rstrip("/").rsplit("/", 1)[-1]
    spec = next((p for p in REGISTRY if p.url == path), None)
    if spec is None or not can(actor, spec.action):
        return None
    return f"accreditation/ui/pages/{spec.file}.py", spec.title


def _one(actor, row) -> None:
    title, body = notify.text(row["kind"], row["params"] or "{}", common.lang())
    new = not row["read_at"]
    with st.container(border=True, key=f"notif-{row['id']}"):
        badge = f":blue-badge[{ui_text('notify_ui.new')}] " if new else ""
        st.markdown(f"{badge}**{common.md(title)}**")
        st.markdown(common.md(body))
        status = {"sent": "notify_ui.emailed", "pending": "notify_ui.email_pending", "sending": "notify_ui.email_pending",
                  "failed": "notify_ui.email_failed"}.get(row["email_status"] or "off")
        st.caption(moment(row["created_at"]) + (f" · {ui_text(status)}" if status else ""))
        c1, c2 = st.columns(2)
        target = _target(actor, row["link"])
        if target is not None:
            with c1:
                st.page_link(target[0], label=ui_text("notify_ui.open"), icon=":material/open_in_new:")
        if new:
            c2.button(ui_text("notify_ui.mark_read"), key=f"notif_read:{row['id']}", on_click=_mark_read,
                      args=(actor, row["id"]))


def _mark_read(actor, notification_id: int) -> None:
    try:
        notify.mark_read(common.db(), actor, notification_id)
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _mark_all(actor) -> None:
    try:
        count = notify.mark_all_read(common.db(), actor)
        common.flash("success", ui_text("notify_ui.marked_all", count=count))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _email_switches(actor, database) -> None:
    st.subheader(ui_text("notify_ui.email_heading"))
    if not mailer.enabled():
        st.info(ui_text("notify_ui.email_off"), icon=":material/mail_lock:")
        return
    st.caption(ui_text("notify_ui.email_intro", email=common.md(actor.email)))
    prefs = notify.email_prefs(database, actor)
    for kind, on in prefs.items():
        key = f"notif_email:{kind}"
        st.session_state[key] = on  # the stored choice is the truth (another tab may have changed it)
        st.toggle(ui_text(f"notify.kind.{kind}"), key=key, on_change=_switch, args=(actor, kind, key))


def _switch(actor, kind: str, key: str) -> None:
    try:
        notify.set_email(common.db(), actor, kind, bool(st.session_state[key]))
        common.flash("success", ui_text("notify_ui.email_saved"))
    except UserError as exc:
        common.flash("error", common.error_text(exc))
