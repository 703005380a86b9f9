"""Hypothesis strategies for whole scenarios, used by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from stratagem.scenario import Actor, Issue, Scenario, Value

_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@st.composite
def issues(draw: st.DrawFn, issue_id: str) -> Issue:
    lo = draw(st.floats(-1000, 1000, allow_nan=False, allow_infinity=False))
    width = draw(st.floats(0.5, 1000, allow_nan=False, allow_infinity=False))
    return Issue(id=issue_id, name=issue_id.upper(), min=lo, max=lo + width)


@st.composite
def scenarios(
    draw: st.DrawFn,
    min_actors: int = 1,
    max_actors: int = 8,
    max_issues: int = 3,
    missing: bool = False,
) -> Scenario:
    """A valid scenario with random actors, issues, positions, saliences and capabilities.

    With ``missing=True`` some actors take no position on some issues.
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
    return Scenario(name="generated", actors=tuple(actors), issues=tuple(issue_objs), values=values)
