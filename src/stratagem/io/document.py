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
from stratagem.io.schema import FORMAT_VERSION, MISSING, check
from stratagem.scenario import (
    CHANGE_FIELDS,
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

__all__ = ["FORMAT_VERSION", "from_document", "to_document"]

LineOf = Callable[[Any, Any], int | None]


def _no_line(container: Any, key: Any) -> int | None:
    return None


class _Builder:
    """Turns a checked document (see :mod:`stratagem.io.schema`) into domain objects."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.uncertainty: dict[tuple[str, str, str], Distribution] = {}

    def point(self, x: Any, key: tuple[str, str, str]) -> Any:
        """A number's point value, recording a distribution as the input's uncertainty."""
        if isinstance(x, Distribution):
            self.uncertainty[key] = x
            return x.point
        return x

    def issue(self, d: Mapping[str, Any]) -> Issue:
        iid = d.get("id", "")
        points = [
            ScalePoint(p["value"], p.get("label") or "")
            for p in d.get("points") or ()
            if p is not MISSING and p.get("value", MISSING) is not MISSING
        ]
        lo, hi = d.get("min", MISSING), d.get("max", MISSING)
        status_quo = d.get("status_quo", MISSING)
        return Issue(
            id=iid,
            name=d.get("name") or iid,
            min=0.0 if lo is MISSING else lo,
            max=100.0 if hi is MISSING else hi,
            points=tuple(points),
            status_quo=None if status_quo is MISSING else status_quo,
            note=d.get("note") or "",
        )

    def actor(self, d: Mapping[str, Any], values: dict[tuple[str, str], Value]) -> Actor:
        aid = d.get("id", "")
        for issue_id, v in (d.get("positions") or {}).items():
            if v is MISSING:
                continue
            pos = self.point(v.get("position", MISSING), (aid, issue_id, "position"))
            sal = self.point(v.get("salience", MISSING), (aid, issue_id, "salience"))
            cap = self.point(v.get("capability", MISSING), (aid, issue_id, "capability"))
            if pos is MISSING or sal is MISSING:
                continue
            values[(aid, issue_id)] = Value(
                position=pos,
                salience=sal,
                capability=None if cap is MISSING else cap,
                note=v.get("note") or "",
                source=v.get("source") or "",
            )
        cap = self.point(d.get("capability", MISSING), (aid, "", "capability"))
        return Actor(
            id=aid,
            name=d.get("name") or aid,
            # a missing or mistyped capability is already reported; 0 avoids a cascade
            capability=0.0 if cap is MISSING else cap,
            note=d.get("note") or "",
            source=d.get("source") or "",
        )

    @staticmethod
    def changes(items: Any) -> tuple[Change, ...]:
        out = []
        for ch in items or ():
            if ch is MISSING:
                continue
            fname = next((f for f in CHANGE_FIELDS if f in ch), None)
            if fname is None or ch[fname] is MISSING or ch.get("actor", MISSING) is MISSING:
                continue
            value = ch[fname]
            out.append(
                Change(
                    ch["actor"],
                    fname,
                    value,
                    ch.get("issue") or None,
                    ch.get("note") or "",
                    ch.get("source") or "",
                )
            )
        return tuple(out)

    def event(self, d: Mapping[str, Any], k: int) -> Event | None:
        round_ = d.get("round", MISSING)
        if round_ is MISSING:
            return None
        return Event(
            round=round_,
            name=d.get("name") or f"event-{k + 1}",
            changes=self.changes(d.get("changes")),
            description=d.get("description") or "",
            note=d.get("note") or "",
            source=d.get("source") or "",
        )

    def branch(self, d: Mapping[str, Any]) -> Branch:
        return Branch(
            name=d.get("name") or "",
            changes=self.changes(d.get("changes")),
            drop_events=tuple(x for x in d.get("drop_events") or () if x is not MISSING),
            description=d.get("description") or "",
            note=d.get("note") or "",
            source=d.get("source") or "",
        )

    def outcome(self, d: Mapping[str, Any], k: int) -> Outcome | None:
        name = d.get("name") or ""
        when = d.get("when") or ""
        if not when:
            return None
        try:
            return Outcome.from_expression(name, when, d.get("description") or "")
        except ValueError as exc:
            self.collector.add(f"outcomes[{name or k}].when", str(exc))
            return None


def from_document(doc: Any, collector: Collector, line_of: LineOf = _no_line) -> Scenario:
    """Build a scenario from a parsed document, reporting every problem at once.

    The document is checked against :data:`stratagem.io.schema.DOCUMENT` (types, required
    and unknown fields, shapes), then built into a :class:`~stratagem.scenario.Scenario`,
    whose own validation checks what depends on other values.

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
    d = check(doc, collector, line_of)
    b = _Builder(collector)

    def present(key: str) -> list[Any]:
        return [x for x in d.get(key) or () if x is not MISSING]

    values: dict[tuple[str, str], Value] = {}
    issues = [b.issue(x) for x in present("issues")]
    actors = [b.actor(x, values) for x in present("actors")]
    events = [b.event(x, k) for k, x in enumerate(d.get("events") or ()) if x is not MISSING]
    branches = [b.branch(x) for x in present("branches")]
    outcomes = [b.outcome(x, k) for k, x in enumerate(d.get("outcomes") or ()) if x is not MISSING]
    spread = {k: v for k, v in (d.get("uncertainty") or {}).items() if v is not MISSING}
    model_params = {k: v for k, v in (d.get("model_params") or {}).items() if v is not MISSING}
    seed = d.get("seed", MISSING)
    fields: dict[str, Any] = {
        "name": d.get("name") or "",
        "title": d.get("title") or "",
        "description": d.get("description") or "",
        "source": d.get("source") or "",
    }

    def make() -> Scenario:
        return Scenario(
            **fields,
            issues=tuple(issues),
            actors=tuple(actors),
            values=values,
            events=tuple(e for e in events if e is not None),
            branches=tuple(branches),
            outcomes=tuple(o for o in outcomes if o is not None),
            model_params=model_params,
            seed=None if seed is MISSING else seed,
            uncertainty=b.uncertainty,
            spread=spread,
        )

    return collector.build(make)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


def _change_doc(ch: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"actor": ch.actor}
    if ch.issue is not None:
        out["issue"] = ch.issue
    out[ch.field] = _num(ch.value)
    return {**out, **_texts(ch, "note", "source")}


def _texts(obj: Any, *keys: str) -> dict[str, str]:
    """The free-text fields of ``obj`` that are not empty, in order."""
    return {k: getattr(obj, k) for k in keys if getattr(obj, k)}


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
                **_texts(e, "description", "note", "source"),
                "changes": [_change_doc(ch) for ch in e.changes],
            }
            for e in scenario.events
        ]
    if scenario.branches:
        doc["branches"] = [
            {
                "name": b.name,
                **_texts(b, "description", "note", "source"),
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
