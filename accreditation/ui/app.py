"""The router: who is signed in → the pages their role may see → st.navigation. A page left out of the list
cannot be reached, not even by its URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from accreditation import settings
from accreditation.errors import UserError
from accreditation.i18n import normalise_language, catalog_text
from accreditation.permissions import can
from criteria.errors import CriteriaLoadError
from accreditation.ui import common
from accreditation.ui.common import ui_text

PAGES = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class PageSpec:
    action: str  # the permission that shows the page (see accreditation/permissions.py)
    file: str  # under accreditation/ui/pages/
    title: str  # catalog key
    url: str
    icon: str
    group: str  # catalog key of the menu group


# Every page of the app, in menu order. A role gets the pages `can` allows it; the first is its home page.
REGISTRY: tuple[PageSpec, ...] = (
    PageSpec("page.login", "login", "nav.login", "login", ":material/login:", "nav.account"),
    PageSpec("page.signup", "signup", "nav.signup", "sign-up", ":material/person_add:", "nav.account"),
    PageSpec("page.reset_password", "reset_password", "nav.reset_password", "reset-password", ":material/lock_reset:",
             "nav.account"),
    PageSpec("page.home", "home", "nav.home", "home", ":material/home:", "nav.workspace"),
    PageSpec("page.profile", "profile", "nav.profile", "profile", ":material/apartment:", "nav.workspace"),
    PageSpec("page.questionnaire", "questionnaire", "nav.questionnaire", "self-assessment", ":material/checklist:", "nav.workspace"),
    PageSpec("page.offline", "offline", "nav.offline", "offline", ":material/table_view:", "nav.workspace"),
    PageSpec("page.roster", "roster", "nav.roster", "roster", ":material/badge:", "nav.workspace"),
    PageSpec("page.suppliers", "suppliers", "nav.suppliers", "suppliers", ":material/local_shipping:", "nav.workspace"),
    PageSpec("page.documents", "documents", "nav.results", "results", ":material/description:", "nav.workspace"),
    PageSpec("page.sharing", "sharing", "nav.sharing", "sharing", ":material/share:", "nav.workspace"),
    PageSpec("page.team", "team", "nav.team", "team", ":material/group:", "nav.workspace"),
    PageSpec("page.actions", "actions", "nav.actions", "actions", ":material/task_alt:", "nav.followup_group"),
    PageSpec("page.queue", "queue", "nav.queue", "queue", ":material/inbox:", "nav.review"),
    PageSpec("page.review", "review", "nav.review_page", "review", ":material/fact_check:", "nav.review"),
    PageSpec("page.followup", "followup", "nav.followup", "follow-up", ":material/task_alt:", "nav.followup_group"),
    PageSpec("page.cases", "cases", "nav.cases", "cases", ":material/child_care:", "nav.followup_group"),
    PageSpec("page.portfolio", "portfolio", "nav.portfolio", "portfolio", ":material/monitoring:", "nav.brand"),
    PageSpec("page.invite", "invite", "nav.invite", "invite-suppliers", ":material/forward_to_inbox:", "nav.brand"),
    PageSpec("page.accept_invitation", "invite_accept", "nav.accept_invitation", "accept-invitation",
             ":material/handshake:", "nav.account"),
    PageSpec("page.scheme", "scheme", "nav.scheme", "scheme", ":material/insights:", "nav.scheme_group"),
    PageSpec("page.admin", "admin", "nav.admin_page", "admin", ":material/settings:", "nav.admin"),
    PageSpec("page.registrations", "registrations", "nav.registrations", "registrations", ":material/how_to_reg:",
             "nav.admin"),
    PageSpec("page.awards", "awards", "nav.awards", "award-rounds", ":material/emoji_events:", "nav.admin"),
    PageSpec("page.notifications", "notifications", "nav.notifications", "notifications",
             ":material/notifications:", "nav.account"),
    PageSpec("page.account", "account", "nav.account_page", "account", ":material/manage_accounts:", "nav.account"),
    PageSpec("page.verify", "verify", "nav.verify", "verify", ":material/verified:", "nav.public"),
    PageSpec("page.register", "register", "nav.register", "awardees", ":material/workspace_premium:", "nav.public"),
)


def allowed_pages(actor) -> list[PageSpec]:
    """The pages `actor` may open. A page file that is not there yet is left out rather than breaking the menu;
    tests/test_app_pages.py checks that every role's list is complete."""
    return [p for p in REGISTRY if can(actor, p.action) and (PAGES / f"{p.file}.py").exists()]


def pages_for(actor, verifying: bool = False) -> dict[str, list[st.Page]]:
    """The menu for `actor`. `verifying`: the URL carries ?verify=… (a scanned QR code), so the verify page opens."""
    menu: dict[str, list[st.Page]] = {}
    specs = allowed_pages(actor)
    if verifying:
        specs.sort(key=lambda p: p.action != "page.verify")
    for n, spec in enumerate(specs):
        role = getattr(actor, "role", None)
        page = st.Page(str((PAGES / f"{spec.file}.py").relative_to(ROOT)), title=common.role_text(spec.title, role),
                       url_path=spec.url, icon=spec.icon, default=n == 0)
        menu.setdefault(common.role_text(spec.group, role), []).append(page)
    return menu


def _cannot_start(exc: Exception) -> None:
    """The app cannot serve anyone (a signing key lost while documents exist, a broken data file): say why, in
    full, and change nothing. No page runs, so nothing that needs the database or the criteria is asked."""
    lang = normalise_language(st.query_params.get("lang"))
    if isinstance(exc, CriteriaLoadError):
        st.error(catalog_text("app.criteria_invalid", lang))
        for line in exc.messages(lang):
            st.write(line)
    else:
        st.error(common.page_message(exc.message(lang)))
    st.stop()


def run() -> None:
    st.set_page_config(page_title=ui_text("app.title"), page_icon=":material/verified_user:", layout="wide")
    try:
        if not settings.serving_locally() and not settings.configured_url():
            raise UserError.from_key("app.public_url_needed", address=settings.served_address() or "0.0.0.0")
        common.db()  # the first run creates the database and the demo accounts, and prints them
        c = common.criteria()
    except (UserError, CriteriaLoadError) as exc:
        _cannot_start(exc)
    actor = common.current_actor()
    common.session_cookie()
    if st.session_state.pop("_ended", False):
        st.info(ui_text("app.session_ended"))
    common.language_switch()
    if actor is not None:
        st.sidebar.caption(ui_text("app.signed_in_as", name=common.md(actor.name), role=ui_text(f"roles.{actor.role}")))
        if st.sidebar.button(ui_text("app.sign_out"), key="sign_out"):
            common.sign_out()
            st.rerun()
    if c.settings.status == "reference":
        st.sidebar.caption(ui_text("app.reference_notice", version=c.version), help=common.localised(c.settings.notice))
    menu = pages_for(actor, verifying=bool(st.query_params.get("verify")))
    # expanded: every page is listed; a long menu (the company's) would otherwise end in Streamlit's own "View N
    # more", in English whatever the language
    nav = st.navigation(menu, expanded=True)
    unread = 0
    if actor is not None:
        from accreditation.ui.notifications import unread_link

        unread = unread_link(menu, actor)  # one COUNT on an index, every rerun
    phone_menu(menu, nav, actor, unread)
    common.show_flashes()
    nav.run()


PHONE_MENU = "phone_menu"
# Below Streamlit's mobile width the sidebar (and its menu) hides behind an unlabelled "»" and stays open over the
# page after a choice. There, a labelled menu button opens the pages at the top of every page; it closes when a
# page is chosen. Wider screens keep the sidebar and never see it.
_PHONE_ONLY = f"<style>@media (min-width: 768px) {{ .st-key-{PHONE_MENU}-box {{ display: none }} }}</style>"


def phone_menu(menu: dict[str, list[st.Page]], current: st.Page, actor, unread: int = 0) -> None:
    """`unread`: the sidebar's count of unread notifications, which a phone never sees: shown on the menu button and
    beside the notifications page."""
    if sum(len(pages) for pages in menu.values()) < 2:
        return
    if st.session_state.get("_menu_page") != current.url_path:  # a page was chosen: close the menu
        st.session_state["_menu_page"] = current.url_path
        st.session_state[PHONE_MENU] = False
    with st.container(key=f"{PHONE_MENU}-box"):
        st.html(_PHONE_ONLY)
        label = ui_text("app.menu", page=current.title) + (f" · 🔔 {unread}" if unread else "")
        with st.popover(label, icon=":material/menu:", key=PHONE_MENU,
                        on_change="rerun", width="stretch"):
            for group, pages in menu.items():
                st.caption(group)
                for page in pages:
                    title = f"{page.title} ({unread})" if unread and page.url_path == "notifications" else page.title
                    st.page_link(page, label=title, icon=page.icon, width="stretch",
                                 disabled=page.url_path == current.url_path)
            if actor is not None:
                st.divider()
                if st.button(ui_text("app.sign_out"), key="sign_out_phone", icon=":material/logout:"):
                    common.sign_out()
                    st.rerun()
