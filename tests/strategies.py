"""Hypothesis strategies for whole scenarios, used by the property tests.

:func:`scenarios` draws actors, issues, positions, saliences and capabilities, and with
``dynamic=True`` also events, branches, named outcomes and uncertain inputs (distributions
and a default spread), so that invariants are checked on everything a scenario can hold.
"""

from __future__ import annotations

from hypothesis import strategies as st

from stratagem.scenario import (
    Actor,
    Branch,
    Change,
    Distribution,
    Event,
    Issue,
    Outcome,
    Scenario,
    Value,
)

_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@st.composite
def issues(draw: st.DrawFn, issue_id: str) -> Issue:
    lo = draw(st.floats(-1000, 1000, allow_nan=False, allow_infinity=False))
    width = draw(st.floats(0.5, 1000, allow_nan=False, allow_infinity=False))
    return Issue(id=issue_id, name=issue_id.upper(), min=lo, max=lo + width)


@st.composite
def changes(draw: st.DrawFn, actors: list[Actor], issue_objs: list[Issue]) -> Change:
    """One valid change of an actor's input."""
    actor = draw(st.sampled_from(actors)).id
    kind = draw(st.sampled_from(["position", "salience", "capability", "actor-capability"]))
    if kind == "actor-capability":
        return Change(actor, "capability", draw(st.floats(0.0, 100)))
    issue = draw(st.sampled_from(issue_objs))
    if kind == "position":
        return Change(actor, "position", draw(st.floats(issue.min, issue.max)), issue.id)
    if kind == "salience":
        return Change(actor, "salience", draw(st.floats(0.0, 1.0)), issue.id)
    return Change(actor, "capability", draw(st.floats(0.0, 100)), issue.id)


@st.composite
def distributions(draw: st.DrawFn, lo: float, hi: float, point: float) -> Distribution:
    """A valid distribution on [lo, hi] whose point value is ``point``."""
    kind = draw(st.sampled_from(["triangular", "uniform", "normal"]))
    if kind == "triangular":
        a = draw(st.floats(lo, point))
        b = draw(st.floats(point, hi))
        return Distribution("triangular", (a, point, b))
    if kind == "uniform":
        half = draw(st.floats(0.0, min(point - lo, hi - point)))
        return Distribution("uniform", (point - half, point + half))
    return Distribution("normal", (point, draw(st.floats(0.0, max(hi - lo, 0.0) / 2))))


@st.composite
def scenarios(
    draw: st.DrawFn,
    min_actors: int = 1,
    max_actors: int = 8,
    max_issues: int = 3,
    missing: bool = False,
    dynamic: bool = False,
) -> Scenario:
    """A valid scenario with random actors, issues, positions, saliences and capabilities.

    With ``missing=True`` some actors take no position on some issues; with
    ``dynamic=True`` the scenario also has events, branches, outcomes and uncertain inputs.
    """
    n_issues = draw(st.integers(1, max_issues))
    issue_ids = draw(st.lists(_IDS, min_size=n_issues, max_size=n_issues, unique=True))
    issue_objs = [draw(issues(i)) for i in issue_ids]
    n_actors = draw(st.integers(min_actors, max_actors))
    actor_ids = draw(st.lists(_IDS, min_size=n_actors, max_size=n_actors, unique=True))
    actors = [
        Actor(id=a, name=a.title() + "!", capability=draw(st.floats(0.01, 100))) for a in actor_ids
    ]
    values: dict[tuple[str, str], Value] = {}
    for k, a in enumerate(actor_ids):
        for j, issue in enumerate(issue_objs):
            # keep at least one position per actor and per issue
            if missing and k > 0 and j > 0 and draw(st.booleans()):
                continue
            pos = draw(st.floats(issue.min, issue.max, allow_nan=False))
            sal = draw(st.floats(0.0, 1.0))
            values[(a, issue.id)] = Value(pos, sal)
    base = Scenario(name="generated", actors=tuple(actors), issues=tuple(issue_objs), values=values)
    if not dynamic:
        return base
    events = tuple(
        Event(
            round=draw(st.integers(1, 6)),
            name=f"event-{k}",
            changes=tuple(draw(st.lists(changes(actors, issue_objs), min_size=1, max_size=3))),
        )
        for k in range(draw(st.integers(0, 3)))
    )
    branches = []
    for k in range(draw(st.integers(0, 2))):
        dropped = (
            draw(st.lists(st.sampled_from([e.name for e in events]), max_size=2, unique=True))
            if events
            else []
        )
        moved = draw(
            st.lists(changes(actors, issue_objs), min_size=0 if dropped else 1, max_size=2)
        )
        branches.append(Branch(f"branch-{k}", tuple(moved), tuple(dropped)))
    outcomes = []
    for k, issue in enumerate(issue_objs[: draw(st.integers(0, len(issue_objs)))]):
        cut = draw(st.floats(issue.min, issue.max))
        outcomes.append(Outcome.from_expression(f"outcome {k}", f"{issue.id} >= {cut!r}"))
    uncertainty = {}
    for (a, i), v in values.items():
        if draw(st.integers(0, 3)) == 0:
            issue = next(x for x in issue_objs if x.id == i)
            dist = draw(distributions(issue.min, issue.max, v.position))
            uncertainty[(a, i, "position")] = dist
            values[(a, i)] = Value(dist.point, v.salience)  # a value is its distribution's point
    spread = draw(
        st.dictionaries(
            st.sampled_from(["position", "salience", "capability"]), st.floats(0.0, 0.5), max_size=3
        )
    )
    return base.evolve(
        values=values,
        events=events,
        branches=tuple(branches),
        outcomes=tuple(outcomes),
        uncertainty=uncertainty,
        spread=spread,
    )
