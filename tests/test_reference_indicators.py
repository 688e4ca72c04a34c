"""The reference criteria's indicators for Labour Code 2019 art. 17 and the signs of forced labour that reach minors
(issue 14; sources in docs/legal-sources.md §10): where they sit, what they cite, which one knocks a company out."""

import pytest

from criteria.datafiles import default_criteria
from scoring.engine import assess
from seed import example_values

CRITERIA = default_criteria()
BY_ID = {i.id: i for i in CRITERIA.indicators}


@pytest.mark.parametrize("iid, section, critical, priority, basis", [
    ("REC-07", "REC", False, "major", ("art. 17(1)", "Decree 283/2026/ND-CP, art. 15(2)(a)")),
    ("REC-08", "REC", False, "major", ("art. 17(2)", "art. 11(1)(b)", "art. 15(2)(b)")),
    ("YW-10", "YW", True, "critical", ("art. 3(7)", "art. 17", "Decree 283/2026/ND-CP, art. 17(4)")),
])
def test_the_new_indicators_cite_the_law(iid, section, critical, priority, basis):
    ind = BY_ID[iid]
    assert (ind.section, ind.critical, ind.priority) == (section, critical, priority)
    for part in basis:
        assert part in ind.legal_basis.en, (iid, part)
    assert "Điều 17" in ind.legal_basis.vi and ind.label.vi and ind.label.en and ind.remediation.vi and \
        ind.remediation.en and ind.guidance.vi and ind.guidance.en
    assert "ILO indicators of forced labour" in ind.reference


def test_section_weights_still_add_up():
    for section in ("REC", "YW"):
        assert sum(i.weight for i in CRITERIA.indicators if i.section == section) == 100


@pytest.mark.parametrize("iid, knocks_out", [("REC-07", False), ("REC-08", False), ("YW-10", True)])
def test_found_is_a_knockout_only_for_forced_labour_reaching_minors(iid, knocks_out):
    answers = {**example_values("strong"), iid: "found"}
    result = assess(CRITERIA, answers)
    assert (iid in result.knockouts) is knocks_out
    assert result.eligible is not knocks_out
    action = next(a for a in result.remediation if a.indicator == iid)
    assert action.priority == BY_ID[iid].priority
