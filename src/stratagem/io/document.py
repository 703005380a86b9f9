"""The native scenario document (YAML or JSON): conversion to and from :class:`Scenario`.

The layout (see ``stratagem schema`` for the JSON Schema)::

    stratagem: 1
    name: iraq-2020
    title: ...
    issues:
      - {id: escalation, name: ..., min: 0, max: 100, status_quo: 0, points: [...]}
    actors:
      - id: us
        name: United States
        capability: 100
        positions:
          escalation: {position: 35, salience: 0.6, note: ..., source: ...}
    events:
      - {round: 1, name: embassy-siege, changes: [{actor: militias, issue: escalation,
                                                   position: 85}]}
    branches:
      - {name: no-strike, drop_events: [soleimani-strike]}
    outcomes:
      - {name: open war, when: escalation >= 70}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector
from stratagem.scenario import (
    CHANGE_FIELDS,
    DISTRIBUTION_ARITY,
    Actor,
    Branch,
    Change,
    Distribution,
    Event,
    Issue,
    Outcome,
    ScalePoint,
    Scenario,
    Value,
)

FORMAT_VERSION = 1

LineOf = Callable[[Any, Any], int | None]

_TOP = {
    "stratagem",
    "name",
    "title",
    "description",
    "source",
    "seed",
    "issues",
    "actors",
    "events",
    "branches",
    "outcomes",
    "model_params",
    "uncertainty",
}
_ISSUE = {"id", "name", "min", "max", "points", "status_quo", "note"}
_ACTOR = {"id", "name", "capability", "note", "source", "positions"}
_VALUE = {"position", "salience", "capability", "note", "source"}
_EVENT = {"round", "name", "description", "changes"}
_CHANGE = {"actor", "issue", *CHANGE_FIELDS}
_BRANCH = {"name", "description", "changes", "drop_events"}
_OUTCOME = {"name", "when", "description"}


def _no_line(container: Any, key: Any) -> int | None:
    return None


class _Reader:
    """Walks a parsed document, collecting problems and field lines."""

    def __init__(self, collector: Collector, line_of: LineOf) -> None:
        self.c = collector
        self.line_of = line_of
        self.uncertainty: dict[tuple[str, str, str], Distribution] = {}

    def uncertain(
        self,
        node: Mapping[str, Any],
        key: str,
        path: str,
        ukey: tuple[str, str, str],
        *,
        required: bool,
    ) -> float | None:
        """A number, or a distribution (recorded) whose point value is returned."""
        value = node.get(key)
        if not isinstance(value, Mapping):
            return self.number(node, key, path, required=required)
        self.mark(node, key, path)
        if len(value) != 1 or next(iter(value)) not in DISTRIBUTION_ARITY:
            self.c.add(
                path,
                "a distribution is one of {triangular: [lo, mode, hi]}, "
                "{normal: [mean, sd]}, {uniform: [lo, hi]}",
            )
            return None
        kind, params = next(iter(value.items()))
        if not isinstance(params, list) or any(
            isinstance(p, bool) or not isinstance(p, int | float) for p in params
        ):
            self.c.add(path, f"{kind} takes a list of numbers, got {params!r}")
            return None
        dist = Distribution(kind, tuple(float(p) for p in params))
        if len(dist.params) != DISTRIBUTION_ARITY[kind]:
            self.c.add(path, f"{kind} takes {DISTRIBUTION_ARITY[kind]} numbers, got {list(params)}")
            return None
        self.uncertainty[ukey] = dist
        return dist.point

    def mark(self, container: Any, key: Any, path: str) -> None:
        self.c.at(path, self.line_of(container, key))

    def check_keys(self, node: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in node:
            if key not in allowed:
                self.c.add(
                    f"{path}.{key}" if path else str(key),
                    f"unknown field (expected one of: {', '.join(sorted(allowed))})",
                    self.line_of(node, key),
                )

    def text(self, node: Mapping[str, Any], key: str, path: str, default: str = "") -> str:
        if key not in node or node[key] is None:
            return default
        value = node[key]
        self.mark(node, key, path)
        if isinstance(value, bool | dict | list):
            self.c.add(path, f"must be text, got {value!r}")
            return default
        return str(value)

    def number(
        self, node: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> float | None:
        if key not in node or node[key] is None:
            if required:
                self.c.add(path, "is required")
            return None
        value = node[key]
        self.mark(node, key, path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.c.add(path, f"must be a number, got {value!r}")
            return None
        return float(value)

    def mapping(self, node: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(node, Mapping):
            self.c.add(path, f"must be a mapping (key: value), got {type(node).__name__}")
            return None
        return node

    def seq(self, node: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = node.get(key)
        if value is None:
            return []
        self.mark(node, key, path)
        if not isinstance(value, list):
            self.c.add(path, f"must be a list, got {type(value).__name__}")
            return []
        return value

    # ------------------------------------------------------------------ sections

    def issue(self, node: Any, k: int) -> Issue | None:
        m = self.mapping(node, f"issues[{k}]")
        if m is None:
            return None
        iid = self.text(m, "id", f"issues[{k}].id")
        path = f"issues[{iid or k}]"
        self.c.at(path, self.line_of(node, "id"))
        if not iid:
            self.c.add(path + ".id", "is required")
        self.check_keys(m, _ISSUE, path)
        lo = self.number(m, "min", f"{path}.min", required=False)
        hi = self.number(m, "max", f"{path}.max", required=False)
        points: list[ScalePoint] = []
        raw_points = m.get("points")
        if isinstance(raw_points, Mapping):
            for value, label in raw_points.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.c.add(f"{path}.points", f"scale point {value!r} is not a number")
                    continue
                points.append(ScalePoint(float(value), str(label)))
        elif raw_points is not None:
            for p_index, p in enumerate(self.seq(m, "points", f"{path}.points")):
                pm = self.mapping(p, f"{path}.points[{p_index}]")
                if pm is None:
                    continue
                pv = self.number(pm, "value", f"{path}.points[{p_index}].value", required=True)
                if pv is not None:
                    points.append(ScalePoint(pv, self.text(pm, "label", f"{path}.points")))
        return Issue(
            id=iid,
            name=self.text(m, "name", f"{path}.name", iid),
            min=0.0 if lo is None else lo,
            max=100.0 if hi is None else hi,
            points=tuple(points),
            status_quo=self.number(m, "status_quo", f"{path}.status_quo", required=False),
            note=self.text(m, "note", f"{path}.note"),
        )

    def actor(self, node: Any, k: int, values: dict[tuple[str, str], Value]) -> Actor | None:
        m = self.mapping(node, f"actors[{k}]")
        if m is None:
            return None
        aid = self.text(m, "id", f"actors[{k}].id")
        path = f"actors[{aid or k}]"
        self.c.at(path, self.line_of(node, "id"))
        if not aid:
            self.c.add(path + ".id", "is required")
        self.check_keys(m, _ACTOR, path)
        cap = self.uncertain(
            m, "capability", f"{path}.capability", (aid, "", "capability"), required=True
        )
        positions = m.get("positions")
        if positions is not None:
            self.mark(m, "positions", f"{path}.positions")
            pm = self.mapping(positions, f"{path}.positions")
            for issue_id, raw in (pm or {}).items():
                vpath = f"{path}.positions[{issue_id}]"
                self.mark(pm, issue_id, vpath)
                value = self.value(raw, vpath, aid, str(issue_id))
                if value is not None:
                    values[(aid, str(issue_id))] = value
        return Actor(
            id=aid,
            name=self.text(m, "name", f"{path}.name", aid),
            # a missing or mistyped capability is already reported; 0 avoids a cascade
            capability=0.0 if cap is None else cap,
            note=self.text(m, "note", f"{path}.note"),
            source=self.text(m, "source", f"{path}.source"),
        )

    def value(self, raw: Any, path: str, actor: str, issue: str) -> Value | None:
        if isinstance(raw, list):
            if len(raw) != 2 or any(
                isinstance(x, bool) or not isinstance(x, int | float) for x in raw
            ):
                self.c.add(path, "a short value must be [position, salience]")
                return None
            return Value(float(raw[0]), float(raw[1]))
        m = self.mapping(raw, path)
        if m is None:
            return None
        self.check_keys(m, _VALUE, path)
        pos = self.uncertain(
            m, "position", f"{path}.position", (actor, issue, "position"), required=True
        )
        sal = self.uncertain(
            m, "salience", f"{path}.salience", (actor, issue, "salience"), required=True
        )
        cap = self.uncertain(
            m, "capability", f"{path}.capability", (actor, issue, "capability"), required=False
        )
        if pos is None or sal is None:
            return None
        return Value(
            position=pos,
            salience=sal,
            capability=cap,
            note=self.text(m, "note", f"{path}.note"),
            source=self.text(m, "source", f"{path}.source"),
        )

    def change(self, node: Any, path: str) -> Change | None:
        m = self.mapping(node, path)
        if m is None:
            return None
        self.c.at(path, self.line_of(node, "actor"))
        self.check_keys(m, _CHANGE, path)
        actor = self.text(m, "actor", f"{path}.actor")
        if not actor:
            self.c.add(f"{path}.actor", "is required")
        fields = [f for f in CHANGE_FIELDS if f in m]
        if len(fields) != 1:
            self.c.add(path, "a change sets exactly one of position, salience, capability")
            return None
        fname = fields[0]
        value = self.number(m, fname, f"{path}.{fname}", required=True)
        issue = self.text(m, "issue", f"{path}.issue") or None
        if value is None:
            return None
        return Change(actor=actor, field=fname, value=value, issue=issue)

    def event(self, node: Any, k: int) -> Event | None:
        m = self.mapping(node, f"events[{k}]")
        if m is None:
            return None
        name = self.text(m, "name", f"events[{k}].name") or f"event-{k + 1}"
        path = f"events[{name}]"
        self.c.at(path, self.line_of(node, "name") or self.line_of(node, "round"))
        self.check_keys(m, _EVENT, path)
        round_ = m.get("round")
        self.mark(m, "round", f"{path}.round")
        if isinstance(round_, bool) or not isinstance(round_, int):
            self.c.add(f"{path}.round", f"must be a whole number, got {round_!r}")
            return None
        changes = [
            self.change(ch, f"{path}.changes[{j}]")
            for j, ch in enumerate(self.seq(m, "changes", f"{path}.changes"))
        ]
        return Event(
            round=round_,
            name=name,
            changes=tuple(ch for ch in changes if ch is not None),
            description=self.text(m, "description", f"{path}.description"),
        )

    def branch(self, node: Any, k: int) -> Branch | None:
        m = self.mapping(node, f"branches[{k}]")
        if m is None:
            return None
        name = self.text(m, "name", f"branches[{k}].name")
        path = f"branches[{name or k}]"
        self.c.at(path, self.line_of(node, "name"))
        if not name:
            self.c.add(f"{path}.name", "is required")
        self.check_keys(m, _BRANCH, path)
        changes = [
            self.change(ch, f"{path}.changes[{j}]")
            for j, ch in enumerate(self.seq(m, "changes", f"{path}.changes"))
        ]
        drops = self.seq(m, "drop_events", f"{path}.drop_events")
        return Branch(
            name=name,
            changes=tuple(ch for ch in changes if ch is not None),
            drop_events=tuple(str(d) for d in drops),
            description=self.text(m, "description", f"{path}.description"),
        )

    def outcome(self, node: Any, k: int) -> Outcome | None:
        m = self.mapping(node, f"outcomes[{k}]")
        if m is None:
            return None
        name = self.text(m, "name", f"outcomes[{k}].name")
        path = f"outcomes[{name or k}]"
        self.c.at(path, self.line_of(node, "name"))
        if not name:
            self.c.add(f"{path}.name", "is required")
        self.check_keys(m, _OUTCOME, path)
        when = self.text(m, "when", f"{path}.when")
        if not when:
            self.c.add(f"{path}.when", "is required")
            return None
        try:
            return Outcome.from_expression(
                name, when, self.text(m, "description", f"{path}.description")
            )
        except ValueError as exc:
            self.c.add(f"{path}.when", str(exc))
            return None


def from_document(doc: Any, collector: Collector, line_of: LineOf = _no_line) -> Scenario:
    """Build a scenario from a parsed document, reporting every problem at once.

    Parameters
    ----------
    doc : Any
        The parsed YAML/JSON content.
    collector : Collector
        Gathers problems and field lines (it names the source file).
    line_of : callable
        ``(container, key) -> line`` for the parsed containers (1-based), if known.

    Raises
    ------
    InvalidInputError
        If anything is missing, mistyped or invalid.
    """
    r = _Reader(collector, line_of)
    if not isinstance(doc, Mapping):
        raise InvalidInputError(
            [
                Problem(
                    "document",
                    "is not a stratagem scenario (expected a mapping at the top, "
                    f"got {type(doc).__name__})",
                    1,
                    collector.source,
                )
            ]
        )
    top = doc
    r.check_keys(top, _TOP, "")
    version = top.get("stratagem", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        collector.add(
            "stratagem",
            f"format version {version!r} is not supported (this stratagem reads {FORMAT_VERSION})",
            line_of(top, "stratagem"),
        )
    name = r.text(top, "name", "name")
    if not name:
        collector.add("name", "is required", 1)
    issues = [r.issue(node, k) for k, node in enumerate(r.seq(top, "issues", "issues"))]
    values: dict[tuple[str, str], Value] = {}
    actors = [r.actor(node, k, values) for k, node in enumerate(r.seq(top, "actors", "actors"))]
    events = [r.event(node, k) for k, node in enumerate(r.seq(top, "events", "events"))]
    branches = [r.branch(node, k) for k, node in enumerate(r.seq(top, "branches", "branches"))]
    outcomes = [r.outcome(node, k) for k, node in enumerate(r.seq(top, "outcomes", "outcomes"))]
    params_raw = top.get("model_params") or {}
    model_params: dict[str, dict[str, Any]] = {}
    pm = r.mapping(params_raw, "model_params")
    for model, params in (pm or {}).items():
        inner = r.mapping(params, f"model_params.{model}")
        if inner is not None:
            model_params[str(model)] = {str(k): _plain(v) for k, v in inner.items()}
    spread: dict[str, float] = {}
    spread_raw = top.get("uncertainty")
    if spread_raw is not None:
        sm = r.mapping(spread_raw, "uncertainty")
        for key, value in (sm or {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                collector.add(
                    f"uncertainty.{key}", f"must be a number, got {value!r}", line_of(sm, key)
                )
            else:
                spread[str(key)] = float(value)
                collector.at(f"uncertainty.{key}", line_of(sm, key))
    seed = top.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        collector.add(
            "seed", f"must be a non-negative whole number, got {seed!r}", line_of(top, "seed")
        )
        seed = None

    def make() -> Scenario:
        return Scenario(
            name=name,
            title=r.text(top, "title", "title"),
            description=r.text(top, "description", "description"),
            source=r.text(top, "source", "source"),
            issues=tuple(i for i in issues if i is not None),
            actors=tuple(a for a in actors if a is not None),
            values=values,
            events=tuple(e for e in events if e is not None),
            branches=tuple(b for b in branches if b is not None),
            outcomes=tuple(o for o in outcomes if o is not None),
            model_params=model_params,
            seed=seed,
            uncertainty=r.uncertainty,
            spread=spread,
        )

    return collector.build(make)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


def _change_doc(ch: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"actor": ch.actor}
    if ch.issue is not None:
        out["issue"] = ch.issue
    out[ch.field] = _num(ch.value)
    return out


def to_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a plain document (dicts, lists, numbers, strings), lossless."""
    unc = scenario.uncertainty

    def maybe(key: tuple[str, str, str], x: float) -> Any:
        dist = unc.get(key)
        return {dist.kind: [_num(p) for p in dist.params]} if dist is not None else _num(x)

    doc: dict[str, Any] = {"stratagem": FORMAT_VERSION, "name": scenario.name}
    for key in ("title", "description", "source"):
        if getattr(scenario, key):
            doc[key] = getattr(scenario, key)
    if scenario.seed is not None:
        doc["seed"] = scenario.seed
    issues = []
    for i in scenario.issues:
        d: dict[str, Any] = {"id": i.id, "name": i.name, "min": _num(i.min), "max": _num(i.max)}
        if i.status_quo is not None:
            d["status_quo"] = _num(i.status_quo)
        if i.points:
            d["points"] = [{"value": _num(p.value), "label": p.label} for p in i.points]
        if i.note:
            d["note"] = i.note
        issues.append(d)
    doc["issues"] = issues
    actors = []
    for a in scenario.actors:
        ad: dict[str, Any] = {
            "id": a.id,
            "name": a.name,
            "capability": maybe((a.id, "", "capability"), a.capability),
        }
        for key in ("note", "source"):
            if getattr(a, key):
                ad[key] = getattr(a, key)
        positions: dict[str, Any] = {}
        for i in scenario.issues:
            v = scenario.values.get((a.id, i.id))
            if v is None:
                continue
            vd: dict[str, Any] = {
                "position": maybe((a.id, i.id, "position"), v.position),
                "salience": maybe((a.id, i.id, "salience"), v.salience),
            }
            if v.capability is not None:
                vd["capability"] = maybe((a.id, i.id, "capability"), v.capability)
            for key in ("note", "source"):
                if getattr(v, key):
                    vd[key] = getattr(v, key)
            positions[i.id] = vd
        ad["positions"] = positions
        actors.append(ad)
    doc["actors"] = actors
    if scenario.events:
        doc["events"] = [
            {
                "round": e.round,
                "name": e.name,
                **({"description": e.description} if e.description else {}),
                "changes": [_change_doc(ch) for ch in e.changes],
            }
            for e in scenario.events
        ]
    if scenario.branches:
        doc["branches"] = [
            {
                "name": b.name,
                **({"description": b.description} if b.description else {}),
                **({"changes": [_change_doc(ch) for ch in b.changes]} if b.changes else {}),
                **({"drop_events": list(b.drop_events)} if b.drop_events else {}),
            }
            for b in scenario.branches
        ]
    if scenario.outcomes:
        doc["outcomes"] = [
            {
                "name": o.name,
                "when": o.expression,
                **({"description": o.description} if o.description else {}),
            }
            for o in scenario.outcomes
        ]
    if scenario.spread:
        doc["uncertainty"] = {k: _num(v) for k, v in scenario.spread.items()}
    if scenario.model_params:
        doc["model_params"] = {k: dict(v) for k, v in scenario.model_params.items()}
    return doc
