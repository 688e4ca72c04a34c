"""Who may do what: permissions as data (`RULES`) plus one pure function, `can(actor, action, resource)`.

A rule says that a role may take an action when a condition on the actor and the resource holds. Anything not
granted by a rule is refused. The router lists only the pages a role may see (`can`), and every library function
that changes data calls `require` itself, so the menu is never the only guard (tests/test_guards.py calls each of
them as every role).

A resource is a plain dict. For an assessment: `organisation_id`, `status`, `assigned_to`, and `shared_with` (the
brand organisations the company shares its results with). For an organisation or a share: `organisation_id`. For
a user account: `user_id`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

Resource = Mapping[str, Any] | None

ANONYMOUS = "anonymous"
ROLES = ("sme", "assessor", "brand", "admin", "authority", "association")
NOT_DRAFT = ("submitted", "in_review", "changes_requested", "approved", "rejected")
DECIDED = ("changes_requested", "approved", "rejected")


def _own_org(actor: Any, resource: Resource) -> bool:
    return resource is not None and resource.get("organisation_id") == actor.organisation_id


def _own_draft(actor: Any, resource: Resource) -> bool:
    return _own_org(actor, resource) and resource.get("status") == "draft"


def _own_decided(actor: Any, resource: Resource) -> bool:
    return _own_org(actor, resource) and resource.get("status") in DECIDED


def _own_account(actor: Any, resource: Resource) -> bool:
    return resource is not None and resource.get("user_id") == actor.id


def _reviewable(actor: Any, resource: Resource) -> bool:
    """Submitted work that is unassigned or assigned to this assessor (a lead assessor: all of it), never the
    assessor's own organisation's."""
    if resource is None or resource.get("status") not in NOT_DRAFT or _own_org(actor, resource):
        return False
    return bool(actor.lead) or resource.get("assigned_to") in (None, actor.id)


def _lead_reviewable(actor: Any, resource: Resource) -> bool:
    """A second pair of eyes: a lead assessor on work they may review."""
    return bool(actor.lead) and _reviewable(actor, resource)


def _shared_with_me(actor: Any, resource: Resource) -> bool:
    return (resource is not None and resource.get("status") in NOT_DRAFT
            and actor.organisation_id in (resource.get("shared_with") or ()))


def _case_assessor(actor: Any, resource: Resource) -> bool:
    """A child-labour case: the assessor assigned to it (or any assessor while none is), a lead assessor, never
    one of the company's own staff."""
    if resource is None or _own_org(actor, resource):
        return False
    return bool(actor.lead) or resource.get("assessor_id") in (None, actor.id)


def _lead(actor: Any, resource: Resource) -> bool:
    return bool(actor.lead)


def _always(actor: Any, resource: Resource) -> bool:
    return True


CONDITIONS: dict[str, Callable[[Any, Resource], bool]] = {
    "always": _always,
    "own_org": _own_org,
    "own_draft": _own_draft,
    "reviewable": _reviewable,
    "lead_reviewable": _lead_reviewable,
    "own_decided": _own_decided,
    "own_account": _own_account,
    "shared_with_me": _shared_with_me,
    "lead": _lead,
    "case_assessor": _case_assessor,
}


@dataclass(frozen=True)
class Rule:
    role: str  # a role, or "anonymous" for someone not signed in, or "*" for everyone signed in
    action: str
    condition: str = "always"


RULES: tuple[Rule, ...] = (
    # Anyone, signed in or not, may verify a document.
    Rule(ANONYMOUS, "page.verify"), Rule("*", "page.verify"),
    Rule(ANONYMOUS, "page.login"),
    # An invitation link opens its page before anyone has an account; the token is checked by the library.
    Rule(ANONYMOUS, "page.accept_invitation"), Rule("sme", "page.accept_invitation"),
    Rule("sme", "invitation.accept", "own_org"),
    Rule("*", "page.home"),
    Rule("*", "account.edit", "own_account"),
    Rule("*", "page.notifications"), Rule("*", "notification.read", "own_account"),
    # Companies: their own organisation's work only.
    Rule("sme", "page.profile"), Rule("sme", "page.questionnaire"), Rule("sme", "page.roster"),
    Rule("sme", "page.suppliers"), Rule("sme", "page.documents"), Rule("sme", "page.sharing"),
    Rule("sme", "organisation.edit", "own_org"),
    Rule("sme", "assessment.view", "own_org"),
    Rule("sme", "assessment.create", "own_org"),
    Rule("sme", "assessment.edit", "own_draft"),
    Rule("sme", "assessment.submit", "own_draft"),
    Rule("sme", "assessment.dispute", "own_decided"),
    Rule("sme", "share.manage", "own_org"),
    Rule("sme", "page.invite"), Rule("sme", "invitation.manage", "own_org"),  # its own suppliers (the cascade)
    # After the decision: the company works on its corrective actions and its child-labour cases.
    Rule("sme", "page.actions"), Rule("sme", "page.cases"),
    Rule("sme", "action.view", "own_org"), Rule("sme", "action.update", "own_org"),
    Rule("sme", "case.view", "own_org"), Rule("sme", "case.manage", "own_org"),
    # Assessors: submitted work, assigned to them or unassigned (a lead assessor: all), never their own
    # organisation's; a second, lead assessor signs off the tiers that need four eyes.
    Rule("assessor", "page.queue"), Rule("assessor", "page.review"),
    Rule("assessor", "assessment.view", "reviewable"),
    Rule("assessor", "assessment.review", "reviewable"),
    Rule("assessor", "assessment.decide", "reviewable"),
    Rule("assessor", "assessment.sign_off", "lead_reviewable"),
    Rule("assessor", "certificate.revoke", "lead"),
    # After the decision: the assessor verifies that actions are closed (or reopens them) and agrees to close a
    # case. An action's resource is the company's latest submitted version (see accreditation.actions).
    Rule("assessor", "page.followup"), Rule("assessor", "page.cases"),
    Rule("assessor", "action.view", "reviewable"), Rule("assessor", "action.verify", "reviewable"),
    Rule("assessor", "case.view", "case_assessor"), Rule("assessor", "case.close", "case_assessor"),
    # Brands: only what suppliers chose to share with them.
    Rule("brand", "page.portfolio"),
    Rule("brand", "page.invite"), Rule("brand", "invitation.manage", "own_org"),
    Rule("brand", "assessment.view", "shared_with_me"),
    Rule("brand", "action.progress", "shared_with_me"),  # counts by status and open cases; never worker data
    # Administrators: organisations, users and criteria versions; they may revoke documents too.
    Rule("admin", "page.admin"),
    Rule("admin", "users.manage"), Rule("admin", "criteria.manage"), Rule("admin", "certificate.revoke"),
    Rule("admin", "organisation.edit"),
    # Public: the register of awardees; signing up and resetting a forgotten password before signing in.
    Rule(ANONYMOUS, "page.register"), Rule("*", "page.register"),
    Rule(ANONYMOUS, "page.signup"), Rule(ANONYMOUS, "page.reset_password"),
    Rule("*", "page.account"),  # one's own password and language (account.edit, own_account)
    # A company: who works in it (requests to join are approved by a user already in it), the offline
    # questionnaire, and whether it is listed on the public register.
    Rule("sme", "page.team"), Rule("sme", "membership.approve", "own_org"),
    Rule("sme", "page.offline"),
    Rule("sme", "listing.manage", "own_org"),
    # The scheme owner: award rounds, sign-ups waiting for activation, and the whole country's statistics.
    Rule("admin", "page.awards"), Rule("admin", "round.manage"),
    Rule("admin", "page.registrations"),
    Rule("admin", "page.scheme"), Rule("admin", "scheme.view"),
    # Authorities (the ministry, a provincial labour agency): statistics only, never one company's answers, and
    # suppressed below the threshold (see accreditation.scheme); the province scope is applied to the data.
    Rule("authority", "page.scheme"), Rule("authority", "scheme.view"),
    # Associations (a union, the cooperative alliance, a business association): like a brand, only what members
    # chose to share with them.
    Rule("association", "page.portfolio"),
    Rule("association", "assessment.view", "shared_with_me"),
    Rule("association", "action.progress", "shared_with_me"),
)

_BY_ROLE_ACTION: dict[tuple[str, str], tuple[str, ...]] = {}
for _rule in RULES:
    _BY_ROLE_ACTION.setdefault((_rule.role, _rule.action), ())
    _BY_ROLE_ACTION[(_rule.role, _rule.action)] += (_rule.condition,)
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.action for r in RULES))


def can(actor: Any, action: str, resource: Resource = None) -> bool:
    """True when a rule grants `action` on `resource` to `actor` (None when nobody is signed in)."""
    if actor is None:
        return bool(_BY_ROLE_ACTION.get((ANONYMOUS, action)))
    for role in (actor.role, "*"):
        for condition in _BY_ROLE_ACTION.get((role, action), ()):
            if CONDITIONS[condition](actor, resource):
                return True
    return False


def require(actor: Any, action: str, resource: Resource = None) -> None:
    """Refuse with a message (not a traceback) when `can` says no."""
    if not can(actor, action, resource):
        from accreditation.errors import UserError

        raise UserError.from_key("errors.not_allowed")
