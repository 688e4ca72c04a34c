import pytest

from criteria.conditions import ConditionSyntaxError, parse_condition


@pytest.mark.parametrize(
    "text, answers, expected",
    [
        ("${a} = 'yes'", {"a": "yes"}, True),
        ("${a} = 'yes'", {"a": "no"}, False),
        ("${a} = 'yes'", {}, False),
        ("${a} != 'yes'", {"a": "no"}, True),
        ("${a} != 'yes'", {}, False),  # unanswered: every comparison is false
        ("not (${a} = 'yes')", {}, True),
        ("${n} > 0", {"n": 3}, True),
        ("${n} > 0", {"n": 0}, False),
        ("${n} >= 15", {"n": 15}, True),
        ("${n} < 15", {"n": 15}, False),
        ("${n} <= 15", {"n": "15"}, True),  # numbers typed as text compare as numbers
        ("${n} > 2", {"n": "10"}, True),
        ("selected(${m}, 'x')", {"m": ["x", "y"]}, True),
        ("selected(${m}, 'z')", {"m": ["x", "y"]}, False),
        ("selected(${m}, 'x')", {"m": "x"}, True),
        ("count-selected(${m}) > 1", {"m": ["x", "y"]}, True),
        ("count-selected(${m}) > 1", {}, False),
        ("${a} = 'yes' and ${b} = 'yes'", {"a": "yes", "b": "no"}, False),
        ("${a} = 'yes' or ${b} = 'yes'", {"a": "no", "b": "yes"}, True),
        ("${a} = 'yes' or ${b} = 'yes' and ${c} = 'yes'", {"a": "yes"}, True),  # and binds tighter
        ("(${a} = 'yes' or ${b} = 'yes') and ${c} = 'yes'", {"a": "yes"}, False),
        ("NOT ${a} = 'no' AND ${b}", {"a": "yes", "b": "x"}, True),
        ("${a}", {"a": "anything"}, True),
        ("${a}", {"a": ""}, False),
    ],
)
def test_condition_evaluates(text, answers, expected):
    assert parse_condition(text)(answers) is expected


def test_condition_lists_the_questions_it_refers_to():
    assert parse_condition("${a} = 'x' or selected(${b}, 'y') or ${a} > 2").refs == ("a", "b")


@pytest.mark.parametrize(
    "text, position, words",
    [
        ("${a} = ", 6, "expected"),
        ("${a} == 'x'", 6, "expected"),
        ("${a} = 'x' and", 14, "expected"),
        ("__import__('os')", 0, "unexpected character"),
        ("eval(${a})", 0, "unknown word"),
        ("${a} = 'x')", 10, "unexpected"),
        ("(${a} = 'x'", 11, "expected ')'"),
        ("count-selected(${m})", 20, "must be compared"),
        ("${a} = 'unterminated", 7, "not closed"),
    ],
)
def test_condition_syntax_errors_say_where(text, position, words):
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(text)
    assert info.value.position == position
    assert words in info.value.message
