"""Skip-logic conditions (`relevant`): a small whitelisted grammar, parsed once at load, never `eval`.

Grammar::

    expr    := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | primary
    primary := "(" expr ")" | call | operand (OP operand)?
    call    := "selected" "(" ref "," string ")" | "count-selected" "(" ref ")" (OP operand)?
    operand := ref | string | number
    OP      := "=" | "!=" | "<" | "<=" | ">" | ">="

An unanswered question (None) makes every comparison false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]


class ConditionSyntaxError(ValueError):
    """Raised with a position-aware message; the loader adds file, row and column."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<name>[A-Za-z][A-Za-z0-9_\-]*)\})
      | (?P<string>'(?P<sval>[^']*)')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z][A-Za-z\-]*)
    )""",
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "selected", "count-selected"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ref | string | number | op | punct | word | end
    value: Any
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        while text[pos].isspace():
            pos += 1
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos] == "'":
                raise ConditionSyntaxError("text in quotes is not closed with '", pos)
            raise ConditionSyntaxError(f"unexpected character {text[pos:pos + 1]!r}", pos)
        start = m.start(m.lastgroup) if m.lastgroup else pos
        kind = next(k for k in ("ref", "string", "number", "op", "punct", "word") if m.group(k) is not None)
        if kind == "ref":
            value: Any = m.group("name")
        elif kind == "string":
            value = m.group("sval")
        elif kind == "number":
            raw = m.group("number")
            value = float(raw) if "." in raw else int(raw)
        elif kind == "word":
            value = m.group("word").lower()
            if value not in _KEYWORDS:
                raise ConditionSyntaxError(f"unknown word or function {m.group('word')!r}", start)
        else:
            value = m.group(kind)
        tokens.append(Token(kind, value, start))
        pos = m.end()
    tokens.append(Token("end", None, len(text)))
    return tokens


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None or isinstance(left, list) or isinstance(right, list):
        return False
    ln, rn = _as_number(left), _as_number(right)
    if ln is not None and rn is not None:
        left, right = ln, rn
    else:
        left, right = str(left), str(right)
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    try:
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.refs: list[str] = []

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, value: Any = None) -> Token:
        tok = self.take()
        if tok.kind != kind or (value is not None and tok.value != value):
            wanted = repr(value) if value is not None else kind
            got = "end of condition" if tok.kind == "end" else repr(tok.value)
            raise ConditionSyntaxError(f"expected {wanted}, found {got}", tok.position)
        return tok

    def parse(self) -> Predicate:
        pred = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionSyntaxError(f"unexpected {tok.value!r}", tok.position)
        return pred

    def or_(self) -> Predicate:
        parts = [self.and_()]
        while self.peek().kind == "word" and self.peek().value == "or":
            self.take()
            parts.append(self.and_())
        if len(parts) == 1:
            return parts[0]
        return lambda a, parts=tuple(parts): any(p(a) for p in parts)

    def and_(self) -> Predicate:
        parts = [self.unary()]
        while self.peek().kind == "word" and self.peek().value == "and":
            self.take()
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        return lambda a, parts=tuple(parts): all(p(a) for p in parts)

    def unary(self) -> Predicate:
        tok = self.peek()
        if tok.kind == "word" and tok.value == "not":
            self.take()
            inner = self.unary()
            return lambda a: not inner(a)
        return self.primary()

    def primary(self) -> Predicate:
        tok = self.peek()
        if tok.kind == "punct" and tok.value == "(":
            self.take()
            inner = self.or_()
            self.expect("punct", ")")
            return inner
        if tok.kind == "word" and tok.value == "selected":
            self.take()
            self.expect("punct", "(")
            name = self.ref()
            self.expect("punct", ",")
            choice = self.expect("string").value

            def selected(a: Answers, name=name, choice=choice) -> bool:
                value = a.get(name)
                if isinstance(value, list):
                    return choice in value
                return value == choice

            self.expect("punct", ")")
            return selected
        left = self.operand()
        op_tok = self.peek()
        if op_tok.kind != "op":
            if left[0] == "count":
                raise ConditionSyntaxError("count-selected(...) must be compared, e.g. count-selected(${q}) > 1",
                                           op_tok.position)
            if left[0] == "ref":  # a bare reference: true when answered
                name = left[1]
                return lambda a: a.get(name) not in (None, "", [])
            raise ConditionSyntaxError("expected a comparison operator", op_tok.position)
        self.take()
        right = self.operand()
        op = op_tok.value
        fast = self._fast_equality(op, left, right)
        if fast is not None:
            return fast
        lget, rget = self._getter(left), self._getter(right)
        return lambda a: _compare(op, lget(a), rget(a))

    @staticmethod
    def _fast_equality(op: str, left: tuple[str, Any], right: tuple[str, Any]) -> Predicate | None:
        """`${q} = 'text'` is by far the commonest condition: compare directly when the text is not a number."""
        if op not in ("=", "!=") or left[0] != "ref" or right[0] != "const" or not isinstance(right[1], str):
            return None
        if _as_number(right[1]) is not None:
            return None
        name, const = left[1], right[1]

        def equal(a: Answers) -> bool:
            v = a.get(name)
            if v is None or v.__class__ is list:
                return False
            return (v if v.__class__ is str else str(v)) == const

        if op == "=":
            return equal
        return lambda a: a.get(name) is not None and a.get(name).__class__ is not list and not equal(a)

    def ref(self) -> str:
        tok = self.expect("ref")
        self.refs.append(tok.value)
        return tok.value

    def operand(self) -> tuple[str, Any]:
        tok = self.peek()
        if tok.kind == "ref":
            return ("ref", self.ref())
        if tok.kind in ("string", "number"):
            self.take()
            return ("const", tok.value)
        if tok.kind == "word" and tok.value == "count-selected":
            self.take()
            self.expect("punct", "(")
            name = self.ref()
            self.expect("punct", ")")
            return ("count", name)
        got = "end of condition" if tok.kind == "end" else repr(tok.value)
        raise ConditionSyntaxError(f"expected ${{question}}, a 'text' or a number, found {got}", tok.position)

    @staticmethod
    def _getter(operand: tuple[str, Any]) -> Callable[[Answers], Any]:
        kind, value = operand
        if kind == "const":
            return lambda a: value
        if kind == "count":
            def count(a: Answers) -> int:
                v = a.get(value)
                if v is None or v == "":
                    return 0
                return len(v) if isinstance(v, list) else 1
            return count
        return lambda a: a.get(value)


@dataclass(frozen=True)
class Condition:
    """A parsed condition: the source text, the questions it refers to, and its predicate."""

    text: str
    refs: tuple[str, ...]
    predicate: Predicate

    def __call__(self, answers: Answers) -> bool:
        return self.predicate(answers)


def parse_condition(text: str) -> Condition:
    """Parse `text`; raise ConditionSyntaxError naming the position of the first problem."""
    parser = _Parser(text)
    predicate = parser.parse()
    return Condition(text=text, refs=tuple(dict.fromkeys(parser.refs)), predicate=predicate)
