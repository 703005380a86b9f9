"""The contract every registered model must honour (DESIGN.md convention 8).

Each check takes a model spec and a scenario; ``tests/unit/test_contract.py`` runs them
over the registry, and property tests run them over generated scenarios.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from stratagem import Actor, Scenario
from stratagem.models.registry import ModelSpec, details_wanted, forecasts_only


def check_determinism(spec: ModelSpec, scenario: Scenario, seed: int = 7) -> None:
    a = spec.run(scenario, seed=seed)
    b = spec.run(scenario, seed=seed)
    assert a.positions() == b.positions()
    assert a.seed == (seed if spec.stochastic else None)


def check_pickling(spec: ModelSpec, scenario: Scenario) -> None:
    forecast = spec.run(scenario, seed=1)
    again = pickle.loads(pickle.dumps(forecast))
    assert again == forecast
    assert pickle.loads(pickle.dumps(spec)).name == spec.name


def check_inside_bounds(spec: ModelSpec, scenario: Scenario) -> None:
    forecast = spec.run(scenario, seed=3)
    for issue in scenario.issues:
        x = forecast.issues[issue.id].forecast
        assert issue.min <= x <= issue.max, (issue.id, x)  # the registry snaps rounding


def check_relabelling(
    spec: ModelSpec, scenario: Scenario, seed: int = 5, params: dict[str, Any] | None = None
) -> None:
    """Renaming and reordering actors leaves every forecast unchanged."""
    order = list(reversed(range(scenario.n_actors)))
    rename = {a.id: f"r{k}_{a.id}" for k, a in enumerate(scenario.actors)}
    actors = tuple(
        Actor(
            rename[scenario.actors[k].id],
            "N" + rename[scenario.actors[k].id],
            scenario.actors[k].capability,
        )
        for k in order
    )
    values = {(rename[a], i): v for (a, i), v in scenario.values.items()}
    conflict = scenario.conflict
    for old, new in rename.items():
        conflict = conflict and conflict.with_decision_maker_renamed(old, new)
    relabelled = scenario.evolve(
        actors=actors,
        values=values,
        events=(),
        branches=(),
        uncertainty={},
        conflict=conflict,
    )
    base = spec.run(scenario.evolve(events=(), branches=()), params, seed=seed).positions()
    other = spec.run(relabelled, params, seed=seed).positions()
    for k, v in base.items():
        assert np.isclose(other[k], v, rtol=1e-9, atol=1e-9 * max(1.0, abs(v))), (k, v, other[k])


def check_one_actor(spec: ModelSpec, scenario: Scenario) -> None:
    """A one-actor scenario forecasts that actor's position (models built on positions)."""
    if not spec.uses_positions:
        return
    first = scenario.actors[0]
    alone = scenario.evolve(
        actors=(first,),
        values={k: v for k, v in scenario.values.items() if k[0] == first.id},
        issues=tuple(i for i in scenario.issues if (first.id, i.id) in scenario.values),
        events=(),
        branches=(),
        outcomes=(),
        uncertainty={},
        conflict=None,
    )
    forecast = spec.run(alone, seed=2)
    for issue in alone.issues:
        assert np.isclose(
            forecast.issues[issue.id].forecast, alone.values[(first.id, issue.id)].position
        )


def check_forecasts_only(spec: ModelSpec, scenario: Scenario, seed: int = 3) -> None:
    """A run for its forecasts only (levers, stance games, draws run one by one) forecasts
    what the full run does, bit for bit (a model may leave out its details there)."""
    full = spec.run(scenario, seed=seed)
    with forecasts_only():
        assert not details_wanted()
        lean = spec.run(scenario, seed=seed)
    assert details_wanted()
    assert lean.positions() == full.positions()
    assert lean.outcome == full.outcome


ALL_CHECKS = (
    check_forecasts_only,
    check_determinism,
    check_pickling,
    check_inside_bounds,
    check_relabelling,
    check_one_actor,
)


def _event_case(spec: ModelSpec, scenario: Scenario) -> tuple[Scenario, str, str]:
    """The scenario without its events, its first issue, and the actor an event will change:
    the salient actor farthest from the forecast on that issue."""
    base = scenario.evolve(events=(), branches=())
    issue = scenario.issues[0].id
    j = scenario.issue_index(issue)
    forecast = spec.run(base, seed=1).issues[issue].forecast
    distance = np.abs(scenario.positions[:, j] - forecast)
    weight = scenario.salience[:, j] > 0
    k = int(np.argmax(np.where(weight & scenario.has_position[:, j], distance, -1.0)))
    return base, issue, scenario.actors[k].id


def check_events_act(spec: ModelSpec, scenario: Scenario) -> None:
    """In a model that runs in rounds, events at round 1 act: making a salient outlying actor
    overwhelmingly capable changes the forecast, and so does then moving that actor to the
    other end of the scale."""
    from stratagem import Change, Event

    if not spec.dynamic:
        return
    base, issue, outlier = _event_case(spec, scenario)
    before = spec.run(base, seed=1).issues[issue].forecast
    surge = Change(outlier, "capability", 1000.0 * float(base.capability.sum()))
    strong = base.evolve(events=(Event(1, "surge", (surge,)),))
    after = spec.run(strong, seed=1).issues[issue].forecast
    assert after != before, "capability event"
    end, x = base.issue(issue), float(base.positions[base.actor_index(outlier), 0])
    far = end.min if x - end.min > end.max - x else end.max
    turned = base.evolve(
        events=(Event(1, "surge", (surge, Change(outlier, "position", far, issue))),)
    )
    assert spec.run(turned, seed=1).issues[issue].forecast != after, "position event"


def check_dropping_an_event_is_the_scenario_without_it(spec: ModelSpec, scenario: Scenario) -> None:
    """A branch that drops an event forecasts what the scenario without that event does."""
    from stratagem import Branch

    for event in scenario.events:
        dropped = scenario.evolve(branches=(Branch("drop", drop_events=(event.name,)),))
        without = scenario.evolve(
            events=tuple(e for e in scenario.events if e.name != event.name), branches=()
        )
        a = spec.run(dropped, seed=4, branch="drop").positions()
        b = spec.run(without, seed=4).positions()
        assert a == b, (event.name, a, b)


ALL_CHECKS = (*ALL_CHECKS, check_events_act, check_dropping_an_event_is_the_scenario_without_it)
