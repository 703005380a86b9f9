"""The domain: actors, issues, their positions, saliences and capabilities, and what changes them.

Everything here is frozen. A what-if is a new object (:meth:`Scenario.evolve`,
:meth:`Scenario.apply`, :meth:`Scenario.with_branch`), never a mutation. A scenario is
validated when it is built, and *every* problem is reported at once in an
:class:`~stratagem.errors.InvalidInputError` whose fields are paths such as
``actors[us].positions[escalation].salience``; the file readers in :mod:`stratagem.io`
add the file and line to each.

Conventions
-----------
* Positions are on each issue's own scale ``[min, max]``; salience is in ``[0, 1]``;
  capability is any finite non-negative number (only ratios matter to the models).
* An actor may take no position on an issue (a blank cell in the DEU data, a missing
  ``#D`` row in decide files). In the array views such a cell has salience 0, the
  issue's midpoint as position, and ``False`` in :attr:`Scenario.has_position`; models
  must use the mask where a position matters without its weight.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from stratagem.conditions import Condition
from stratagem.conditions import parse as parse_condition
from stratagem.conditions import references as condition_problems
from stratagem.conflict.model import Conflict, ConflictAddition, Option
from stratagem.errors import InvalidInputError, Problem
from stratagem.limits import exceeded, limit

_VALID_BY_CONSTRUCTION: ContextVar[bool] = ContextVar("valid_by_construction", default=False)
"""Set while a scenario is derived from a valid one by its own validated changes."""

__all__ = [
    "Actor",
    "Branch",
    "Change",
    "Distribution",
    "Event",
    "Issue",
    "Outcome",
    "RoundInputs",
    "ScalePoint",
    "Scenario",
    "Value",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ChangeField = Literal["position", "salience", "capability"]
CHANGE_FIELDS: tuple[ChangeField, ...] = ("position", "salience", "capability")
SALIENCE_RANGE = (0.0, 1.0)
"""Saliences lie in this range (inclusive)."""
SEED_RANGE = (0, 2**64 - 1)
"""Seeds are unsigned 64-bit integers (numpy's ``SeedSequence`` takes any, stores take these)."""


def _finite(x: Any) -> bool:
    kind = type(x)
    if kind is float:  # the common case first: this runs for every value of a scenario
        return math.isfinite(x)
    if kind is int:
        return bool(-_LARGEST <= x <= _LARGEST)
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


_LARGEST = sys.float_info.max


@dataclass(frozen=True)
class ScalePoint:
    """A named point of an issue's scale, e.g. ``0: "sectarian regime intact"``."""

    value: float
    label: str


@dataclass(frozen=True)
class Issue:
    """A question the actors disagree on, with a one-dimensional scale.

    Parameters
    ----------
    id : str
        Short identifier used in files, on the command line and in JSON.
    name : str
        Human-readable question.
    min, max : float
        Ends of the scale (``min < max``).
    points : tuple of ScalePoint
        Named points of the scale (its anchors).
    status_quo : float or None
        Where the issue stands if nothing changes, when the source gives it.
    note : str
        Free text: meaning of the scale, source.
    """

    id: str
    name: str
    min: float = 0.0
    max: float = 100.0
    points: tuple[ScalePoint, ...] = ()
    status_quo: float | None = None
    note: str = ""

    @property
    def range(self) -> float:
        """Width of the scale, ``max - min``."""
        return self.max - self.min

    @property
    def midpoint(self) -> float:
        """Centre of the scale."""
        return (self.min + self.max) / 2.0

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies on the scale (ends included)."""
        return self.min <= x <= self.max


@dataclass(frozen=True)
class Actor:
    """A party to the conflict.

    Parameters
    ----------
    id : str
        Short identifier used in files and JSON.
    name : str
        Display name.
    capability : float
        Power, clout or resources it can bring to bear (non-negative; relative).
    note, source : str
        Why these numbers, and where they come from.
    """

    id: str
    name: str
    capability: float
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Value:
    """An actor's stance on one issue.

    Parameters
    ----------
    position : float
        Where the actor stands, on the issue's scale.
    salience : float
        How much the issue matters to the actor, in ``[0, 1]``.
    capability : float or None
        Per-issue override of the actor's capability (``None``: use the actor's).
    note, source : str
        Why this value, and the quote or reference it rests on.
    """

    position: float
    salience: float
    capability: float | None = None
    note: str = ""
    source: str = ""


DistributionKind = Literal["triangular", "normal", "uniform"]
DISTRIBUTION_ARITY = {"triangular": 3, "normal": 2, "uniform": 2}


@dataclass(frozen=True)
class Distribution:
    """An uncertain input: triangular [lo, mode, hi], normal [mean, sd] or uniform [lo, hi].

    A normal distribution is truncated to the input's valid range when sampled. The
    point value used by deterministic runs is the mode, the mean, or the midpoint.
    """

    kind: DistributionKind
    params: tuple[float, ...]

    def widened(self, factor: float, lo: float, hi: float) -> Distribution:
        """The distribution with its spread around its point value scaled by ``factor``.

        Triangular and uniform ends move away from (or toward) the point value, cut to the
        input's valid range ``[lo, hi]``; a normal's standard deviation is scaled.
        """
        p = self.point
        if self.kind == "normal":
            return Distribution("normal", (p, self.params[1] * factor))
        a = min(max(p - factor * (p - self.params[0]), lo), p)
        b = max(min(p + factor * (self.params[-1] - p), hi), p)
        if self.kind == "triangular":
            return Distribution("triangular", (a, p, b))
        half = min(p - a, b - p)  # a uniform stays centred on its point value
        return Distribution("uniform", (p - half, p + half))

    @property
    def point(self) -> float:
        """The value a deterministic run uses."""
        if self.kind == "triangular":
            return self.params[1]
        if self.kind == "normal":
            return self.params[0]
        return (self.params[0] + self.params[1]) / 2.0

    def problems(self, where: str, lo: float, hi: float) -> list[Problem]:
        """What is wrong with it for an input valid on ``[lo, hi]``."""
        arity = DISTRIBUTION_ARITY.get(self.kind)
        if arity is None:
            return [
                Problem(where, f"unknown distribution {self.kind!r} (triangular, normal, uniform)")
            ]
        if len(self.params) != arity or not all(_finite(p) for p in self.params):
            return [
                Problem(where, f"{self.kind} takes {arity} finite numbers, got {list(self.params)}")
            ]
        if self.kind == "normal":
            mean, sd = self.params
            out = []
            if sd < 0:
                out.append(
                    Problem(where, f"normal sd must not be negative, got {_number_text(sd)}")
                )
            if not lo <= mean <= hi:
                out.append(Problem(where, f"normal mean {_outside(mean, lo, hi)}"))
            return out
        ordered = list(self.params) == sorted(self.params)
        if not ordered:
            names = "lo <= mode <= hi" if self.kind == "triangular" else "lo <= hi"
            return [Problem(where, f"{self.kind} needs {names}, got {list(self.params)}")]
        if self.params[0] < lo or self.params[-1] > hi:
            return [
                Problem(
                    where,
                    f"{self.kind} [{_number_text(self.params[0])}, "
                    f"{_number_text(self.params[-1])}] is not within "
                    f"[{_number_text(lo)}, {_number_text(hi)}]",
                )
            ]
        return []


@dataclass(frozen=True)
class Change:
    """Set one input to a new value.

    ``issue`` is ``None`` only for an actor-wide capability change; ``note`` and ``source``
    say why the value changes, as for every value.
    """

    actor: str
    field: ChangeField
    value: float
    issue: str | None = None
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happens at a round of a dynamic model and changes inputs from then on.

    ``note`` and ``source`` say why the event changes what it changes.
    """

    round: int
    name: str
    changes: tuple[Change, ...]
    description: str = ""
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Branch:
    """A named what-if.

    Changes applied from the start, events that do not happen, and what it adds to the
    scenario's conflict (the graph model's options and preferences).
    """

    name: str
    changes: tuple[Change, ...] = ()
    drop_events: tuple[str, ...] = ()
    description: str = ""
    note: str = ""
    source: str = ""
    conflict: ConflictAddition | None = None


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class Outcome:
    """A named end state, recognised by a condition on the forecast.

    A scenario lists outcomes in order and the first whose condition holds names the
    forecast (:meth:`Scenario.classify`). The condition language (comparisons joined by
    ``and``/``or``/``not``, arithmetic, and the functions ``start``, ``initial`` and
    ``distance`` that refer to the movement from the start) is :mod:`stratagem.conditions`.

    Parameters
    ----------
    name : str
        What the end is called.
    when : str
        The condition, e.g. ``"escalation >= 70 and distance(us, escalation) > 30"``.
    description : str
        What the end means (and the words of the source it rests on).
    """

    name: str
    when: str
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "when", parse_condition(self.when).text())

    @classmethod
    def from_expression(cls, name: str, expression: str, description: str = "") -> Outcome:
        """An outcome from its condition (``"30 <= iraq_order < 70 and escalation < 50"``).

        Raises
        ------
        ValueError
            If the text is not a condition (see :mod:`stratagem.conditions`).
        """
        return cls(name=name, when=expression, description=description)

    @cached_property
    def condition(self) -> Condition:
        """The parsed condition."""
        return parse_condition(self.when)

    @property
    def expression(self) -> str:
        """The condition as text (parseable by :meth:`from_expression`)."""
        return self.when

    def matches(self, positions: Mapping[str, float], scenario: Scenario | None = None) -> bool:
        """Whether the condition holds for the given issue positions.

        ``scenario`` is needed by ``start``, ``initial`` and ``distance``.
        """
        return bool(self.condition.holds(positions, scenario))

    def matches_all(
        self, positions: Mapping[str, FloatArray], scenario: Scenario | None = None
    ) -> BoolArray:
        """Elementwise :meth:`matches` over arrays of positions (one per issue, same shape)."""
        shape = np.shape(next(iter(positions.values()))) if positions else ()
        return np.broadcast_to(self.condition.holds(positions, scenario), shape).astype(bool)


def _freeze_params(params: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in params.items()})


@dataclass(frozen=True)
class Scenario:
    """Actors × issues with positions, saliences and capabilities, plus what changes them.

    Build one with :meth:`from_table` or by reading a file (:func:`stratagem.io.read`);
    the constructor validates and raises :class:`~stratagem.errors.InvalidInputError`
    listing every problem.

    Parameters
    ----------
    name : str
        Short identifier (``iraq-2020``).
    actors, issues : tuple
        The parties and the questions.
    values : mapping of (actor id, issue id) to Value
        Each actor's stance per issue; a missing pair means no position.
    events : tuple of Event
        Changes that happen at given rounds of dynamic models.
    branches : tuple of Branch
        Named what-ifs.
    outcomes : tuple of Outcome
        Named end states, checked in order.
    title, description, source : str
        Free text.
    model_params : mapping of model name to parameter mapping
        Parameter defaults the file carries (e.g. KTAB's ``ModelParameters``).
    seed : int or None
        Random seed the file carries (KTAB's ``prngSeed``), used when none is given.
    uncertainty : mapping of (actor id, issue id or "", field) to Distribution
        Inputs given as distributions; the value in ``values``/``actors`` is the
        distribution's point value. ``field`` is position, salience or capability
        (issue ``""`` for the actor-wide capability).
    spread : mapping of field to float
        Default uncertainty for inputs without a distribution: a triangular distribution
        of half-width ``position`` (issue units) or ``salience`` (absolute), or
        ``capability`` (a fraction of the value), around the point value.
    conflict : Conflict, optional
        The conflict in option form for the graph model (:mod:`stratagem.conflict`); its
        decision makers are actors of the scenario.
    origin : str
        The file the scenario was read from (``""`` when built in code); not compared.
    field_lines : mapping of field path to line
        The line each field was read from, so that problems found later (a model's
        parameters) name it; not compared.
    """

    name: str
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    values: Mapping[tuple[str, str], Value]
    events: tuple[Event, ...] = ()
    branches: tuple[Branch, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    title: str = ""
    description: str = ""
    source: str = ""
    model_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    seed: int | None = None
    uncertainty: Mapping[tuple[str, str, str], Distribution] = field(default_factory=dict)
    spread: Mapping[str, float] = field(default_factory=dict)
    conflict: Conflict | None = None
    origin: str = field(default="", compare=False, repr=False)
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "actors", tuple(self.actors))
        object.__setattr__(self, "issues", tuple(self.issues))
        object.__setattr__(self, "events", tuple(self.events))
        object.__setattr__(self, "branches", tuple(self.branches))
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "model_params", _freeze_params(self.model_params))
        object.__setattr__(self, "uncertainty", MappingProxyType(dict(self.uncertainty)))
        object.__setattr__(self, "spread", MappingProxyType(dict(self.spread)))
        object.__setattr__(self, "field_lines", MappingProxyType(dict(self.field_lines)))
        if _VALID_BY_CONSTRUCTION.get():
            return
        problems = self.problems()
        if problems:
            raise InvalidInputError(problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # mapping proxies do not pickle: rebuild from plain fields (and validate again)
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        state["values"] = dict(self.values)
        state["model_params"] = {k: dict(v) for k, v in self.model_params.items()}
        state["uncertainty"] = dict(self.uncertainty)
        state["spread"] = dict(self.spread)
        state["field_lines"] = dict(self.field_lines)
        return (_rebuild_scenario, (state,))

    def to_frame(self) -> Any:
        """The inputs as a pandas DataFrame, one row per actor and issue.

        Columns: see :mod:`stratagem.notebook`.
        """
        from stratagem.tables import pandas

        rows = [
            {
                "actor": actor_id,
                "actor_name": self.actor(actor_id).name,
                "issue": issue_id,
                "issue_name": self.issue(issue_id).name,
                "position": value.position,
                "salience": value.salience,
                "capability": (
                    value.capability
                    if value.capability is not None
                    else self.actor(actor_id).capability
                ),
            }
            for (actor_id, issue_id), value in self.values.items()
        ]
        columns = [
            "actor",
            "actor_name",
            "issue",
            "issue_name",
            "position",
            "salience",
            "capability",
        ]
        return pandas().DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        """The actors and their position / salience per issue, by name (Jupyter's display)."""
        from stratagem.tables import html_table

        header = ["actor", "capability", *(i.name for i in self.issues)]
        rows = []
        for actor in self.actors:
            cells: list[Any] = [actor.name, actor.capability]
            for issue in self.issues:
                value = self.values.get((actor.id, issue.id))
                cells.append("—" if value is None else f"{value.position:g} / {value.salience:g}")
            rows.append(cells)
        caption = (
            f"{self.title or self.name}: {self.n_actors} actors, {self.n_issues} issues "
            "(position / salience)"
        )
        return html_table(caption, header, rows)

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """``problems`` with this scenario's file and each field's line filled in where known."""
        out = []
        for p in problems:
            path, line = p.field, None
            while path and line is None:
                line = self.field_lines.get(path)
                cut = max(path.rfind("."), path.rfind("["))
                path = path[:cut] if cut > 0 else ""
            out.append(p.located(self.origin or None, line))
        return out

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_table(
        cls,
        name: str,
        actors: Sequence[str],
        issues: Sequence[Issue | str],
        positions: npt.ArrayLike,
        salience: npt.ArrayLike,
        capability: npt.ArrayLike,
        **kwargs: Any,
    ) -> Scenario:
        """Build a scenario from plain arrays (actor names double as ids).

        Parameters
        ----------
        name : str
            Scenario identifier.
        actors : sequence of str
            Actor names.
        issues : sequence of Issue or str
            Issues; a bare string is an issue on a 0–100 scale.
        positions, salience : array_like, shape (n_actors, n_issues)
            A NaN position means the actor takes no position on that issue.
        capability : array_like, shape (n_actors,) or (n_actors, n_issues)
            Per actor, or per actor and issue.
        **kwargs
            Further :class:`Scenario` fields (events, outcomes, title, ...).
        """
        issue_objs = tuple(i if isinstance(i, Issue) else Issue(id=i, name=i) for i in issues)
        pos = np.asarray(positions, dtype=float).reshape(len(actors), len(issue_objs))
        sal = np.asarray(salience, dtype=float).reshape(len(actors), len(issue_objs))
        cap = np.asarray(capability, dtype=float)
        per_issue = cap.ndim == 2
        actor_cap = cap.max(axis=1) if per_issue and cap.size else cap
        actor_objs = tuple(
            Actor(id=a, name=a, capability=float(actor_cap[i])) for i, a in enumerate(actors)
        )
        values: dict[tuple[str, str], Value] = {}
        for i, a in enumerate(actors):
            for j, iss in enumerate(issue_objs):
                if np.isnan(pos[i, j]):
                    continue
                override = float(cap[i, j]) if per_issue and cap[i, j] != actor_cap[i] else None
                values[(a, iss.id)] = Value(float(pos[i, j]), float(sal[i, j]), override)
        return cls(name=name, actors=actor_objs, issues=issue_objs, values=values, **kwargs)

    def evolve(self, **changes: Any) -> Scenario:
        """Return a copy with the given fields replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ validation

    def problems(self) -> list[Problem]:
        """Every problem with this scenario (empty when it is valid)."""
        too_large = _size_problems(len(self.actors), len(self.issues))
        if too_large:  # checked first: the checks below grow with the size
            return too_large
        out: list[Problem] = []
        if not self.actors:
            out.append(Problem("actors", "the scenario has no actors"))
        if not self.issues:
            out.append(Problem("issues", "the scenario has no issues"))
        if self.seed is not None:
            out.extend(seed_problems("seed", self.seed))
        out.extend(_duplicates("actors", [a.id for a in self.actors], "actor id"))
        out.extend(_duplicates("actors", [a.name for a in self.actors], "actor name"))
        out.extend(_duplicates("issues", [i.id for i in self.issues], "issue id"))
        out.extend(_duplicates("events", [e.name for e in self.events], "event name"))
        out.extend(_duplicates("branches", [b.name for b in self.branches], "branch name"))
        out.extend(_duplicates("outcomes", [o.name for o in self.outcomes], "outcome name"))
        for issue in self.issues:
            out.extend(_issue_problems(issue))
        for actor in self.actors:
            where = f"actors[{actor.id}]"
            if not actor.id:
                out.append(Problem(f"{where}.id", "must not be empty"))
            out.extend(_capability_problems(f"{where}.capability", actor.capability))
        issues = {i.id: i for i in self.issues}
        actor_ids = {a.id for a in self.actors}
        bounds = {i.id: (i.min, i.max) for i in self.issues if _finite(i.min) and _finite(i.max)}
        for (a, i), v in self.values.items():
            if a in actor_ids and i in bounds:  # the common, valid case without a message
                pos, sal = v.position, v.salience
                lo, hi = bounds[i]
                if (
                    type(pos) is float
                    and type(sal) is float
                    and v.capability is None
                    and lo <= pos <= hi
                    and 0.0 <= sal <= 1.0
                ):
                    continue
            where = f"actors[{a}].positions[{i}]"
            if a not in actor_ids:
                out.append(Problem(where, f"unknown actor {a!r}"))
            if i not in issues:
                out.append(Problem(where, f"unknown issue {i!r}"))
                continue
            out.extend(_value_problems(where, v, issues[i]))
        if self.actors and self.issues:
            covered_actors = {a for a, _ in self.values}
            covered_issues = {i for _, i in self.values}
            out.extend(
                Problem(f"actors[{a.id}].positions", "the actor takes no position on any issue")
                for a in self.actors
                if a.id not in covered_actors
            )
            out.extend(
                Problem(f"issues[{i.id}]", "no actor takes a position on this issue")
                for i in self.issues
                if i.id not in covered_issues
            )
        for event in self.events:
            where = f"events[{event.name}]"
            if isinstance(event.round, bool) or not isinstance(event.round, int):
                out.append(Problem(f"{where}.round", "must be a whole number"))
            elif event.round < 1:
                out.append(Problem(f"{where}.round", f"must be at least 1, got {event.round}"))
            elif event.round > limit("rounds"):
                out.append(
                    Problem(
                        f"{where}.round",
                        exceeded("rounds", f"round {event.round:,}")
                        + " (no model runs that many rounds: the event could never act)",
                    )
                )
            if not event.changes:
                out.append(Problem(f"{where}.changes", "an event must change something"))
            for k, ch in enumerate(event.changes):
                out.extend(self._change_problems(f"{where}.changes[{k}]", ch, issues, actor_ids))
        event_names = {e.name for e in self.events}
        for branch in self.branches:
            where = f"branches[{branch.name}]"
            for k, ch in enumerate(branch.changes):
                out.extend(self._change_problems(f"{where}.changes[{k}]", ch, issues, actor_ids))
            out.extend(
                Problem(f"{where}.drop_events[{k}]", f"unknown event {ev!r}")
                for k, ev in enumerate(branch.drop_events)
                if ev not in event_names
            )
            if not branch.changes and not branch.drop_events and branch.conflict is None:
                out.append(Problem(where, "a branch must change something or drop an event"))
            if branch.conflict is not None:
                if self.conflict is None:
                    out.append(
                        Problem(f"{where}.conflict", "the scenario has no conflict to add to")
                    )
                else:
                    try:
                        added = branch.conflict.apply(self.conflict)
                    except InvalidInputError as err:
                        out.extend(
                            dataclasses.replace(
                                p, field=p.field.replace("conflict", f"{where}.conflict", 1)
                            )
                            for p in err.problems
                        )
                    else:
                        out.extend(conflict_actor_problems(added, actor_ids, f"{where}.conflict"))
        for (a, i, fname), dist in self.uncertainty.items():
            where = f"actors[{a}].capability" if not i else f"actors[{a}].positions[{i}].{fname}"
            if a not in actor_ids or (i and i not in issues):
                out.append(Problem(where, "uncertainty on an unknown actor or issue"))
                continue
            if fname == "position" and i:
                lo, hi = issues[i].min, issues[i].max
            elif fname == "salience":
                lo, hi = 0.0, 1.0
            else:
                lo, hi = 0.0, math.inf
            out.extend(dist.problems(where, lo, hi))
        for key, value in self.spread.items():
            if key not in CHANGE_FIELDS:
                out.append(
                    Problem(f"uncertainty.{key}", f"must be one of {', '.join(CHANGE_FIELDS)}")
                )
            elif not _finite(value) or value < 0:
                out.append(
                    Problem(f"uncertainty.{key}", f"must be a non-negative number, got {value!r}")
                )
        for outcome in self.outcomes:
            out.extend(
                Problem(f"outcomes[{outcome.name}].when", reason)
                for reason in condition_problems(outcome.condition, self)
            )
        if self.conflict is not None:
            out.extend(conflict_actor_problems(self.conflict, actor_ids, "conflict"))
        return out

    def _change_problems(
        self, where: str, ch: Change, issues: Mapping[str, Issue], actor_ids: set[str]
    ) -> list[Problem]:
        out: list[Problem] = []
        if ch.actor not in actor_ids:
            out.append(Problem(f"{where}.actor", f"unknown actor {ch.actor!r}"))
        if ch.field not in CHANGE_FIELDS:
            out.append(Problem(f"{where}.field", f"must be one of {', '.join(CHANGE_FIELDS)}"))
            return out
        if ch.issue is None:
            if ch.field != "capability":
                out.append(Problem(f"{where}.issue", f"a {ch.field} change needs an issue"))
        elif ch.issue not in issues:
            out.append(Problem(f"{where}.issue", f"unknown issue {ch.issue!r}"))
            return out
        if not _finite(ch.value):
            out.append(Problem(f"{where}.{ch.field}", f"{ch.value!r} is not a finite number"))
        elif ch.field == "position" and ch.issue is not None:
            issue = issues[ch.issue]
            if not issue.contains(ch.value):
                out.append(Problem(f"{where}.position", _outside(ch.value, issue.min, issue.max)))
        elif ch.field == "salience" and not 0.0 <= ch.value <= 1.0:
            out.append(Problem(f"{where}.salience", _outside(ch.value, 0, 1)))
        elif ch.field == "capability" and ch.value < 0:
            out.append(Problem(f"{where}.capability", f"must not be negative, got {ch.value}"))
        return out

    def warnings(self) -> list[str]:
        """Inputs that are valid but degenerate, in words, with what the models then do.

        * Every actor with a position on an issue has weight 0 there (salience or
          capability 0): the weighted models fall back to equal weights (the compromise
          model forecasts the plain mean of the positions; its details record
          ``weights_fallback: equal``).
        * One actor alone takes a position on an issue: every model that forecasts from
          positions forecasts that actor's position.
        """
        out = []
        weight = np.where(self.has_position, self.salience * self.capability, 0.0)
        for j, issue in enumerate(self.issues):
            present = np.flatnonzero(self.has_position[:, j])
            if present.size == 1:
                who = self.actors[int(present[0])].name
                out.append(
                    f"only {who} takes a position on {issue.name!r}: every model that "
                    f"forecasts from positions forecasts {who}'s position"
                )
            elif present.size > 1 and not np.any(weight[present, j] > 0):
                out.append(
                    f"every actor on {issue.name!r} has weight 0 (salience × capability): "
                    "the weighted models fall back to equal weights (the compromise model "
                    "forecasts the plain mean of the positions)"
                )
        return out

    def capability_scale(self) -> float:
        """A power of two that brings the largest capability into [1, 2) when it is extreme.

        1.0 when every capability (actor-wide, per issue, in events and branches) lies
        within [2⁻⁶⁴, 2⁶⁴] or all are 0; otherwise the factor with which
        :meth:`with_capabilities_scaled` keeps sums and products of capabilities from
        overflowing (capability 1e308) or underflowing (1e-300). A power of two scales
        exactly, so models whose forecasts do not depend on the capabilities' unit
        forecast the same.
        """
        caps = [a.capability for a in self.actors]
        caps += [v.capability for v in self.values.values() if v.capability is not None]
        for change in (c for e in self.events for c in e.changes):
            if change.field == "capability":
                caps.append(change.value)
        top = max(caps, default=0.0)
        if top <= 0.0 or 2.0**-64 <= top <= 2.0**64:
            return 1.0
        # 2**1023 is the largest power of two: the smallest subnormal, 2**-1074, scales to
        # 2**-51, inside the range
        return math.ldexp(1.0, min(1023, -math.floor(math.log2(top))))

    def with_capabilities_scaled(self, factor: float) -> Scenario:
        """A copy whose capabilities (actor-wide, per issue, in events) are ``factor`` times these.

        Branches and uncertainty are left out: the copy is what one run of a model sees,
        its branch already applied (:meth:`with_branch`).
        """
        if factor == 1.0:
            return self

        def scaled_changes(changes: tuple[Change, ...]) -> tuple[Change, ...]:
            return tuple(
                dataclasses.replace(c, value=c.value * factor) if c.field == "capability" else c
                for c in changes
            )

        return dataclasses.replace(
            self,
            actors=tuple(
                dataclasses.replace(a, capability=a.capability * factor) for a in self.actors
            ),
            values={
                k: v
                if v.capability is None
                else dataclasses.replace(v, capability=v.capability * factor)
                for k, v in self.values.items()
            },
            events=tuple(
                dataclasses.replace(e, changes=scaled_changes(e.changes)) for e in self.events
            ),
            branches=(),
            uncertainty={},
        )

    # ------------------------------------------------------------------ lookups

    @property
    def actor_ids(self) -> tuple[str, ...]:
        """Actor ids in order."""
        return tuple(a.id for a in self.actors)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        """Issue ids in order."""
        return tuple(i.id for i in self.issues)

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issues)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (``KeyError`` if none)."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (``KeyError`` if none)."""
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def branch(self, name: str) -> Branch:
        """The branch with this name (``KeyError`` if none)."""
        for b in self.branches:
            if b.name == name:
                return b
        raise KeyError(name)

    # ------------------------------------------------------------------ array views

    @cached_property
    def has_position(self) -> BoolArray:
        """``(n_actors, n_issues)``: whether the actor takes a position on the issue."""
        mask = np.zeros((self.n_actors, self.n_issues), dtype=bool)
        for a, i in self.values:
            mask[self._actor_index[a], self._issue_index[i]] = True
        mask.flags.writeable = False
        return mask

    @cached_property
    def positions(self) -> FloatArray:
        """``(n_actors, n_issues)`` positions; the issue's midpoint where none is taken."""
        out = np.tile(np.array([i.midpoint for i in self.issues], dtype=float), (self.n_actors, 1))
        for (a, i), v in self.values.items():
            out[self._actor_index[a], self._issue_index[i]] = v.position
        out.flags.writeable = False
        return out

    @cached_property
    def salience(self) -> FloatArray:
        """``(n_actors, n_issues)`` saliences in [0, 1]; 0 where no position is taken."""
        out = np.zeros((self.n_actors, self.n_issues), dtype=float)
        for (a, i), v in self.values.items():
            out[self._actor_index[a], self._issue_index[i]] = v.salience
        out.flags.writeable = False
        return out

    @cached_property
    def capability(self) -> FloatArray:
        """``(n_actors, n_issues)`` capabilities, per-issue overrides applied."""
        out = np.repeat(
            np.array([a.capability for a in self.actors], dtype=float)[:, None],
            self.n_issues,
            axis=1,
        )
        for (a, i), v in self.values.items():
            if v.capability is not None:
                out[self._actor_index[a], self._issue_index[i]] = v.capability
        out.flags.writeable = False
        return out

    @cached_property
    def scale(self) -> FloatArray:
        """``(n_issues, 2)``: each issue's ``[min, max]``."""
        out = np.array([[i.min, i.max] for i in self.issues], dtype=float).reshape(-1, 2)
        out.flags.writeable = False
        return out

    @cached_property
    def _actor_index(self) -> dict[str, int]:
        return {a.id: k for k, a in enumerate(self.actors)}

    @cached_property
    def _issue_index(self) -> dict[str, int]:
        return {i.id: k for k, i in enumerate(self.issues)}

    def actor_index(self, actor_id: str) -> int:
        """Row of this actor in the array views."""
        return self._actor_index[actor_id]

    def issue_index(self, issue_id: str) -> int:
        """Column of this issue in the array views."""
        return self._issue_index[issue_id]

    # ------------------------------------------------------------------ what-ifs

    def apply(self, changes: Iterable[Change]) -> Scenario:
        """Return the scenario with the changes made (in order; later ones win).

        An input a change sets is certain from then on: its distribution, if it had one,
        goes (the value no longer is its point value).
        """
        return self._applied(changes)

    def _applied(self, changes: Iterable[Change], checked: bool = True) -> Scenario:
        """:meth:`apply`, validated again unless ``checked`` is false.

        ``checked=False`` is for changes this scenario's validation covered (its own
        events'), which cannot make it invalid: a model's run builds one such scenario per
        event round, and validating each again cost a fifth of a lever search.
        """
        actors = {a.id: a for a in self.actors}
        values = dict(self.values)
        uncertainty = dict(self.uncertainty)
        for ch in changes:
            uncertainty.pop((ch.actor, ch.issue or "", ch.field), None)
            if ch.field == "capability" and ch.issue is None:
                actors[ch.actor] = dataclasses.replace(actors[ch.actor], capability=ch.value)
                continue
            assert ch.issue is not None
            key = (ch.actor, ch.issue)
            current = values.get(key)
            if current is None:
                issue = self.issue(ch.issue)
                current = Value(position=issue.midpoint, salience=0.0)
            if ch.field == "position":
                values[key] = dataclasses.replace(current, position=ch.value)
            elif ch.field == "salience":
                values[key] = dataclasses.replace(current, salience=ch.value)
            else:
                values[key] = dataclasses.replace(current, capability=ch.value)
        fields: dict[str, Any] = {
            "actors": tuple(actors[a.id] for a in self.actors),
            "values": values,
            "uncertainty": uncertainty,
        }
        return self.evolve(**fields) if checked else self._valid_copy(fields)

    def _valid_copy(self, fields: Mapping[str, Any]) -> Scenario:
        """A copy with ``fields`` replaced that the caller knows to be valid: not checked."""
        token = _VALID_BY_CONSTRUCTION.set(True)
        try:
            return dataclasses.replace(self, **fields)
        finally:
            _VALID_BY_CONSTRUCTION.reset(token)

    def with_inputs(
        self, positions: npt.ArrayLike, salience: npt.ArrayLike, capability: npt.ArrayLike
    ) -> Scenario:
        """The scenario with new ``(n_actors, n_issues)`` inputs where positions are taken.

        A capability that differs from the actor's becomes a per-issue override.
        """
        pos = np.asarray(positions, dtype=float)
        sal = np.asarray(salience, dtype=float)
        cap = np.asarray(capability, dtype=float)
        actors = list(self.actors)
        overridden = {a for (a, _), v in self.values.items() if v.capability is not None}
        for k, actor in enumerate(self.actors):
            row = cap[k, self.has_position[k]]
            # an actor-wide capability stays actor-wide, so that events changing it apply
            if actor.id not in overridden and row.size and (row == row[0]).all():
                actors[k] = dataclasses.replace(actor, capability=float(row[0]))
        values = {}
        for (a, i), v in self.values.items():
            k, j = self._actor_index[a], self._issue_index[i]
            own = actors[k].capability
            values[(a, i)] = dataclasses.replace(
                v,
                position=float(pos[k, j]),
                salience=float(sal[k, j]),
                capability=None if cap[k, j] == own else float(cap[k, j]),
            )
        fields: dict[str, Any] = {"actors": tuple(actors), "values": values, "uncertainty": {}}
        lo = np.array([i.min for i in self.issues])
        hi = np.array([i.max for i in self.issues])
        # NaN fails every comparison; the issues' ends are finite (this scenario is valid)
        inside = (pos >= lo) & (pos <= hi) & (sal >= 0.0) & (sal <= 1.0)
        inside &= np.isfinite(cap) & (cap >= 0.0)
        if not inside[self.has_position].all():  # validated again: the problem is named
            return self.evolve(**fields)
        # only numbers changed, each inside its range: valid as this scenario is (a lever
        # search or a Monte Carlo run of a model without a batch makes one per draw)
        return self._valid_copy(fields)

    def with_value(
        self, actor: str, field: ChangeField, value: float, issue: str | None = None
    ) -> Scenario:
        """The scenario with one input set: ``with_value("us", "salience", 0.8, "escalation")``.

        ``issue=None`` sets an actor-wide capability. Notes and sources are kept.
        """
        return self.apply([Change(actor, field, value, issue)])

    def rename_actor(self, old: str, new: str) -> Scenario:
        """The scenario with actor ``old`` called ``new`` everywhere it is named.

        Its values, uncertain inputs, and the events and branches that change it follow; a
        display name equal to the old id follows too.
        """

        def moved(ch: Change) -> Change:
            return dataclasses.replace(ch, actor=new) if ch.actor == old else ch

        actors = tuple(
            dataclasses.replace(a, id=new, name=new if a.name == a.id else a.name)
            if a.id == old
            else a
            for a in self.actors
        )
        return self.evolve(
            actors=actors,
            values={((new if a == old else a), i): v for (a, i), v in self.values.items()},
            uncertainty={
                ((new if a == old else a), i, f): d for (a, i, f), d in self.uncertainty.items()
            },
            events=tuple(
                dataclasses.replace(e, changes=tuple(moved(ch) for ch in e.changes))
                for e in self.events
            ),
            branches=tuple(
                dataclasses.replace(
                    b,
                    changes=tuple(moved(ch) for ch in b.changes),
                    conflict=b.conflict and b.conflict.with_decision_maker_renamed(old, new),
                )
                for b in self.branches
            ),
            conflict=self.conflict and self.conflict.with_decision_maker_renamed(old, new),
        )

    def without_actors(self, actor_ids: Iterable[str]) -> Scenario:
        """The scenario without these actors.

        Their values and uncertainty go, and so do the events and branch changes that
        involve them (a branch left with nothing to do goes too). In the conflict, the
        options they control stay as they are at the status quo
        (:meth:`Conflict.without_decision_makers`); a branch's addition to the conflict that
        involves them goes.
        """
        gone = set(actor_ids)
        events = tuple(e for e in self.events if not any(ch.actor in gone for ch in e.changes))
        names = {e.name for e in events}
        branches = []
        for b in self.branches:
            if any(ch.actor in gone for ch in b.changes):
                continue
            kept = tuple(d for d in b.drop_events if d in names)
            addition = b.conflict
            if addition is not None and addition.involves(gone, self.conflict):
                addition = None
            if b.changes or kept or addition is not None:
                branches.append(dataclasses.replace(b, drop_events=kept, conflict=addition))
        return self.evolve(
            conflict=self.conflict and self.conflict.without_decision_makers(gone),
            actors=tuple(a for a in self.actors if a.id not in gone),
            values={k: v for k, v in self.values.items() if k[0] not in gone},
            uncertainty={k: d for k, d in self.uncertainty.items() if k[0] not in gone},
            events=events,
            branches=tuple(branches),
        )

    def differences(self, other: Scenario) -> list[str]:
        """The inputs that differ from ``other``'s, one line each.

        A line reads ``us.escalation.salience: 0.6 → 0.9``; a single line says so if only
        notes, events, branches or outcomes differ. An input is ``actor.issue.field`` (an
        actor-wide capability is ``actor.capability``); an empty list means they are equal.
        """
        out: list[str] = []
        for key in sorted(set(self.values) | set(other.values)):
            va, vb = self.values.get(key), other.values.get(key)
            for fname in CHANGE_FIELDS:
                x = getattr(va, fname) if va else None
                y = getattr(vb, fname) if vb else None
                if x != y:
                    out.append(f"{key[0]}.{key[1]}.{fname}: {x} → {y}")
        cap_a = {x.id: x.capability for x in self.actors}
        cap_b = {x.id: x.capability for x in other.actors}
        for actor in sorted(set(cap_a) | set(cap_b)):
            if cap_a.get(actor) != cap_b.get(actor):
                out.append(f"{actor}.capability: {cap_a.get(actor)} → {cap_b.get(actor)}")
        if not out and self != other:
            out.append("the scenario files differ (notes, events, branches or outcomes)")
        return out

    def with_branch(self, name: str | None) -> Scenario:
        """Return the scenario as the branch would have it (``None``: unchanged).

        The branch's changes are made from the start and its dropped events removed.
        """
        if name is None:
            return self
        try:
            branch = self.branch(name)
        except KeyError:
            known = ", ".join(b.name for b in self.branches) or "none"
            raise InvalidInputError(
                [Problem("branch", f"unknown branch {name!r} (this scenario has: {known})")]
            ) from None
        kept = tuple(e for e in self.events if e.name not in branch.drop_events)
        conflict = self.conflict
        if branch.conflict is not None and conflict is not None:
            conflict = branch.conflict.apply(conflict)
        # the branch is now the world; other branches were written against the base case
        return self.apply(branch.changes).evolve(events=kept, branches=(), conflict=conflict)

    def events_at(self, round_: int) -> tuple[Event, ...]:
        """Events that happen at the given round, in file order."""
        return tuple(e for e in self.events if e.round == round_)

    def widened(self, factor: float) -> Scenario:
        """The scenario with every uncertain input's spread scaled by ``factor``.

        Distributions widen or narrow around their point values (cut to each input's valid
        range, :meth:`Distribution.widened`) and the default spreads scale with them;
        ``factor=1`` changes nothing.
        """
        issues = {i.id: i for i in self.issues}
        uncertainty = {}
        for (a, i, fname), dist in self.uncertainty.items():
            if fname == "position" and i:
                lo, hi = issues[i].min, issues[i].max
            elif fname == "salience":
                lo, hi = SALIENCE_RANGE
            else:
                lo, hi = 0.0, math.inf
            uncertainty[(a, i, fname)] = dist.widened(factor, lo, hi)
        spread = {k: v * factor for k, v in self.spread.items()}
        return self.evolve(uncertainty=uncertainty, spread=spread)

    def events_by_round(
        self, issue: str | None = None, last_round: int | None = None
    ) -> dict[int, tuple[str, ...]]:
        """Names of the events at each round, in file order.

        With ``issue``, only events that change something on it (an actor-wide capability
        change counts for every issue); with ``last_round``, only rounds up to it.
        """
        out: dict[int, tuple[str, ...]] = {}
        for e in sorted(self.events, key=lambda e: e.round):
            if last_round is not None and e.round > last_round:
                continue
            if issue is not None and not any(ch.issue in (None, issue) for ch in e.changes):
                continue
            out[e.round] = (*out.get(e.round, ()), e.name)
        return out

    def event_schedule(self) -> tuple[RoundInputs, ...]:
        """The inputs from each event round on, for models that run in rounds.

        One entry per round with events, in order: the array views of
        :meth:`at_round` at that round, and which position cells the round's events set
        (a model moves those actors there; the others keep where its rounds took them).
        """
        out = []
        for round_, names in self.events_by_round().items():
            now = self.at_round(round_)
            moved = np.zeros((self.n_actors, self.n_issues), dtype=bool)
            for e in self.events_at(round_):
                for ch in e.changes:
                    if ch.field == "position" and ch.issue is not None:
                        moved[self._actor_index[ch.actor], self._issue_index[ch.issue]] = True
            out.append(
                RoundInputs(round_, names, now.positions, now.salience, now.capability, moved, now)
            )
        return tuple(out)

    def at_round(self, round_: int) -> Scenario:
        """The scenario with every event up to and including ``round_`` applied."""
        changes = [ch for e in self.events if e.round <= round_ for ch in e.changes]
        return self._applied(changes, checked=False) if changes else self

    def classify(self, positions: Mapping[str, float]) -> str | None:
        """Name of the first outcome whose conditions the positions meet (``None`` if none)."""
        for outcome in self.outcomes:
            if outcome.matches(positions, self):
                return outcome.name
        return None

    def classify_all(self, forecasts: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Per row of ``(n, n_issues)`` forecasts, the index of the first outcome it meets.

        A row that meets none gets ``len(self.outcomes)``.
        """
        values = np.atleast_2d(np.asarray(forecasts, dtype=float))
        by_issue = {issue.id: values[:, j] for j, issue in enumerate(self.issues)}
        result = np.full(values.shape[0], len(self.outcomes), dtype=np.int64)
        undecided = np.ones(values.shape[0], dtype=bool)
        for k, outcome in enumerate(self.outcomes):
            match = undecided & outcome.matches_all(by_issue, self)
            result[match] = k
            undecided &= ~match
        return result


def conflict_actor_problems(
    conflict: Conflict | Sequence[Option], actor_ids: set[str], where: str
) -> list[Problem]:
    """The conflict's decision makers must be actors of the scenario (or its options')."""
    options = conflict.options if isinstance(conflict, Conflict) else conflict
    return [
        Problem(f"{where}.options[{o.id}].by", f"unknown actor {o.by!r}")
        for o in options
        if o.by not in actor_ids
    ]


def _size_problems(n_actors: int, n_issues: int) -> list[Problem]:
    out = []
    if n_actors > limit("actors"):
        out.append(Problem("actors", exceeded("actors", f"{n_actors:,} actors")))
    if n_issues > limit("issues"):
        out.append(Problem("issues", exceeded("issues", f"{n_issues:,} issues")))
    if not out and n_actors * n_issues > limit("values"):
        found = f"{n_actors:,} actors × {n_issues:,} issues"
        out.append(Problem("actors", exceeded("values", found)))
    return out


def seed_problems(where: str, seed: Any) -> list[Problem]:
    """What is wrong with a seed (empty if it is an unsigned 64-bit integer)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < SEED_RANGE[0]:
        return [Problem(where, f"must be a non-negative whole number, got {seed!r}")]
    if seed > SEED_RANGE[1]:
        return [Problem(where, f"must be at most 2**64 - 1 (an unsigned 64-bit seed), got {seed}")]
    return []


@dataclass(frozen=True, eq=False)
class RoundInputs:
    """The inputs from one event round on (see :meth:`Scenario.event_schedule`).

    Parameters
    ----------
    round : int
        The round (1 is the first) at whose start the events act.
    events : tuple of str
        The names of the events at this round.
    positions, salience, capability : ndarray, shape (actors, issues)
        The inputs with every event up to this round applied.
    moved : ndarray of bool, shape (actors, issues)
        The position cells this round's events set.
    scenario : Scenario
        The scenario with every event up to this round applied.
    """

    round: int
    events: tuple[str, ...]
    positions: FloatArray
    salience: FloatArray
    capability: FloatArray
    moved: BoolArray
    scenario: Scenario


def _rebuild_scenario(state: dict[str, Any]) -> Scenario:
    return Scenario(**state)


def _outside(x: float, lo: float, hi: float) -> str:
    return f"{_number_text(x)} is outside [{_number_text(lo)}, {_number_text(hi)}]"


def _duplicates(where: str, names: Sequence[str], what: str) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for n in names:
        if n in seen:
            out.append(Problem(f"{where}[{n}]", f"duplicate {what} {n!r}"))
        seen.add(n)
    return out


def _capability_problems(where: str, c: float) -> list[Problem]:
    if not _finite(c):
        return [Problem(where, f"{c!r} is not a finite number")]
    if c < 0:
        return [Problem(where, f"must not be negative, got {_number_text(c)}")]
    return []


def _issue_problems(issue: Issue) -> list[Problem]:
    where = f"issues[{issue.id}]"
    out: list[Problem] = []
    if not issue.id:
        out.append(Problem(f"{where}.id", "must not be empty"))
    for end in ("min", "max"):
        if not _finite(getattr(issue, end)):
            out.append(Problem(f"{where}.{end}", f"{getattr(issue, end)!r} is not a finite number"))
    if out:
        return out
    if not issue.min < issue.max:
        out.append(
            Problem(
                f"{where}.max",
                f"must be greater than min ({_number_text(issue.min)}), "
                f"got {_number_text(issue.max)}",
            )
        )
        return out
    if issue.status_quo is not None:
        if not _finite(issue.status_quo):
            out.append(Problem(f"{where}.status_quo", "is not a finite number"))
        elif not issue.contains(issue.status_quo):
            out.append(
                Problem(f"{where}.status_quo", _outside(issue.status_quo, issue.min, issue.max))
            )
    for p in issue.points:
        if not _finite(p.value) or not issue.contains(p.value):
            out.append(
                Problem(f"{where}.points[{p.value}]", _outside(p.value, issue.min, issue.max))
            )
    return out


def _value_problems(where: str, v: Value, issue: Issue) -> list[Problem]:
    out: list[Problem] = []
    if not _finite(v.position):
        out.append(Problem(f"{where}.position", f"{v.position!r} is not a finite number"))
    elif _finite(issue.min) and _finite(issue.max) and not issue.contains(v.position):
        out.append(Problem(f"{where}.position", _outside(v.position, issue.min, issue.max)))
    if not _finite(v.salience):
        out.append(Problem(f"{where}.salience", f"{v.salience!r} is not a finite number"))
    elif not 0.0 <= v.salience <= 1.0:
        out.append(Problem(f"{where}.salience", _outside(v.salience, 0, 1)))
    if v.capability is not None:
        out.extend(_capability_problems(f"{where}.capability", v.capability))
    return out
