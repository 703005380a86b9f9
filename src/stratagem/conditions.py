"""The language of named outcomes: conditions on a forecast, in words a reader can check.

An outcome's ``when`` is a condition such as ``escalation >= 70``,
``30 <= iraq_order < 70 and not (repression >= 60)``, or
``distance(revolt, iraq_order) <= 15 or iraq_order - start(iraq_order) >= 40``::

    condition  := either ("or" either)*
    either     := negation ("and" negation)*
    negation   := "not" negation | "(" condition ")" | comparison
    comparison := sum (op sum)+          op: < <= > >=, all of one direction in a chain
    sum        := product (("+" | "-") product)*
    product    := number | issue | "-" product | "(" sum ")" | function "(" names ")"

A bare name is an issue: its forecast. The functions refer to the movement from the start:

* ``start(issue)`` — the issue's status quo (the scenario must give one);
* ``initial(actor, issue)`` — where the actor starts on the issue (its position in the
  scenario);
* ``distance(actor, issue)`` — how far the forecast lands from the actor's starting
  position: ``|issue - initial(actor, issue)|`` (a small distance: the actor's position
  prevails).

Actor references use the scenario's own values, also when the forecasts come from perturbed
draws: an end is defined against what the case says an actor wants. Conditions evaluate on
arrays (one forecast per draw) as on single forecasts.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from stratagem.scenario import Scenario

__all__ = ["FUNCTIONS", "Condition", "in_words", "parse", "references"]

Values = Mapping[str, Any]  # issue id -> forecast (a float, or an array of draws)

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
FUNCTIONS = {"start": 1, "initial": 2, "distance": 2}
"""The functions and how many names each takes."""
_KEYWORDS = {"and", "or", "not"}
_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<op><=|>=|<|>)"
    r"|(?P<punct>[()+,\-])|(?P<name>[A-Za-z_][\w.]*(?:-[A-Za-z_][\w.]*)*))"
)


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


class Condition:
    """A parsed condition; evaluate it with :meth:`holds`."""

    def holds(self, values: Values, scenario: Scenario | None = None) -> Any:
        """Whether it holds for these forecasts (elementwise for arrays)."""
        raise NotImplementedError

    def text(self) -> str:
        """The condition as text (parses back to an equal condition)."""
        raise NotImplementedError

    def issues(self) -> set[str]:
        """The issue ids it names (bare names and function arguments)."""
        raise NotImplementedError

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every function call: (function, names)."""
        raise NotImplementedError


class _Term:
    def value(self, values: Values, scenario: Scenario | None) -> Any:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def issues(self) -> set[str]:
        return set()

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return []


@dataclass(frozen=True)
class _Number(_Term):
    x: float

    def value(self, values: Values, scenario: Scenario | None) -> Any:
        return self.x

    def text(self) -> str:
        return _number_text(self.x)


@dataclass(frozen=True)
class _Issue(_Term):
    name: str

    def value(self, values: Values, scenario: Scenario | None) -> Any:
        return values[self.name]

    def text(self) -> str:
        return self.name

    def issues(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class _Call(_Term):
    function: str
    names: tuple[str, ...]

    def value(self, values: Values, scenario: Scenario | None) -> Any:
        if scenario is None:
            raise ValueError(f"{self.text()} needs the scenario")
        if self.function == "start":
            status_quo = scenario.issue(self.names[0]).status_quo
            if status_quo is None:
                raise ValueError(f"{self.text()}: the issue has no status quo")
            return status_quo
        actor, issue = self.names
        start = scenario.values[(actor, issue)].position
        if self.function == "initial":
            return start
        return np.abs(values[issue] - start)

    def text(self) -> str:
        return f"{self.function}({', '.join(self.names)})"

    def issues(self) -> set[str]:
        return {self.names[-1]}

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(self.function, self.names)]


@dataclass(frozen=True)
class _Arithmetic(_Term):
    op: str  # "+", "-" or "neg"
    left: _Term
    right: _Term | None = None

    def value(self, values: Values, scenario: Scenario | None) -> Any:
        a = self.left.value(values, scenario)
        if self.op == "neg":
            return -a
        assert self.right is not None
        b = self.right.value(values, scenario)
        return a + b if self.op == "+" else a - b

    def text(self) -> str:
        if self.op == "neg":
            inner = self.left.text()
            return f"-{inner}" if isinstance(self.left, _Number | _Issue | _Call) else f"-({inner})"
        assert self.right is not None
        right = self.right.text()
        if isinstance(self.right, _Arithmetic) and self.right.op != "neg":
            right = f"({right})"
        return f"{self.left.text()} {self.op} {right}"

    def issues(self) -> set[str]:
        return self.left.issues() | (self.right.issues() if self.right else set())

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return self.left.calls() + (self.right.calls() if self.right else [])


@dataclass(frozen=True)
class _Comparison(Condition):
    terms: tuple[_Term, ...]
    ops: tuple[str, ...]

    def holds(self, values: Values, scenario: Scenario | None = None) -> Any:
        evaluated = [t.value(values, scenario) for t in self.terms]
        out: Any = True
        for k, op in enumerate(self.ops):
            out = out & _OPS[op](evaluated[k], evaluated[k + 1])
        return out

    def text(self) -> str:
        parts = [self.terms[0].text()]
        for op, term in zip(self.ops, self.terms[1:], strict=True):
            parts += [op, term.text()]
        return " ".join(parts)

    def issues(self) -> set[str]:
        return set().union(*(t.issues() for t in self.terms))

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return [c for t in self.terms for c in t.calls()]


@dataclass(frozen=True)
class _Logic(Condition):
    op: str  # "and", "or", "not"
    parts: tuple[Condition, ...]

    def holds(self, values: Values, scenario: Scenario | None = None) -> Any:
        results = [p.holds(values, scenario) for p in self.parts]
        if self.op == "not":
            return (
                np.logical_not(results[0])
                if isinstance(results[0], np.ndarray)
                else (not results[0])
            )
        out = results[0]
        for r in results[1:]:
            out = (out & r) if self.op == "and" else (out | r)
        return out

    def text(self) -> str:
        def wrapped(p: Condition) -> str:
            return f"({p.text()})" if isinstance(p, _Logic) and p.op != "not" else p.text()

        if self.op == "not":
            return f"not {wrapped(self.parts[0])}"
        return f" {self.op} ".join(wrapped(p) for p in self.parts)

    def issues(self) -> set[str]:
        return set().union(*(p.issues() for p in self.parts))

    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return [c for p in self.parts for c in p.calls()]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        stripped = text.strip()
        while pos < len(stripped):
            m = _TOKEN.match(stripped, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"cannot read {stripped[pos:]!r} in condition {text!r}")
            kind = str(m.lastgroup)
            value = m.group(kind)
            if kind == "name" and value in _KEYWORDS:
                kind = "keyword"
            self.tokens.append((kind, value))
            pos = m.end()
        self.k = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.k] if self.k < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = "the end" if token is None else repr(token[1])
            wanted = (
                repr(value) if value else {"name": "a name", "op": "a comparison"}.get(kind, kind)
            )
            raise ValueError(f"condition {self.text!r}: expected {wanted}, found {found}")
        self.k += 1
        return token[1]

    def accept(self, kind: str, value: str) -> bool:
        if self.peek() == (kind, value):
            self.k += 1
            return True
        return False

    def condition(self) -> Condition:
        parts = [self.either()]
        while self.accept("keyword", "or"):
            parts.append(self.either())
        return parts[0] if len(parts) == 1 else _Logic("or", tuple(parts))

    def either(self) -> Condition:
        parts = [self.negation()]
        while self.accept("keyword", "and"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else _Logic("and", tuple(parts))

    def negation(self) -> Condition:
        if self.accept("keyword", "not"):
            return _Logic("not", (self.negation(),))
        if self.peek() == ("punct", "(") and self._parenthesised_condition():
            self.take("punct", "(")
            inner = self.condition()
            self.take("punct", ")")
            return inner
        return self.comparison()

    def _parenthesised_condition(self) -> bool:
        """Whether the parenthesis at the cursor holds a condition (not a sum)."""
        depth = 0
        for kind, value in self.tokens[self.k :]:
            if (kind, value) == ("punct", "("):
                depth += 1
            elif (kind, value) == ("punct", ")"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and kind in ("op", "keyword"):
                return True
        return False

    def comparison(self) -> Condition:
        terms = [self.sum()]
        ops = []
        while (token := self.peek()) is not None and token[0] == "op":
            ops.append(self.take("op"))
            terms.append(self.sum())
        if not ops:
            raise ValueError(
                f"condition {self.text!r}: a comparison needs an operator, as in 'issue >= 70'"
            )
        if len({op[0] for op in ops}) > 1:
            raise ValueError(
                f"condition {self.text!r}: a chain of comparisons goes one way "
                "('30 <= x < 70', not 'x >= 1 <= y')"
            )
        comparison = _Comparison(tuple(terms), tuple(ops))
        if not comparison.issues():
            raise ValueError(f"condition {self.text!r}: a comparison must involve an issue")
        return comparison

    def sum(self) -> _Term:
        term = self.product()
        while (token := self.peek()) is not None and token in (("punct", "+"), ("punct", "-")):
            self.k += 1
            term = _Arithmetic(token[1], term, self.product())
        return term

    def product(self) -> _Term:
        token = self.peek()
        if token is None:
            raise ValueError(f"condition {self.text!r}: it ends where a value is expected")
        kind, value = token
        if kind == "num":
            self.k += 1
            if not np.isfinite(float(value)):
                raise ValueError(f"condition {self.text!r}: {value} is not a finite number")
            return _Number(float(value))
        if (kind, value) == ("punct", "-"):
            self.k += 1
            inner = self.product()
            return _Number(-inner.x) if isinstance(inner, _Number) else _Arithmetic("neg", inner)
        if (kind, value) == ("punct", "("):
            self.k += 1
            inner_sum = self.sum()
            self.take("punct", ")")
            return inner_sum
        if kind == "name":
            self.k += 1
            if self.accept("punct", "("):
                if value not in FUNCTIONS:
                    known = ", ".join(FUNCTIONS)
                    raise ValueError(
                        f"condition {self.text!r}: unknown function {value!r} ({known})"
                    )
                names = [self.take("name")]
                while self.accept("punct", ","):
                    names.append(self.take("name"))
                self.take("punct", ")")
                if len(names) != FUNCTIONS[value]:
                    raise ValueError(
                        f"condition {self.text!r}: {value}() takes {FUNCTIONS[value]} name(s)"
                    )
                return _Call(value, tuple(names))
            return _Issue(value)
        raise ValueError(f"condition {self.text!r}: unexpected {value!r}")


def parse(text: str) -> Condition:
    """Parse a condition.

    Raises
    ------
    ValueError
        If the text is not a condition, with what was expected where.
    """
    if not text.strip():
        raise ValueError("empty condition")
    parser = _Parser(text)
    condition = parser.condition()
    if parser.peek() is not None:
        raise ValueError(f"condition {text!r}: unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return condition


def references(condition: Condition, scenario: Scenario) -> list[str]:
    """What the condition names that the scenario does not have (empty if it is sound)."""
    out = []
    issues = set(scenario.issue_ids)
    for issue in sorted(condition.issues() - issues):
        out.append(f"unknown issue {issue!r}")
    for function, names in condition.calls():
        issue = names[-1]
        if issue not in issues:
            continue
        if function == "start" and scenario.issue(issue).status_quo is None:
            out.append(f"start({issue}) needs a status quo for issue {issue!r}")
        if function in ("initial", "distance"):
            actor = names[0]
            if actor not in scenario.actor_ids:
                out.append(f"unknown actor {actor!r}")
            elif (actor, issue) not in scenario.values:
                out.append(f"actor {actor!r} takes no position on issue {issue!r}")
    return out


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SIGNS = (("<=", "≤"), (">=", "≥"))


def in_words(text: str, scenario: Scenario) -> str:
    """A condition as a reader reads it: issues and actors by name, ``≤`` and ``≥``.

    ``repression >= 70 and iraq_order < 30`` → "Repression of the Iraqi revolt ≥ 70 and
    Iraq's political order < 30". Words the scenario does not name are kept as written.
    """
    issues = {i.id: i.name for i in scenario.issues}
    actors = {a.id: a.name for a in scenario.actors}

    def name(match: re.Match[str]) -> str:
        word = match.group(0)
        return issues.get(word) or actors.get(word) or word

    out = _WORD.sub(name, text)
    for sign, symbol in _SIGNS:
        out = out.replace(sign, symbol)
    return out
