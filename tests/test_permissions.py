"""Every role × action × ownership case, as one table."""

from dataclasses import dataclass

import pytest

from accreditation.permissions import ACTIONS, ROLES, RULES, can


@dataclass(frozen=True)
class A:
    id: int
    role: str
    organisation_id: int
    lead: bool = False


SME = A(1, "sme", organisation_id=10)
OTHER_SME = A(2, "sme", organisation_id=11)
ASSESSOR = A(3, "assessor", organisation_id=20)
OTHER_ASSESSOR = A(4, "assessor", organisation_id=20)
LEAD = A(5, "assessor", organisation_id=20, lead=True)
BRAND = A(6, "brand", organisation_id=30)
OTHER_BRAND = A(7, "brand", organisation_id=31)
ADMIN = A(8, "admin", organisation_id=40)
OWN_ORG_LEAD = A(9, "assessor", organisation_id=10, lead=True)  # an assessor account inside the company itself
AUTHORITY = A(10, "authority", organisation_id=50)
ASSOCIATION = A(11, "association", organisation_id=60)


def work(status="submitted", assigned_to=None, shared_with=(30,)):
    return {"organisation_id": 10, "status": status, "assigned_to": assigned_to, "shared_with": list(shared_with)}


CASES = [
    # (actor, action, resource, allowed)
    (None, "page.login", None, True),
    (None, "page.verify", None, True),
    (None, "page.home", None, False),
    (None, "assessment.view", work(), False),
    (SME, "page.login", None, False),
    (SME, "page.verify", None, True),
    (SME, "page.questionnaire", None, True),
    (SME, "page.queue", None, False),
    (SME, "page.portfolio", None, False),
    (SME, "page.admin", None, False),
    (SME, "assessment.view", work("draft"), True),
    (SME, "assessment.view", work("approved"), True),
    (OTHER_SME, "assessment.view", work("submitted"), False),
    (SME, "assessment.edit", work("draft"), True),
    (SME, "assessment.edit", work("submitted"), False),
    (OTHER_SME, "assessment.edit", work("draft"), False),
    (SME, "assessment.submit", work("draft"), True),
    (OTHER_SME, "assessment.submit", work("draft"), False),
    (SME, "assessment.decide", work(), False),
    (SME, "share.manage", {"organisation_id": 10}, True),
    (OTHER_SME, "share.manage", {"organisation_id": 10}, False),
    (SME, "organisation.edit", {"organisation_id": 10}, True),
    (OTHER_SME, "organisation.edit", {"organisation_id": 10}, False),
    (SME, "certificate.revoke", None, False),
    (ASSESSOR, "page.queue", None, True),
    (ASSESSOR, "page.questionnaire", None, False),
    (ASSESSOR, "assessment.view", work("draft"), False),
    (ASSESSOR, "assessment.view", work("submitted"), True),
    (ASSESSOR, "assessment.view", work("in_review", assigned_to=3), True),
    (OTHER_ASSESSOR, "assessment.view", work("in_review", assigned_to=3), False),
    (LEAD, "assessment.view", work("in_review", assigned_to=3), True),
    (LEAD, "assessment.view", work("draft"), False),
    (ASSESSOR, "assessment.decide", work("in_review", assigned_to=3), True),
    (OTHER_ASSESSOR, "assessment.decide", work("in_review", assigned_to=3), False),
    (ASSESSOR, "assessment.edit", work("submitted"), False),
    (ASSESSOR, "certificate.revoke", None, False),
    (LEAD, "certificate.revoke", None, True),
    (ASSESSOR, "users.manage", None, False),
    (BRAND, "page.portfolio", None, True),
    # invitations: the inviter manages its own; the supplier's page opens without an account
    (BRAND, "page.invite", None, True), (SME, "page.invite", None, True), (ASSESSOR, "page.invite", None, False),
    (None, "page.invite", None, False), (ADMIN, "page.invite", None, False),
    (BRAND, "invitation.manage", {"organisation_id": 30}, True),
    (OTHER_BRAND, "invitation.manage", {"organisation_id": 30}, False),
    (SME, "invitation.manage", {"organisation_id": 10}, True),
    (OTHER_SME, "invitation.manage", {"organisation_id": 10}, False),
    (ADMIN, "invitation.manage", {"organisation_id": 30}, False),
    (None, "page.accept_invitation", None, True), (SME, "page.accept_invitation", None, True),
    (BRAND, "page.accept_invitation", None, False), (ASSESSOR, "page.accept_invitation", None, False),
    (SME, "invitation.accept", {"organisation_id": 10}, True),
    (OTHER_SME, "invitation.accept", {"organisation_id": 10}, False),
    (BRAND, "invitation.accept", {"organisation_id": 30}, False), (None, "invitation.accept", None, False),
    (BRAND, "page.queue", None, False),
    (BRAND, "assessment.view", work("approved", shared_with=(30,)), True),
    (OTHER_BRAND, "assessment.view", work("approved", shared_with=(30,)), False),
    (BRAND, "assessment.view", work("draft", shared_with=(30,)), False),  # drafts are never shown
    (BRAND, "assessment.view", work("approved", shared_with=()), False),  # withdrawn
    (BRAND, "assessment.decide", work(), False),
    (ADMIN, "page.admin", None, True),
    (ADMIN, "users.manage", None, True),
    (ADMIN, "criteria.manage", None, True),
    (ADMIN, "certificate.revoke", None, True),
    (ADMIN, "assessment.view", work(), False),
    (ADMIN, "page.questionnaire", None, False),
    (ADMIN, "organisation.edit", {"organisation_id": 10}, True),
    (SME, "assessment.create", {"organisation_id": 10}, True),
    (OTHER_SME, "assessment.create", {"organisation_id": 10}, False),
    (ASSESSOR, "assessment.create", {"organisation_id": 10}, False),
    (SME, "assessment.dispute", work("rejected"), True),
    (SME, "assessment.dispute", work("approved"), True),
    (SME, "assessment.dispute", work("submitted"), False),
    (OTHER_SME, "assessment.dispute", work("rejected"), False),
    (ASSESSOR, "assessment.dispute", work("rejected"), False),
    # an assessor never reviews or decides their own organisation's assessment, even as a lead
    (OWN_ORG_LEAD, "assessment.view", work("submitted"), False),
    (OWN_ORG_LEAD, "assessment.review", work("in_review"), False),
    (OWN_ORG_LEAD, "assessment.decide", work("in_review"), False),
    (OWN_ORG_LEAD, "assessment.sign_off", work("in_review"), False),
    (LEAD, "assessment.sign_off", work("in_review", assigned_to=3), True),
    (ASSESSOR, "assessment.sign_off", work("in_review", assigned_to=3), False),
    (LEAD, "assessment.sign_off", work("draft"), False),
    (SME, "account.edit", {"user_id": 1}, True),
    (SME, "account.edit", {"user_id": 2}, False),
    (ADMIN, "account.edit", {"user_id": 8}, True),
    (None, "account.edit", {"user_id": 1}, False),
    # authorities: statistics only, never a company's answers, actions or cases
    (AUTHORITY, "page.scheme", None, True), (AUTHORITY, "scheme.view", None, True),
    (AUTHORITY, "assessment.view", work("approved"), False),
    (AUTHORITY, "assessment.view", work("approved", shared_with=(50,)), False),  # not even if shared with it
    (AUTHORITY, "action.progress", work("approved", shared_with=(50,)), False),
    (AUTHORITY, "case.view", {"organisation_id": 10, "assessor_id": None}, False),
    (AUTHORITY, "users.manage", None, False), (AUTHORITY, "round.manage", None, False),
    (ADMIN, "scheme.view", None, True), (SME, "scheme.view", None, False), (BRAND, "scheme.view", None, False),
    (ASSESSOR, "scheme.view", None, False), (ASSOCIATION, "scheme.view", None, False),
    # associations: like a brand, what members shared with them
    (ASSOCIATION, "assessment.view", work("approved", shared_with=(60,)), True),
    (ASSOCIATION, "assessment.view", work("approved", shared_with=(30,)), False),
    (ASSOCIATION, "assessment.view", work("draft", shared_with=(60,)), False),
    (ASSOCIATION, "action.progress", work("approved", shared_with=(60,)), True),
    (ASSOCIATION, "action.progress", work("approved", shared_with=(30,)), False),
    (ASSOCIATION, "assessment.decide", work(), False),
    # the register: anyone reads it; a company lists itself; the administrator runs the award rounds
    (SME, "listing.manage", {"organisation_id": 10}, True),
    (OTHER_SME, "listing.manage", {"organisation_id": 10}, False),
    (BRAND, "listing.manage", {"organisation_id": 30}, False),
    (ADMIN, "round.manage", None, True), (SME, "round.manage", None, False), (ASSESSOR, "round.manage", None, False),
    # a request to join a company is approved by a user already in it
    (SME, "membership.approve", {"organisation_id": 10}, True),
    (OTHER_SME, "membership.approve", {"organisation_id": 10}, False),
    (ADMIN, "membership.approve", {"organisation_id": 10}, False),
]


# Which pages each kind of visitor gets (the router lists exactly these).
PAGES = {
    #                 anonymous sme    assessor brand  admin  authority association
    "page.login":      (True,   False, False,   False, False, False, False),
    "page.verify":     (True,   True,  True,    True,  True, True,  True),
    "page.home":       (False,  True,  True,    True,  True, True,  True),
    "page.profile":    (False,  True,  False,   False, False, False, False),
    "page.questionnaire": (False, True, False,  False, False, False, False),
    "page.roster":     (False,  True,  False,   False, False, False, False),
    "page.suppliers":  (False,  True,  False,   False, False, False, False),
    "page.documents":  (False,  True,  False,   False, False, False, False),
    "page.sharing":    (False,  True,  False,   False, False, False, False),
    "page.queue":      (False,  False, True,    False, False, False, False),
    "page.review":     (False,  False, True,    False, False, False, False),
    "page.portfolio":  (False,  False, False,   True,  False, False, True),
    "page.admin":      (False,  False, False,   False, True, False, False),
    "page.actions":    (False,  True,  False,   False, False, False, False),
    "page.followup":   (False,  False, True,    False, False, False, False),
    "page.cases":      (False,  True,  True,    False, False, False, False),
    "page.notifications": (False, True, True,   True,  True, True,  True),
    "page.register":  (True,   True,  True,    True,  True,  True,  True),
    "page.signup":    (True,   False, False,   False, False, False, False),
    "page.reset_password": (True, False, False, False, False, False, False),
    "page.account":   (False,  True,  True,    True,  True,  True,  True),
    "page.team":      (False,  True,  False,   False, False, False, False),
    "page.offline":   (False,  True,  False,   False, False, False, False),
    "page.scheme":    (False,  False, False,   False, True,  True,  False),
    "page.awards":    (False,  False, False,   False, True,  False, False),
    "page.registrations": (False, False, False, False, True, False, False),
}
for page, allowed in PAGES.items():
    for actor, ok in zip((None, SME, ASSESSOR, BRAND, ADMIN, AUTHORITY, ASSOCIATION), allowed, strict=True):
        CASES.append((actor, page, None, ok))
CASES += [
    (ASSESSOR, "assessment.review", work("submitted"), True),
    (OTHER_ASSESSOR, "assessment.review", work("in_review", assigned_to=3), False),
    (LEAD, "assessment.review", work("in_review", assigned_to=3), True),
    (SME, "assessment.review", work("submitted"), False),
    # corrective actions: the company updates its own; the assessor who may review its latest submitted version
    # verifies; a brand it shares with sees progress only
    (SME, "action.view", work("approved"), True),
    (SME, "action.update", work("approved"), True),
    (OTHER_SME, "action.update", work("approved"), False),
    (ASSESSOR, "action.update", work("approved"), False),
    (ASSESSOR, "action.verify", work("approved"), True),
    (ASSESSOR, "action.view", work("approved", assigned_to=3), True),
    (OTHER_ASSESSOR, "action.verify", work("approved", assigned_to=3), False),
    (LEAD, "action.verify", work("approved", assigned_to=3), True),
    (OWN_ORG_LEAD, "action.verify", work("approved"), False),
    (SME, "action.verify", work("approved"), False),
    (BRAND, "action.progress", work("approved", shared_with=(30,)), True),
    (OTHER_BRAND, "action.progress", work("approved", shared_with=(30,)), False),
    (BRAND, "action.view", work("approved", shared_with=(30,)), False),  # never the actions themselves
    (BRAND, "action.update", work("approved", shared_with=(30,)), False),
    # child-labour cases: the company and the case's assessor (a lead: any); never a brand
    (SME, "case.manage", {"organisation_id": 10, "assessor_id": 3}, True),
    (OTHER_SME, "case.view", {"organisation_id": 10, "assessor_id": 3}, False),
    (ASSESSOR, "case.view", {"organisation_id": 10, "assessor_id": 3}, True),
    (ASSESSOR, "case.close", {"organisation_id": 10, "assessor_id": None}, True),
    (OTHER_ASSESSOR, "case.view", {"organisation_id": 10, "assessor_id": 3}, False),
    (LEAD, "case.close", {"organisation_id": 10, "assessor_id": 3}, True),
    (OWN_ORG_LEAD, "case.view", {"organisation_id": 10, "assessor_id": None}, False),
    (SME, "case.close", {"organisation_id": 10, "assessor_id": 3}, False),
    (ASSESSOR, "case.manage", {"organisation_id": 10, "assessor_id": 3}, False),
    (BRAND, "case.view", {"organisation_id": 10, "assessor_id": 3, "shared_with": [30]}, False),
    (ADMIN, "case.view", {"organisation_id": 10, "assessor_id": 3}, False),
    # notifications: one's own only
    (SME, "notification.read", {"user_id": 1}, True),
    (SME, "notification.read", {"user_id": 2}, False),
    (None, "notification.read", {"user_id": 1}, False),
]


@pytest.mark.parametrize("actor, action, resource, allowed", CASES)
def test_permission_table(actor, action, resource, allowed):
    assert can(actor, action, resource) is allowed


def test_every_action_in_the_rules_is_covered_by_the_table():
    assert set(ACTIONS) <= {case[1] for case in CASES}


def test_an_unknown_action_is_refused_for_everyone():
    assert not any(can(a, "assessment.delete", work()) for a in (None, SME, ASSESSOR, LEAD, BRAND, ADMIN))


def test_rules_name_only_known_roles():
    assert {r.role for r in RULES} <= {"anonymous", "*", *ROLES}
