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

import dataclasses
import re
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
    "ConflictAddition",
    "ConflictEnd",
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


@dataclass(frozen=True)
class ConflictEnd:
    """A named end of the conflict: the states where a statement over options holds."""

    name: str
    when: str
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", parse_statement(self.when).text())

    @cached_property
    def expression(self) -> Expression:
        """The parsed condition."""
        return parse_statement(self.when)


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
    title, description, source : str
        Free text.
    ends : tuple of ConflictEnd
        Named ends (sets of states) that results are reported by.
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
    ends: tuple[ConflictEnd, ...] = ()

    def __post_init__(self) -> None:
        for key in ("decision_makers", "options", "infeasible", "exclusive", "ends"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        if self.status_quo is not None:
            object.__setattr__(self, "status_quo", tuple(self.status_quo))
        problems = self.problems()
        if problems:
            raise InvalidInputError(problems)

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Conflict):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # The fields only: the cached state arrays are rebuilt on demand.
        return (Conflict, self._fields())

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
        seen_ends: set[str] = set()
        for end in self.ends:
            if end.name in seen_ends:
                out.append(Problem(f"{where}.ends[{end.name}]", "duplicate end name"))
            seen_ends.add(end.name)
            out += [
                Problem(f"{where}.ends[{end.name}].when", f"unknown option {name!r}")
                for name in sorted(end.expression.options() - known_options)
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

    def state_index(self, spec: int | str | Sequence[str], where: str = "state") -> int:
        """The 0-based index of a state given by number or by the options taken.

        ``spec`` is an ordered state number (1-based, as results show them), the options
        taken (a sequence of ids, or text with ids joined by commas, ``+`` or spaces), or
        ``"none"`` for the state in which no option is taken.

        Raises
        ------
        InvalidInputError
            If it names no feasible state.
        """
        taken: list[str]
        if isinstance(spec, str):
            words = [w for w in re.split(r"[\s,+]+", spec.strip()) if w]
            if len(words) == 1 and words[0].isdigit():
                spec = int(words[0])
            taken = [] if words == ["none"] else words
        elif not isinstance(spec, int):
            taken = list(spec)
        if isinstance(spec, int):
            if isinstance(spec, bool) or not 1 <= spec <= self.n_states:
                raise InvalidInputError(
                    [Problem(where, f"state {spec} is not one of the {self.n_states} states")]
                )
            return spec - 1
        ids = [o.id for o in self.options]
        unknown = [w for w in taken if w not in ids]
        if unknown:
            raise InvalidInputError(
                [
                    Problem(where, f"unknown option {w!r}; options: {', '.join(ids)}")
                    for w in unknown
                ]
            )
        code = self.code_of(taken)
        if code not in self.index_of:
            raise InvalidInputError([Problem(where, "that state is infeasible")])
        return self.index_of[code]

    @cached_property
    def end_masks(self) -> dict[str, BoolArray]:
        """For each named end, which feasible states belong to it."""
        taken = {o.id: self.taken[:, k] for k, o in enumerate(self.options)}
        return {e.name: np.asarray(e.expression.holds(taken)) for e in self.ends}

    def ends_of(self, index: int) -> list[str]:
        """The named ends a state belongs to."""
        return [name for name, mask in self.end_masks.items() if mask[index]]

    def describe_move(self, a: int, b: int, plural: bool = False) -> str:
        """A move in words: the options taken and withdrawn, and the states' numbers."""
        before, after = self.taken[a], self.taken[b]
        took = [o.label for o, x, y in zip(self.options, before, after, strict=True) if y and not x]
        left = [o.label for o, x, y in zip(self.options, before, after, strict=True) if x and not y]
        parts = []
        ending = "" if plural else "s"
        if took:
            parts.append(f"take{ending} " + " and ".join(f"'{t}'" for t in took))
        if left:
            parts.append(f"withdraw{ending} " + " and ".join(f"'{t}'" for t in left))
        return f"{', '.join(parts) or 'stay' + ending} (state {a + 1} → {b + 1})"

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

    # ------------------------------------------------------------------ derived conflicts

    def with_decision_maker_renamed(self, old: str, new: str) -> Conflict:
        """The conflict with decision maker ``old`` called ``new``."""

        def renamed(x: str) -> str:
            return new if x == old else x

        return dataclasses.replace(
            self,
            decision_makers=tuple(
                dataclasses.replace(d, id=renamed(d.id)) for d in self.decision_makers
            ),
            options=tuple(dataclasses.replace(o, by=renamed(o.by)) for o in self.options),
        )

    def without_decision_makers(self, gone: Sequence[str] | set[str]) -> Conflict | None:
        """The conflict without these decision makers; their options stay as they are.

        The options they control are held at the status quo (not taken, if the conflict
        gives none): the others' statements are simplified accordingly (one that becomes
        always or never true is left out, since it no longer tells states apart), patterns
        and exclusive groups follow, and an explicit ranking keeps its order over the
        remaining states. ``None`` if no decision maker remains.
        """
        gone = set(gone) & {d.id for d in self.decision_makers}
        if not gone:
            return self
        kept_dms = [d for d in self.decision_makers if d.id not in gone]
        if not kept_dms:
            return None
        at_start = set(self.status_quo or ())
        held = {o.id: o.id in at_start for o in self.options if o.by in gone}
        options = tuple(o for o in self.options if o.id not in held)
        infeasible: list[tuple[tuple[str, bool], ...]] = []
        for pattern in self.infeasible:
            if any(o in held and held[o] != t for o, t in pattern):
                continue  # can no longer match
            infeasible.append(tuple((o, t) for o, t in pattern if o not in held))
        exclusive: list[tuple[str, ...]] = []
        for group in self.exclusive:
            others = tuple(o for o in group if o not in held)
            if any(held.get(o) for o in group):
                infeasible += [((o, True),) for o in others]
            elif len(others) > 1:
                exclusive.append(others)
        old_scores = self.scores()
        old_index = self.index_of
        bit_of = {o.id: k for k, o in enumerate(self.options)}
        base_code = sum(1 << bit_of[o] for o, t in held.items() if t)
        dms = []
        for d in kept_dms:
            statements = []
            for st in d.statements:
                f = st.expression.fixed(held)
                if not isinstance(f, bool):
                    statements.append(dataclasses.replace(st, when=f.text()))
            dms.append(dataclasses.replace(d, statements=tuple(statements), ranking=None))
        ends = []
        for end in self.ends:
            f = end.expression.fixed(held)
            if not isinstance(f, bool):  # an end that became certain or impossible goes
                ends.append(dataclasses.replace(end, when=f.text()))
        draft = Conflict(
            self.name,
            tuple(dms),
            options,
            tuple(infeasible),
            tuple(exclusive),
            None if self.status_quo is None else tuple(o for o in self.status_quo if o not in held),
            self.title,
            self.description,
            self.source,
            tuple(ends),
        )
        if not any(d.ranking is not None for d in kept_dms):
            return draft
        # An explicit ranking: order the remaining states as their full states were ordered.
        new_bits = [bit_of[o.id] for o in options]
        full = [
            base_code + sum(1 << b for b, t in zip(new_bits, row, strict=True) if t)
            for row in draft.taken
        ]
        final = []
        for d, kept in zip(kept_dms, dms, strict=True):
            if d.ranking is None:
                final.append(kept)
                continue
            row = old_scores[self.dm_index(d.id)]
            score = [int(row[old_index[c]]) if c in old_index else -1 for c in full]
            tiers = sorted(set(score), reverse=True)
            ranking = tuple(
                tuple(int(draft.codes[k]) for k, v in enumerate(score) if v == t) for t in tiers
            )
            final.append(dataclasses.replace(kept, ranking=ranking))
        return dataclasses.replace(draft, decision_makers=tuple(final))


@dataclass(frozen=True)
class ConflictAddition:
    """What a branch adds to a scenario's conflict.

    New options (and their decision makers), infeasibilities, exclusive groups, options
    taken at the status quo, and statements added to decision makers' preferences:
    ``statements`` are appended (least important, after their own; a new decision maker's
    are all of its statements), ``statements_above`` go before their own (most important).
    """

    options: tuple[Option, ...] = ()
    infeasible: tuple[tuple[tuple[str, bool], ...], ...] = ()
    exclusive: tuple[tuple[str, ...], ...] = ()
    status_quo: tuple[str, ...] = ()
    statements: tuple[tuple[str, tuple[Statement, ...]], ...] = ()  # (decision maker, appended)
    names: tuple[tuple[str, str], ...] = ()  # (decision maker, display name) of new ones
    statements_above: tuple[tuple[str, tuple[Statement, ...]], ...] = ()  # (dm, prepended)

    def involves(self, actors: set[str], base: Conflict | None = None) -> bool:
        """Whether it adds options or statements of these actors, or names their options."""
        if any(o.by in actors for o in self.options):
            return True
        every = (*self.statements, *self.statements_above)
        if any(d in actors for d, _ in every):
            return True
        theirs = {o.id for o in (base.options if base else ()) if o.by in actors}
        named = {o for _, items in every for st in items for o in st.expression.options()}
        named |= {o for p in self.infeasible for o, _ in p} | set(self.status_quo)
        named |= {o for g in self.exclusive for o in g}
        return bool(named & theirs)

    def with_decision_maker_renamed(self, old: str, new: str) -> ConflictAddition:
        """The addition with decision maker ``old`` called ``new``."""

        def renamed(x: str) -> str:
            return new if x == old else x

        return dataclasses.replace(
            self,
            options=tuple(dataclasses.replace(o, by=renamed(o.by)) for o in self.options),
            statements=tuple((renamed(d), items) for d, items in self.statements),
            statements_above=tuple((renamed(d), items) for d, items in self.statements_above),
            names=tuple((renamed(d), n) for d, n in self.names),
        )

    def apply(self, base: Conflict) -> Conflict:
        """The base conflict with this added (validated again)."""
        names = dict(self.names)
        dms = list(base.decision_makers)
        known = {d.id for d in dms}
        for o in self.options:
            if o.by not in known:
                dms.append(DecisionMaker(o.by, names.get(o.by, "")))
                known.add(o.by)
        below, above = dict(self.statements), dict(self.statements_above)
        strangers = [
            Problem(f"conflict.{key}[{dm}]", "not a decision maker of the conflict")
            for key, given in (("preferences", below), ("preferences_above", above))
            for dm in given
            if dm not in known
        ]
        if strangers:
            raise InvalidInputError(strangers)
        dms = [
            dataclasses.replace(
                d, statements=(*above.get(d.id, ()), *d.statements, *below.get(d.id, ()))
            )
            for d in dms
        ]
        return Conflict(
            base.name,
            tuple(dms),
            (*base.options, *self.options),
            (*base.infeasible, *self.infeasible),
            (*base.exclusive, *self.exclusive),
            None if base.status_quo is None else (*base.status_quo, *self.status_quo),
            base.title,
            base.description,
            base.source,
            base.ends,
        )
