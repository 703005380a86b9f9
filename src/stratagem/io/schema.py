"""The native scenario document's schema: one declaration, two uses.

:data:`DOCUMENT` declares every section and field of a YAML/JSON scenario once, as a tree
of small node objects. The same tree

* checks a parsed document (:func:`check`): types, required and unknown fields, list and
  mapping shapes, distributions — every problem at once, each with its field path and the
  line it came from, in the messages the command line prints; and
* generates the JSON Schema that ``stratagem schema`` prints for editors
  (:func:`scenario_schema`), so the two can never disagree.

The schema says what a document *looks like*. What depends on other values — a position
inside its issue's scale, a change naming a known actor, a salience in [0, 1] — is the
domain's to check (:meth:`stratagem.scenario.Scenario.problems`); the schema publishes
those bounds for editors from the same constants and leaves their messages to the domain.

Why not pydantic or a JSON Schema library: the readers must report ``file:line: field:
reason`` with field paths keyed by actor and issue ids (``actors[us].positions[x]``) and
accept the shorthands the format has always had (``[position, salience]``, ``{value:
label}`` scale points); both libraries would need every message and path translated
back, and importing either costs more than the whole check of a typical file (measured
in the architecture issue's note).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from stratagem.conflict.statements import parse_statement
from stratagem.io._common import Collector
from stratagem.jsonable import plain
from stratagem.limits import LIMITS, limit
from stratagem.scenario import (
    CHANGE_FIELDS,
    DISTRIBUTION_ARITY,
    SALIENCE_RANGE,
    Distribution,
)

__all__ = [
    "DOCUMENT",
    "FORMAT_VERSION",
    "MISSING",
    "Cursor",
    "check",
    "no_lines",
    "scenario_schema",
]

FORMAT_VERSION = 1

LineOf = Callable[[Any, Any], int | None]


class _Missing:
    """The value of a field that is absent or could not be read (a problem is recorded)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def no_lines(container: Any, key: Any) -> int | None:
    """The ``line_of`` of a document read without lines (they are learnt when needed)."""
    return None


class Cursor:
    """Where a node is being checked: its field path, and how to report and locate.

    A plain class with slots, not a dataclass: one is made per field read (600,000 for a
    scenario of 100,000 actors), and a frozen dataclass's constructor costs three times as
    much.

    Parameters
    ----------
    collector : Collector
        Gathers problems and the line of every field path.
    line_of : callable
        ``(container, key) -> line`` for the parsed containers (1-based), if known.
    path : str
        The field path (``actors[us].positions[x].salience``).
    """

    __slots__ = ("collector", "line_of", "path")

    def __init__(self, collector: Collector, line_of: LineOf, path: str = "") -> None:
        self.collector = collector
        self.line_of = line_of
        self.path = path

    def __repr__(self) -> str:
        return f"Cursor(path={self.path!r})"

    def at(self, path: str, container: Any = None, key: Any = None) -> Cursor:
        """The cursor of a child field, recording the line it was read from."""
        if container is not None and self.line_of is not no_lines:
            self.collector.at(path, self.line_of(container, key))
        return Cursor(self.collector, self.line_of, path)

    def problem(self, reason: str, line: int | None = None) -> Any:
        """Record a problem at this path; returns :data:`MISSING` for convenience."""
        self.collector.add(self.path, reason, line)
        return MISSING


def _number_like(value: Any) -> bool:
    """A number that converts to a float (an integer beyond ±1.8e308 does not)."""
    kind = type(value)
    if kind is float:
        return True
    if kind is int:
        return bool(abs(value) <= _LARGEST_FLOAT)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, float) or abs(value) <= _LARGEST_FLOAT


_LARGEST_FLOAT = int(sys.float_info.max)


class Node:
    """One kind of value in the document."""

    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        """The value converted for the domain, or :data:`MISSING` after recording problems."""
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the values this node accepts."""
        raise NotImplementedError

    def _described(self, out: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class Text(Node):
    """Free text; a number given where text is expected is read as its text."""

    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        if type(value) is not str and isinstance(value, bool | list | Mapping):
            return cur.problem(f"must be text, got {value!r}")
        return str(value)

    def schema(self) -> dict[str, Any]:
        return self._described({"type": ["string", "number"]})


@dataclass(frozen=True)
class Statement(Node):
    """A preference statement over options (:mod:`stratagem.conflict.statements`)."""

    description: str = "options joined by and/or/not, or 'if ... then ...'"

    def check(self, value: Any, cur: Cursor) -> Any:
        if isinstance(value, bool) or not isinstance(value, str):
            return cur.problem(f"must be a statement (text), got {value!r}")
        try:
            parse_statement(value)
        except ValueError as err:
            return cur.problem(str(err))
        return value

    def schema(self) -> dict[str, Any]:
        return self._described({"type": "string"})


@dataclass(frozen=True)
class Number(Node):
    """A number; ``minimum``/``maximum`` are published for editors, the domain enforces them."""

    minimum: float | None = None
    maximum: float | None = None
    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        kind = type(value)
        if kind is float:  # the common cases, first
            return value
        if kind is int and -_LARGEST_FLOAT <= value <= _LARGEST_FLOAT:
            return float(value)
        if isinstance(value, int) and not isinstance(value, bool) and not _number_like(value):
            return cur.problem(f"is too large: {len(str(abs(value)))} digits (at most 1.8e308)")
        if not _number_like(value):
            return cur.problem(f"must be a number, got {value!r}")
        return float(value)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return self._described(out)


@dataclass(frozen=True)
class Integer(Node):
    """A whole number (bounds published for editors, enforced by the domain)."""

    reason: str = "must be a whole number"
    minimum: int | None = None
    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return cur.problem(f"{self.reason}, got {value!r}")
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return self._described(out)


@dataclass(frozen=True)
class Version(Node):
    """The format version a document declares."""

    version: int = FORMAT_VERSION

    def check(self, value: Any, cur: Cursor) -> Any:
        if value != self.version:
            return cur.problem(
                f"format version {value!r} is not supported (this stratagem reads {self.version})"
            )
        return value

    def schema(self) -> dict[str, Any]:
        return {"const": self.version}


@dataclass(frozen=True)
class Anything(Node):
    """Any plain value (model parameters, checked by the model that declares them)."""

    def check(self, value: Any, cur: Cursor) -> Any:
        return plain(value)

    def schema(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class Uncertain(Node):
    """A number, or a distribution of it.

    The distributions are ``{triangular: [lo, mode, hi]}``, ``{normal: [mean, sd]}``
    (truncated to the valid range) and ``{uniform: [lo, hi]}``; :meth:`check` returns a
    float, or a :class:`~stratagem.scenario.Distribution`.
    """

    number: Number = field(default_factory=Number)

    def check(self, value: Any, cur: Cursor) -> Any:
        kind = type(value)
        if kind is float or kind is int or not isinstance(value, Mapping):
            return self.number.check(value, cur)
        if len(value) != 1 or next(iter(value)) not in DISTRIBUTION_ARITY:
            return cur.problem(
                "a distribution is one of {triangular: [lo, mode, hi]}, "
                "{normal: [mean, sd]}, {uniform: [lo, hi]}"
            )
        kind, params = next(iter(value.items()))
        if not isinstance(params, list) or not all(_number_like(p) for p in params):
            return cur.problem(f"{kind} takes a list of numbers, got {params!r}")
        if len(params) != DISTRIBUTION_ARITY[kind]:
            return cur.problem(f"{kind} takes {DISTRIBUTION_ARITY[kind]} numbers, got {params}")
        return Distribution(kind, tuple(float(p) for p in params))

    def schema(self) -> dict[str, Any]:
        def numbers(k: int) -> dict[str, Any]:
            return {"type": "array", "items": {"type": "number"}, "minItems": k, "maxItems": k}

        shapes = [_closed({kind: numbers(k)}, [kind]) for kind, k in DISTRIBUTION_ARITY.items()]
        return {"oneOf": [self.number.schema(), *shapes]}


@dataclass(frozen=True)
class Field:
    """A named field of an :class:`Obj`.

    ``required`` fields are reported as missing; ``schema_required`` ones are only marked
    required in the published schema (the domain says what is wrong when they are absent,
    e.g. "the scenario has no actors").
    """

    name: str
    node: Node
    required: bool = False
    schema_required: bool = False


@dataclass(frozen=True)
class Obj(Node):
    """A mapping with declared fields; unknown fields are problems.

    ``one_of`` names fields of which exactly one must be given (a change sets one input).
    """

    fields: tuple[Field, ...]
    one_of: tuple[str, ...] = ()
    one_of_reason: str = ""
    description: str = ""

    def names(self) -> list[str]:
        """The field names, sorted (as the unknown-field message lists them)."""
        return sorted(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """The declared field with this name (``KeyError`` if none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def check(self, value: Any, cur: Cursor) -> Any:
        if not isinstance(value, dict) and not isinstance(value, Mapping):
            return cur.problem(f"must be a mapping (key: value), got {type(value).__name__}")
        known = self._known
        if not known.issuperset(value):
            for key in value:
                if key not in known:
                    shown = str(key) if str(key).strip() else repr(key)  # '' shows as ''
                    cur.collector.add(
                        f"{cur.path}.{shown}" if cur.path else shown,
                        f"unknown field (expected one of: {', '.join(self.names())})",
                        cur.line_of(value, key),
                    )
        out: dict[str, Any] = {}
        # written out (no cur.at): this runs for every field of every actor
        path, collector, line_of = cur.path, cur.collector, cur.line_of
        lines = line_of is not no_lines
        get = value.get
        for f in self.fields:
            raw = get(f.name)
            if raw is None:
                if f.required:
                    child = f"{path}.{f.name}" if path else f.name
                    cur.at(child).problem("is required", None if path else 1)
                continue
            child = f"{path}.{f.name}" if path else f.name
            if lines:
                collector.at(child, line_of(value, f.name))
            out[f.name] = f.node.check(raw, Cursor(collector, line_of, child))
        if self.one_of and sum(name in value for name in self.one_of) != 1:
            cur.problem(self.one_of_reason)
            return MISSING
        return out

    def schema(self) -> dict[str, Any]:
        required = [f.name for f in self.fields if f.required or f.schema_required]
        out = _closed({f.name: f.node.schema() for f in self.fields}, required)
        if self.one_of:
            out["oneOf"] = [{"required": [name]} for name in self.one_of]
        return self._described(out)


@dataclass(frozen=True)
class ListOf(Node):
    """A list; items are named in paths by their ``key`` field (``actors[us]``) when given.

    ``default_key`` (a format string of the 1-based index ``n``) names items without it.
    """

    item: Node
    key: str | None = None
    default_key: str | None = None
    min_items: int | None = None
    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        if not isinstance(value, list):
            return cur.problem(f"must be a list, got {type(value).__name__}")
        out = []
        line_of, collector, key = cur.line_of, cur.collector, self.key
        lines = line_of is not no_lines
        line = None
        for k, raw in enumerate(value):
            label: Any = k
            if lines:
                line = line_of(value, k)
            if key is not None and (type(raw) is dict or isinstance(raw, Mapping)):
                given = raw.get(key)
                if given is not None and not isinstance(given, bool | Mapping | list):
                    label = given
                    if lines:
                        line = line_of(raw, key) or line
                elif self.default_key is not None:
                    label = self.default_key.format(n=k + 1)
            path = f"{cur.path}[{label}]"
            if lines:
                collector.at(path, line)
            out.append(self.item.check(raw, Cursor(collector, line_of, path)))
        return out

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.min_items is not None:
            out["minItems"] = self.min_items
        return self._described(out)


@dataclass(frozen=True)
class MapOf(Node):
    """A mapping from names (issue ids, model names) to values of one kind.

    ``bracket`` paths name entries as ``positions[x]``; otherwise as ``model_params.eum``.
    """

    value: Node
    bracket: bool = True
    description: str = ""

    def check(self, value: Any, cur: Cursor) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            return cur.problem(f"must be a mapping (key: value), got {type(value).__name__}")
        out = {}
        collector, line_of, node = cur.collector, cur.line_of, self.value
        lines = line_of is not no_lines
        for key, raw in value.items():
            path = f"{cur.path}[{key}]" if self.bracket else f"{cur.path}.{key}"
            if lines:
                collector.at(path, line_of(value, key))
            out[str(key)] = node.check(raw, Cursor(collector, line_of, path))
        return out

    def schema(self) -> dict[str, Any]:
        return self._described({"type": "object", "additionalProperties": self.value.schema()})


@dataclass(frozen=True)
class Either(Node):
    """The first alternative whose shape the value has (``accepts``) checks it."""

    alternatives: tuple[tuple[Callable[[Any], bool], Node], ...]
    otherwise: Node

    def check(self, value: Any, cur: Cursor) -> Any:
        for accepts, node in self.alternatives:
            if accepts(value):
                return node.check(value, cur)
        return self.otherwise.check(value, cur)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [self.otherwise.schema(), *(n.schema() for _, n in self.alternatives)]}


@dataclass(frozen=True)
class Pair(Node):
    """The short value ``[position, salience]``."""

    def check(self, value: Any, cur: Cursor) -> Any:
        if len(value) == 2:  # the common case, written out: two plain numbers
            position, salience = value
            kinds = type(position), type(salience)
            if (kinds[0] is float or (kinds[0] is int and abs(position) <= _LARGEST_FLOAT)) and (
                kinds[1] is float or (kinds[1] is int and abs(salience) <= _LARGEST_FLOAT)
            ):
                return {"position": float(position), "salience": float(salience)}
        if len(value) != 2 or not (_number_like(value[0]) and _number_like(value[1])):
            return cur.problem("a short value must be [position, salience]")
        return {"position": float(value[0]), "salience": float(value[1])}

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


@dataclass(frozen=True)
class PointLabels(Node):
    """Scale points as a mapping ``{value: label}`` (the short form)."""

    def check(self, value: Any, cur: Cursor) -> Any:
        out = []
        for point, label in value.items():
            if not _number_like(point):
                cur.problem(f"scale point {point!r} is not a number")
                continue
            out.append({"value": float(point), "label": str(label)})
        return out

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": {"type": "string"}}


@dataclass(frozen=True)
class Literal(Node):
    """An option literal of the graph model: ``[option, Y]`` (taken) or ``[option, N]``."""

    def check(self, value: Any, cur: Cursor) -> Any:
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and value[1] in ("Y", "N")
        )
        if not ok:
            return cur.problem(f"an option literal is [option, Y] or [option, N], got {value!r}")
        return (value[0], value[1] == "Y")

    def schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"enum": ["Y", "N"]}],
            "minItems": 2,
            "maxItems": 2,
        }


def _closed(properties: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


# ---------------------------------------------------------------------- the document

_SALIENCE = Number(*SALIENCE_RANGE, description="how much the issue matters, 0 to 1")
_CAPABILITY = Number(minimum=0, description="relative power; only ratios matter")
_POSITION = Number(description="on the issue's own scale [min, max]")

_POINT = Obj((Field("value", Number(), required=True), Field("label", Text())))
_ISSUE = Obj(
    (
        Field("id", Text(), required=True),
        Field("name", Text()),
        Field("min", Number(description="lower end of the scale (default 0)")),
        Field("max", Number(description="upper end of the scale (default 100)")),
        Field(
            "points",
            Either(((lambda v: isinstance(v, Mapping), PointLabels()),), ListOf(_POINT)),
        ),
        Field("status_quo", Number(description="where the issue stands if nothing changes")),
        Field("note", Text()),
    )
)
_VALUE = Either(
    ((lambda v: isinstance(v, list), Pair()),),
    Obj(
        (
            Field("position", Uncertain(_POSITION), required=True),
            Field("salience", Uncertain(_SALIENCE), required=True),
            Field("capability", Uncertain(_CAPABILITY)),
            Field("note", Text()),
            Field("source", Text()),
        )
    ),
)
_ACTOR = Obj(
    (
        Field("id", Text(), required=True),
        Field("name", Text()),
        Field("capability", Uncertain(_CAPABILITY), required=True),
        Field("note", Text()),
        Field("source", Text()),
        Field("positions", MapOf(_VALUE)),
    )
)
_CHANGE = Obj(
    (
        Field("actor", Text(), required=True),
        Field("issue", Text()),
        Field("position", _POSITION),
        Field("salience", _SALIENCE),
        Field("capability", _CAPABILITY),
        Field("note", Text()),
        Field("source", Text()),
    ),
    one_of=CHANGE_FIELDS,
    one_of_reason="a change sets exactly one of position, salience, capability",
)
_EVENT = Obj(
    (
        Field("round", Integer(minimum=1), required=True),
        Field("name", Text()),
        Field("description", Text()),
        Field("note", Text()),
        Field("source", Text()),
        Field("changes", ListOf(_CHANGE, min_items=1), schema_required=True),
    )
)
_CONFLICT_OPTION = Obj(
    (
        Field("id", Text(), required=True),
        Field("by", Text(description="the actor that controls the option"), required=True),
        Field("name", Text()),
        Field(
            "direction",
            Text(description="both (reversible), take (may only be taken), withdraw"),
        ),
        Field("note", Text()),
        Field("source", Text()),
    )
)
_STATEMENT = Either(
    ((lambda v: isinstance(v, str), Statement()),),
    Obj(
        (
            Field("when", Statement(), required=True),
            Field("probability", Number(0, 1, description="below 1: an uncertain statement")),
            Field("note", Text()),
            Field("source", Text()),
        )
    ),
)
_STATE = ListOf(Text(), description="the options taken in the state")
_TIER = Either(
    ((lambda v: isinstance(v, list), _STATE),),
    Obj((Field("tie", ListOf(_STATE), required=True),)),
)
_CONFLICT_PARTS = (
    Field("infeasible", ListOf(ListOf(Literal()), description="patterns of infeasible states")),
    Field("exclusive", ListOf(ListOf(Text()), description="groups: at most one taken")),
    Field("status_quo", ListOf(Text(), description="the options taken at the status quo")),
    Field(
        "preferences",
        MapOf(ListOf(_STATEMENT), description="prioritized statements, most important first"),
    ),
)
_CONFLICT = Obj(
    (
        Field("options", ListOf(_CONFLICT_OPTION, key="id"), required=True),
        *_CONFLICT_PARTS,
        Field("ranking", MapOf(ListOf(_TIER), description="explicit rankings, best first")),
        Field(
            "ends",
            ListOf(
                Obj(
                    (
                        Field("name", Text(), required=True),
                        Field("when", Statement(), required=True),
                        Field("description", Text()),
                    )
                ),
                key="name",
                description="named ends: the states where a statement over options holds",
            ),
        ),
    ),
    description="the conflict in option form, for the graph model",
)
_CONFLICT_ADDITION = Obj(
    (
        Field("options", ListOf(_CONFLICT_OPTION, key="id")),
        *_CONFLICT_PARTS,
        Field(
            "preferences_above",
            MapOf(
                ListOf(_STATEMENT),
                description="statements ranked above the decision maker's own (most important)",
            ),
        ),
    ),
    description="what the branch adds to the conflict ('preferences' are appended after the "
    "decision maker's own statements, 'preferences_above' go before them)",
)
_BRANCH = Obj(
    (
        Field("name", Text(), required=True),
        Field("description", Text()),
        Field("note", Text()),
        Field("source", Text()),
        Field("changes", ListOf(_CHANGE)),
        Field("drop_events", ListOf(Text())),
        Field("conflict", _CONFLICT_ADDITION),
    )
)
_OUTCOME = Obj(
    (
        Field("name", Text(), required=True),
        Field(
            "when",
            Text(
                description="a condition on the forecast: comparisons of issues, numbers and "
                "start(issue), initial(actor, issue), distance(actor, issue), joined by "
                "and/or/not, e.g. '30 <= iraq_order < 70 and distance(revolt, iraq_order) > 40'"
            ),
            required=True,
        ),
        Field("description", Text()),
    )
)

DOCUMENT = Obj(
    (
        Field("stratagem", Version()),
        Field("name", Text(), required=True),
        Field("title", Text()),
        Field("description", Text()),
        Field("source", Text()),
        Field(
            "seed",
            Integer(
                "must be a non-negative whole number",
                minimum=0,
                description="seed of stochastic models when none is given",
            ),
        ),
        Field("issues", ListOf(_ISSUE, key="id", min_items=1), schema_required=True),
        Field("actors", ListOf(_ACTOR, key="id", min_items=1), schema_required=True),
        Field("events", ListOf(_EVENT, key="name", default_key="event-{n}")),
        Field("branches", ListOf(_BRANCH, key="name")),
        Field("outcomes", ListOf(_OUTCOME, key="name")),
        Field("conflict", _CONFLICT),
        Field("model_params", MapOf(MapOf(Anything(), bracket=False), bracket=False)),
        Field(
            "uncertainty",
            Obj(
                tuple(
                    Field(k, Number(minimum=0, description=f"default spread of every {k}"))
                    for k in CHANGE_FIELDS
                ),
                description="default spreads for inputs given without a distribution",
            ),
        ),
    )
)
"""The native scenario document (YAML or JSON)."""


def check(doc: Any, collector: Collector, line_of: LineOf) -> dict[str, Any]:
    """Check a parsed document against :data:`DOCUMENT`; the readable parts, converted.

    Every problem is recorded in ``collector`` (with its line); fields that could not be
    read are left out of the result, or are :data:`MISSING` inside lists.
    """
    out = DOCUMENT.check(doc, Cursor(collector, line_of))
    return out if isinstance(out, dict) else {}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario document, generated from :data:`DOCUMENT`."""
    body = DOCUMENT.schema()
    for key, name in (("actors", "actors"), ("issues", "issues")):
        body["properties"][key]["maxItems"] = limit(name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "stratagem-scenario.schema.json",
        "title": "stratagem scenario",
        **body,
        "x-stratagem-limits": {
            lim.name: {"value": lim.value(), "environment": lim.env, "bounds": lim.protects}
            for lim in LIMITS.values()
        },
    }
