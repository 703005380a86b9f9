"""Preference statements over options: ``strike and not revolution``, ``if revolution then attack``.

A statement is a boolean expression over option ids (true where it holds at a state)::

    statement   := "if" either "then" either | either
    either      := both ("or" both)*
    both        := negation ("and" negation)*
    negation    := "not" negation | "(" either ")" | option

``if A then B`` holds where A does not or B does (Fang, Hipel, Kilgour & Peng 2003: the
conditional statements of option prioritization). Statements evaluate on a boolean matrix of
states × options at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Expression", "parse_statement"]

BoolArray = npt.NDArray[np.bool_]
_TOKEN = re.compile(r"\s*(?:(?P<punct>[()])|(?P<word>[A-Za-z_][\w\-.]*))")
_KEYWORDS = {"and", "or", "not", "if", "then"}


class Expression:
    """A parsed statement."""

    def holds(self, taken: Mapping[str, BoolArray]) -> BoolArray:
        """Where it holds, given for each option where it is taken."""
        raise NotImplementedError

    def text(self) -> str:
        """The statement as text (parses back to an equal statement)."""
        raise NotImplementedError

    def options(self) -> set[str]:
        """The option ids it names."""
        raise NotImplementedError

    def fixed(self, values: Mapping[str, bool]) -> Expression | bool:
        """The statement with these options held fixed: simpler, or a constant."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Option(Expression):
    name: str

    def holds(self, taken: Mapping[str, BoolArray]) -> BoolArray:
        return taken[self.name]

    def text(self) -> str:
        return self.name

    def options(self) -> set[str]:
        return {self.name}

    def fixed(self, values: Mapping[str, bool]) -> Expression | bool:
        return values.get(self.name, self)


@dataclass(frozen=True)
class _Not(Expression):
    inner: Expression

    def holds(self, taken: Mapping[str, BoolArray]) -> BoolArray:
        return ~self.inner.holds(taken)

    def text(self) -> str:
        inner = self.inner.text()
        return f"not {inner}" if isinstance(self.inner, _Option | _Not) else f"not ({inner})"

    def options(self) -> set[str]:
        return self.inner.options()

    def fixed(self, values: Mapping[str, bool]) -> Expression | bool:
        inner = self.inner.fixed(values)
        return (not inner) if isinstance(inner, bool) else _Not(inner)


@dataclass(frozen=True)
class _Join(Expression):
    op: str  # "and" | "or"
    parts: tuple[Expression, ...]

    def holds(self, taken: Mapping[str, BoolArray]) -> BoolArray:
        out = self.parts[0].holds(taken)
        for p in self.parts[1:]:
            out = (out & p.holds(taken)) if self.op == "and" else (out | p.holds(taken))
        return out

    def text(self) -> str:
        def wrapped(p: Expression) -> str:
            return f"({p.text()})" if isinstance(p, _Join | _If) else p.text()

        return f" {self.op} ".join(wrapped(p) for p in self.parts)

    def options(self) -> set[str]:
        return set().union(*(p.options() for p in self.parts))

    def fixed(self, values: Mapping[str, bool]) -> Expression | bool:
        absorbing = self.op == "or"  # True absorbs "or", False absorbs "and"
        kept: list[Expression] = []
        for p in self.parts:
            f = p.fixed(values)
            if isinstance(f, bool):
                if f is absorbing:
                    return absorbing
                continue
            kept.append(f)
        if not kept:
            return not absorbing
        return kept[0] if len(kept) == 1 else _Join(self.op, tuple(kept))


@dataclass(frozen=True)
class _If(Expression):
    condition: Expression
    then: Expression

    def holds(self, taken: Mapping[str, BoolArray]) -> BoolArray:
        return ~self.condition.holds(taken) | self.then.holds(taken)

    def text(self) -> str:
        return f"if {self.condition.text()} then {self.then.text()}"

    def options(self) -> set[str]:
        return self.condition.options() | self.then.options()

    def fixed(self, values: Mapping[str, bool]) -> Expression | bool:
        condition, then = self.condition.fixed(values), self.then.fixed(values)
        if isinstance(condition, bool):
            return then if condition else True
        if isinstance(then, bool):
            return True if then else _Not(condition)
        return _If(condition, then)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        pos = 0
        stripped = text.strip()
        while pos < len(stripped):
            m = _TOKEN.match(stripped, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"cannot read {stripped[pos:]!r} in statement {text!r}")
            self.tokens.append(m.group("punct") or m.group("word"))
            pos = m.end()
        self.k = 0

    def peek(self) -> str | None:
        return self.tokens[self.k] if self.k < len(self.tokens) else None

    def accept(self, token: str) -> bool:
        if self.peek() == token:
            self.k += 1
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.accept(token):
            found = self.peek()
            raise ValueError(
                f"statement {self.text!r}: expected {token!r}, found "
                + (repr(found) if found is not None else "the end")
            )

    def statement(self) -> Expression:
        if self.accept("if"):
            condition = self.either()
            self.expect("then")
            return _If(condition, self.either())
        return self.either()

    def either(self) -> Expression:
        parts = [self.both()]
        while self.accept("or"):
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else _Join("or", tuple(parts))

    def both(self) -> Expression:
        parts = [self.negation()]
        while self.accept("and"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else _Join("and", tuple(parts))

    def negation(self) -> Expression:
        if self.accept("not"):
            return _Not(self.negation())
        if self.accept("("):
            inner = self.either()
            self.expect(")")
            return inner
        word = self.peek()
        if word is None or word in _KEYWORDS or word in "()":
            found = repr(word) if word is not None else "the end"
            raise ValueError(f"statement {self.text!r}: expected an option, found {found}")
        self.k += 1
        return _Option(word)


def parse_statement(text: str) -> Expression:
    """Parse a preference statement.

    Raises
    ------
    ValueError
        If the text is not a statement.
    """
    if not text.strip():
        raise ValueError("empty statement")
    parser = _Parser(text)
    out = parser.statement()
    if parser.peek() is not None:
        raise ValueError(f"statement {text!r}: unexpected {parser.peek()!r}")
    return out
