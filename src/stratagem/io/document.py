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

from stratagem.conflict.model import (
    Conflict,
    ConflictAddition,
    ConflictEnd,
    DecisionMaker,
    Option,
    Statement,
)
from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector
from stratagem.io.schema import FORMAT_VERSION, MISSING, check, no_lines
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
    conflict_actor_problems,
)

__all__ = ["FORMAT_VERSION", "from_document", "to_document"]

LineOf = Callable[[Any, Any], int | None]


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
            # checked numbers are floats: only a distribution (or MISSING) needs point()
            pos = v.get("position", MISSING)
            if type(pos) is not float:
                pos = self.point(pos, (aid, issue_id, "position"))
            sal = v.get("salience", MISSING)
            if type(sal) is not float:
                sal = self.point(sal, (aid, issue_id, "salience"))
            cap = v.get("capability", MISSING)
            if cap is not MISSING and type(cap) is not float:
                cap = self.point(cap, (aid, issue_id, "capability"))
            if pos is MISSING or sal is MISSING:
                continue
            values[(aid, issue_id)] = Value(
                pos,
                sal,
                None if cap is MISSING else cap,
                v.get("note") or "",
                v.get("source") or "",
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

    def branch(self, d: Mapping[str, Any], actors: Mapping[str, str]) -> Branch:
        raw = d.get("conflict", MISSING)
        return Branch(
            name=d.get("name") or "",
            changes=self.changes(d.get("changes")),
            drop_events=tuple(x for x in d.get("drop_events") or () if x is not MISSING),
            description=d.get("description") or "",
            note=d.get("note") or "",
            source=d.get("source") or "",
            conflict=None if raw is MISSING else _addition(raw, actors),
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


def from_document(doc: Any, collector: Collector, line_of: LineOf = no_lines) -> Scenario:
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
    names = {a.id: a.name for a in actors}
    branches = [b.branch(x, names) for x in present("branches")]
    conflict_doc = d.get("conflict", MISSING)
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
        conflict = None
        if conflict_doc is not MISSING:
            conflict = _conflict(conflict_doc, fields["name"], [a.id for a in actors], names)
        return Scenario(
            **fields,
            conflict=conflict,
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


def _statements(items: Any) -> tuple[Statement, ...]:
    out = []
    for s in items or ():
        if s is MISSING:
            continue
        if isinstance(s, str):
            out.append(Statement(s))
        elif s.get("when", MISSING) is not MISSING:
            p = s.get("probability", MISSING)
            out.append(
                Statement(
                    s["when"],
                    s.get("note") or "",
                    s.get("source") or "",
                    1.0 if p is MISSING else p,
                )
            )
    return tuple(out)


def _options(items: Any) -> tuple[Option, ...]:
    return tuple(
        Option(
            o.get("id", ""),
            o.get("by", ""),
            o.get("name") or "",
            o.get("direction") or "both",
            o.get("note") or "",
            o.get("source") or "",
        )
        for o in items or ()
        if o is not MISSING
    )


def _patterns(d: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    def clean(items: Any) -> tuple[Any, ...]:
        return tuple(
            tuple(x for x in group if x is not MISSING)
            for group in items or ()
            if group is not MISSING
        )

    status = d.get("status_quo", MISSING)
    return (
        clean(d.get("infeasible")),
        clean(d.get("exclusive")),
        None if status is MISSING else tuple(x for x in status if x is not MISSING),
    )


def _conflict(
    d: Mapping[str, Any], name: str, actor_ids: list[str], names: Mapping[str, str]
) -> Conflict:
    """The scenario's conflict.

    Its decision makers are the actors who control options or state preferences, in
    actor order (the domain says which of them are not actors).
    """
    options = _options(d.get("options"))
    preferences = {k: v for k, v in (d.get("preferences") or {}).items() if v is not MISSING}
    rankings = {k: v for k, v in (d.get("ranking") or {}).items() if v is not MISSING}
    involved = {o.by for o in options} | set(preferences) | set(rankings)
    order = [a for a in actor_ids if a in involved] + sorted(involved - set(actor_ids))
    infeasible, exclusive, status_quo = _patterns(d)
    codes = {o.id: k for k, o in enumerate(options)}

    def code(state: Any) -> int:
        return sum(1 << codes[o] for o in state if o in codes)

    dms = []
    for dm in order:
        ranking = None
        if dm in rankings:
            ranking = tuple(
                tuple(code(s) for s in (tier["tie"] if isinstance(tier, dict) else [tier]))
                for tier in rankings[dm]
                if tier is not MISSING
            )
        dms.append(DecisionMaker(dm, names.get(dm, dm), _statements(preferences.get(dm)), ranking))
    ends = tuple(
        ConflictEnd(e["name"], e["when"], e.get("description") or "")
        for e in d.get("ends") or ()
        if e is not MISSING
        and e.get("name", MISSING) is not MISSING
        and e.get("when", MISSING) is not MISSING
    )
    try:
        return Conflict(name, tuple(dms), options, infeasible, exclusive, status_quo, ends=ends)
    except InvalidInputError as err:
        # The scenario's own check of the actors never runs then: report it here too.
        strangers = conflict_actor_problems(options, set(actor_ids), "conflict")
        raise InvalidInputError([*err.problems, *strangers]) from None


def _addition(d: Mapping[str, Any], names: Mapping[str, str]) -> ConflictAddition:
    infeasible, exclusive, status_quo = _patterns(d)

    def by_decision_maker(key: str) -> tuple[tuple[str, tuple[Statement, ...]], ...]:
        given = {k: v for k, v in (d.get(key) or {}).items() if v is not MISSING}
        return tuple((dm, _statements(items)) for dm, items in given.items())

    options = _options(d.get("options"))
    return ConflictAddition(
        options,
        infeasible,
        exclusive,
        status_quo or (),
        by_decision_maker("preferences"),
        tuple((o.by, names.get(o.by, o.by)) for o in options),
        by_decision_maker("preferences_above"),
    )


def _conflict_doc(c: Conflict) -> dict[str, Any]:
    """The conflict section of a document (statements, or rankings by options taken)."""
    index = {k: o.id for k, o in enumerate(c.options)}

    def state(code: int) -> list[str]:
        return [index[k] for k in range(len(c.options)) if code >> k & 1]

    out: dict[str, Any] = {
        "options": [
            {"id": o.id, "by": o.by}
            | ({"name": o.name} if o.name else {})
            | ({"direction": o.direction} if o.direction != "both" else {})
            | _texts(o, "note", "source")
            for o in c.options
        ]
    }
    if c.infeasible:
        out["infeasible"] = [[[o, "Y" if t else "N"] for o, t in p] for p in c.infeasible]
    if c.exclusive:
        out["exclusive"] = [list(g) for g in c.exclusive]
    if c.status_quo is not None:
        out["status_quo"] = list(c.status_quo)
    preferences = {
        d.id: [_statement_doc(s) for s in d.statements] for d in c.decision_makers if d.statements
    }
    if preferences:
        out["preferences"] = preferences
    if c.ends:
        out["ends"] = [
            {"name": e.name, "when": e.when}
            | ({"description": e.description} if e.description else {})
            for e in c.ends
        ]
    rankings = {
        d.id: [state(t[0]) if len(t) == 1 else {"tie": [state(x) for x in t]} for t in d.ranking]
        for d in c.decision_makers
        if d.ranking is not None
    }
    if rankings:
        out["ranking"] = rankings
    return out


def _addition_doc(a: ConflictAddition) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.options:
        out["options"] = [
            {"id": o.id, "by": o.by}
            | ({"name": o.name} if o.name else {})
            | ({"direction": o.direction} if o.direction != "both" else {})
            | _texts(o, "note", "source")
            for o in a.options
        ]
    if a.infeasible:
        out["infeasible"] = [[[o, "Y" if t else "N"] for o, t in p] for p in a.infeasible]
    if a.exclusive:
        out["exclusive"] = [list(g) for g in a.exclusive]
    if a.status_quo:
        out["status_quo"] = list(a.status_quo)
    if a.statements:
        out["preferences"] = {dm: [_statement_doc(s) for s in items] for dm, items in a.statements}
    if a.statements_above:
        out["preferences_above"] = {
            dm: [_statement_doc(s) for s in items] for dm, items in a.statements_above
        }
    return out


def _statement_doc(s: Statement) -> Any:
    extra: dict[str, Any] = dict(_texts(s, "note", "source"))
    if s.probability != 1.0:
        extra["probability"] = _num(s.probability)
    return {"when": s.when, **extra} if extra else s.when


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
                **({"conflict": _addition_doc(b.conflict)} if b.conflict is not None else {}),
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
    if scenario.conflict is not None:
        doc["conflict"] = _conflict_doc(scenario.conflict)
    if scenario.spread:
        doc["uncertainty"] = {k: _num(v) for k, v in scenario.spread.items()}
    if scenario.model_params:
        doc["model_params"] = {k: dict(v) for k, v in scenario.model_params.items()}
    return doc
