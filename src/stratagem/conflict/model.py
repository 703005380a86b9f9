r"""The graph model of a conflict in option form: decision makers, options, preferences.

Kilgour, Hipel & Fang (1987), "The graph model for conflicts", *Automatica* 23(1); Fang,
Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model for Conflict
Resolution*; Fang, Hipel, Kilgour & Peng (2003), "A decision support system for interactive
decision making — Part I: model formulation", *IEEE Trans. SMC-C* 33(1) (option
prioritization); Xu, Hipel, Kilgour & Fang (2018), *Conflict Resolution Using the Graph
Model* (Springer).

Model
-----
Each decision maker controls some binary options (taken: Y, or not: N). A *state* is a
choice of every option; its decimal code is :math:`\sum_o 2^o` over the options taken,
option 0 (the first listed) the lowest bit. A state is infeasible when it matches an
infeasibility pattern (a conjunction of options taken or not) or takes more than one option
of a mutually exclusive group. The feasible states, in increasing decimal order, are
numbered 1, 2, … (the *ordered* numbers of the literature and of gmcr-py's files).

An option may be irreversible: ``take`` (it may only be taken, gmcr-py's ``fwd``) or
``withdraw`` (it may only be withdrawn, ``back``); ``both`` is reversible.

Preferences
-----------
*Option prioritization*: a decision maker lists statements over the options, most
important first (:mod:`stratagem.conflict.statements`). With :math:`k` statements, a state
scores :math:`\sum_{j=1}^{k} 2^{k-j}` over the statements :math:`j` true at it; a higher
score is preferred and equal scores tie, so that a more important statement outweighs all
the less important ones together. Or an explicit *ranking*: tiers of states, most preferred
first (a tier of several states is a tie).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from stratagem.conflict.statements import Expression, parse_statement
from stratagem.errors import InvalidInputError, Problem

__all__ = [
    "DIRECTIONS",
    "MAX_OPTIONS",
    "MAX_STATEMENTS",
    "Conflict",
    "DecisionMaker",
    "Option",
    "Statement",
]

Direction = Literal["both", "take", "withdraw"]
DIRECTIONS: tuple[Direction, ...] = ("both", "take", "withdraw")
MAX_OPTIONS = 24
"""Options a conflict may have: its 2^24 (16.8M) states are the most one machine holds."""
MAX_STATEMENTS = 62
"""Statements a decision maker may rank (their scores are sums of powers of two)."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Option:
    """A binary option and the decision maker who controls it."""

    id: str
    by: str
    name: str = ""
    direction: Direction = "both"
    note: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """The option's name, or its id."""
        return self.name or self.id


@dataclass(frozen=True)
class Statement:
    """A preference statement, with why (``note``, ``source``) and how sure we are.

    ``probability`` below 1 makes it uncertain: in a draw of the preferences under
    uncertainty the statement holds its place with that probability, and is left out
    otherwise.
    """

    when: str
    note: str = ""
    source: str = ""
    probability: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", parse_statement(self.when).text())

    @cached_property
    def expression(self) -> Expression:
        """The parsed statement."""
        return parse_statement(self.when)


@dataclass(frozen=True)
class DecisionMaker:
    """A decision maker and its preference: statements, or an explicit ranking.

    ``ranking`` gives tiers of states by decimal code, most preferred first; a state it
    does not list ranks below all that it lists.
    """

    id: str
    name: str = ""
    statements: tuple[Statement, ...] = ()
    ranking: tuple[tuple[int, ...], ...] | None = None
    note: str = ""

    @property
    def label(self) -> str:
        """The decision maker's name, or its id."""
        return self.name or self.id


@dataclass(frozen=True, eq=False)
class Conflict:
    """A conflict in option form; validated when built (every problem at once).

    Parameters
    ----------
    name : str
        Short identifier.
    decision_makers : tuple of DecisionMaker
        Who decides, in order.
    options : tuple of Option
        The options, in order (option 0 is the lowest bit of a state's code).
    infeasible : tuple of patterns
        Each pattern a tuple of ``(option id, taken)``; a state matching one is infeasible.
    exclusive : tuple of option groups
        Groups of which at most one option may be taken.
    status_quo : tuple of str, optional
        The options taken where the conflict starts (the others are not).
    title, description : str
        Free text.
    """

    name: str
    decision_makers: tuple[DecisionMaker, ...]
    options: tuple[Option, ...]
    infeasible: tuple[tuple[tuple[str, bool], ...], ...] = ()
    exclusive: tuple[tuple[str, ...], ...] = ()
    status_quo: tuple[str, ...] | None = None
    title: str = ""
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for key in ("decision_makers", "options", "infeasible", "exclusive"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        if self.status_quo is not None:
            object.__setattr__(self, "status_quo", tuple(self.status_quo))
        problems = self.problems()
        if problems:
            raise InvalidInputError(problems)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Conflict):
            return NotImplemented
        keys = ("name", "decision_makers", "options", "infeasible", "exclusive", "status_quo")
        return all(getattr(self, k) == getattr(other, k) for k in keys) and (
            self.title,
            self.description,
            self.source,
        ) == (other.title, other.description, other.source)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Conflict,
            (
                self.name,
                self.decision_makers,
                self.options,
                self.infeasible,
                self.exclusive,
                self.status_quo,
                self.title,
                self.description,
                self.source,
            ),
        )

    # ------------------------------------------------------------------ validation

    def problems(self, where: str = "conflict") -> list[Problem]:
        """Every problem with this conflict (empty when it is valid)."""
        out: list[Problem] = []
        dms = [d.id for d in self.decision_makers]
        options = [o.id for o in self.options]
        for kind, names in (("decision maker", dms), ("option", options)):
            seen: set[str] = set()
            for n in names:
                if n in seen:
                    out.append(Problem(f"{where}", f"duplicate {kind} id {n!r}"))
                seen.add(n)
        if not self.options:
            out.append(Problem(f"{where}.options", "a conflict needs at least one option"))
        if len(self.options) > MAX_OPTIONS:
            out.append(
                Problem(
                    f"{where}.options",
                    f"{len(self.options)} options make 2^{len(self.options)} states; "
                    f"at most {MAX_OPTIONS} options",
                )
            )
        known_options = set(options)
        for o in self.options:
            if o.by not in dms:
                out.append(
                    Problem(f"{where}.options[{o.id}].by", f"unknown decision maker {o.by!r}")
                )
            if o.direction not in DIRECTIONS:
                out.append(
                    Problem(
                        f"{where}.options[{o.id}].direction",
                        f"{o.direction!r} is not one of {', '.join(DIRECTIONS)}",
                    )
                )
        for d in self.decision_makers:
            if not any(o.by == d.id for o in self.options):
                out.append(Problem(f"{where}.decision_makers[{d.id}]", "controls no option"))
            dpath = f"{where}.preferences[{d.id}]"
            if len(d.statements) > MAX_STATEMENTS:
                out.append(Problem(dpath, f"at most {MAX_STATEMENTS} statements"))
            for k, s in enumerate(d.statements):
                out += [
                    Problem(f"{dpath}[{k}]", f"unknown option {name!r}")
                    for name in sorted(s.expression.options() - known_options)
                ]
                if not 0.0 <= s.probability <= 1.0:
                    out.append(
                        Problem(f"{dpath}[{k}].probability", f"{s.probability} is outside [0, 1]")
                    )
        for k, pattern in enumerate(self.infeasible):
            out += [
                Problem(f"{where}.infeasible[{k}]", f"unknown option {name!r}")
                for name, _ in pattern
                if name not in known_options
            ]
        for k, group in enumerate(self.exclusive):
            out += [
                Problem(f"{where}.exclusive[{k}]", f"unknown option {name!r}")
                for name in group
                if name not in known_options
            ]
        out += [
            Problem(f"{where}.status_quo", f"unknown option {name!r}")
            for name in self.status_quo or ()
            if name not in known_options
        ]
        if out:
            return out
        if len(self.codes) == 0:
            out.append(Problem(f"{where}.infeasible", "every state is infeasible"))
        elif self.status_quo is not None and self.code_of(self.status_quo) not in self.index_of:
            out.append(
                Problem(f"{where}.status_quo", "the status quo is one of the infeasible states")
            )
        for d in self.decision_makers:
            for tier in d.ranking or ():
                for code in tier:
                    if code not in self.index_of:
                        out.append(
                            Problem(
                                f"{where}.preferences[{d.id}].ranking",
                                f"state {code} is not a feasible state",
                            )
                        )
        return out

    # ------------------------------------------------------------------ states

    def option_index(self, option: str) -> int:
        """The bit of an option in a state's code."""
        return next(k for k, o in enumerate(self.options) if o.id == option)

    def code_of(self, taken: Sequence[str]) -> int:
        """The decimal code of the state in which exactly these options are taken."""
        return sum(1 << self.option_index(o) for o in taken)

    @cached_property
    def codes(self) -> IntArray:
        """The feasible states' decimal codes, in increasing order."""
        m = len(self.options)
        codes = np.arange(1 << m, dtype=np.int64)
        bits = {o.id: (codes >> k) & 1 == 1 for k, o in enumerate(self.options)}
        feasible = np.ones(len(codes), dtype=bool)
        for pattern in self.infeasible:
            match = np.ones(len(codes), dtype=bool)
            for o, taken in pattern:
                match &= bits[o] if taken else ~bits[o]
            feasible &= ~match
        for group in self.exclusive:
            feasible &= sum(bits[o].astype(np.int64) for o in group) <= 1
        out = codes[feasible]
        out.flags.writeable = False
        return out

    @cached_property
    def index_of(self) -> dict[int, int]:
        """The 0-based ordered index of each feasible state's code."""
        return {int(c): k for k, c in enumerate(self.codes)}

    @cached_property
    def taken(self) -> BoolArray:
        """``(states, options)``: which options each feasible state takes."""
        bits = np.arange(len(self.options), dtype=np.int64)
        out: BoolArray = (self.codes[:, None] >> bits[None, :]) & 1 == 1
        out.flags.writeable = False
        return out

    @property
    def n_states(self) -> int:
        """Number of feasible states."""
        return len(self.codes)

    def describe(self, index: int) -> str:
        """A state in words: the options taken (ordered number, decimal code)."""
        taken = [o.label for o, t in zip(self.options, self.taken[index], strict=True) if t]
        what = ", ".join(taken) if taken else "no option taken"
        return f"state {index + 1} ({what})"

    @property
    def status_quo_index(self) -> int | None:
        """The status quo's ordered index (0-based), if the conflict gives one."""
        if self.status_quo is None:
            return None
        return self.index_of[self.code_of(self.status_quo)]

    # ------------------------------------------------------------------ preferences

    def scores(self, statements: Sequence[Sequence[Statement]] | None = None) -> npt.NDArray[Any]:
        """``(decision makers, states)``: each decision maker's preference score per state.

        Higher is preferred, equal is a tie. ``statements`` replaces the decision makers'
        own statements (a draw of uncertain preferences); a decision maker with a ranking
        keeps it.
        """
        taken = {o.id: self.taken[:, k] for k, o in enumerate(self.options)}
        out = np.zeros((len(self.decision_makers), self.n_states), dtype=np.int64)
        for d, dm in enumerate(self.decision_makers):
            if dm.ranking is not None:
                tiers = len(dm.ranking)
                for t, tier in enumerate(dm.ranking):
                    for code in tier:
                        out[d, self.index_of[code]] = tiers - t
                continue
            own = dm.statements if statements is None else statements[d]
            k = len(own)
            for j, s in enumerate(own):
                out[d] += np.where(s.expression.holds(taken), np.int64(1) << (k - 1 - j), 0)
        return out

    def dm_index(self, dm: str) -> int:
        """The position of a decision maker."""
        return next(k for k, d in enumerate(self.decision_makers) if d.id == dm)

    def controlled(self, dm: str) -> tuple[int, ...]:
        """The bits of the options a decision maker controls."""
        return tuple(k for k, o in enumerate(self.options) if o.by == dm)
