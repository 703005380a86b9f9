"""The contract every registered model must honour (DESIGN.md convention 8).

Each check takes a model spec and a scenario; ``tests/unit/test_contract.py`` runs them
over the registry, and property tests run them over generated scenarios.
"""

from __future__ import annotations

import pickle

import numpy as np

from stratagem import Actor, Scenario
from stratagem.models.registry import ModelSpec


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
        span = issue.max - issue.min
        assert issue.min - 1e-9 * span <= x <= issue.max + 1e-9 * span, (issue.id, x)


def check_relabelling(spec: ModelSpec, scenario: Scenario, seed: int = 5) -> None:
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
    relabelled = scenario.evolve(
        actors=actors, values=values, events=(), branches=(), uncertainty={}
    )
    base = spec.run(scenario.evolve(events=(), branches=()), seed=seed).positions()
    other = spec.run(relabelled, seed=seed).positions()
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
    )
    forecast = spec.run(alone, seed=2)
    for issue in alone.issues:
        assert np.isclose(
            forecast.issues[issue.id].forecast, alone.values[(first.id, issue.id)].position
        )


ALL_CHECKS = (
    check_determinism,
    check_pickling,
    check_inside_bounds,
    check_relabelling,
    check_one_actor,
)
