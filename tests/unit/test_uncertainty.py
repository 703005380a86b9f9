from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stratagem
import stratagem.models
from stratagem import InvalidInputError, io
from stratagem.models import registry
from stratagem.scenario import Distribution
from stratagem.uncertainty import montecarlo, sampling

UNCERTAIN = """
name: u
uncertainty: {salience: 0.05}
issues: [{id: x, min: 0, max: 100}, {id: y, min: -1, max: 1}]
actors:
  - id: a
    capability: {normal: [10, 2]}
    positions:
      x: {position: {triangular: [20, 30, 50]}, salience: 0.5}
      y: {position: 0.5, salience: {uniform: [0.2, 0.4]}}
  - id: b
    capability: 5
    positions:
      x: {position: 80, salience: 1}
      y: {position: -0.5, salience: 0.9}
outcomes:
  - {name: high, when: x >= 50}
  - {name: low, when: x < 50}
"""


def test_distributions_read_validate_and_round_trip() -> None:
    sc = io.read_text(UNCERTAIN, "u.yaml")
    assert sc.actor("a").capability == 10
    assert sc.values[("a", "x")].position == 30
    assert sc.values[("a", "y")].salience == pytest.approx(0.3)
    assert sc.uncertainty[("a", "x", "position")] == Distribution("triangular", (20, 30, 50))
    assert sc.spread == {"salience": 0.05}
    assert io.read_text(io.write_text(sc, "yaml"), "u.yaml") == sc
    assert "uncertain inputs" in io.lost_in(sc, "csv")


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ("[20, 30, 50]", "triangular needs lo <= mode <= hi"),
        ("[20, 30, 150]", "is not within [0, 100]"),
        ("[20, 30]", "triangular takes 3 numbers"),
    ],
)
def test_bad_distributions_are_reported_with_lines(replace: str, message: str) -> None:
    bad = {"[20, 30, 50]": "[40, 30, 50]"}.get(replace, replace)
    text = UNCERTAIN.replace("[20, 30, 50]", bad)
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(text, "u.yaml")
    (problem,) = exc.value.problems
    assert problem.line == 9
    assert message in problem.reason


def test_negative_sd_and_bad_spread() -> None:
    with pytest.raises(InvalidInputError, match="sd must not be negative"):
        io.read_text(UNCERTAIN.replace("[10, 2]", "[10, -2]"), "u.yaml")
    with pytest.raises(InvalidInputError, match=r"uncertainty\.salience: must be a non-negative"):
        io.read_text(UNCERTAIN.replace("{salience: 0.05}", "{salience: -1}"), "u.yaml")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_draws_stay_in_their_ranges(seed: int) -> None:
    sc = io.read_text(UNCERTAIN, "u.yaml")
    inputs = sampling.uncertain_inputs(sc)
    draws = sampling.sample(sc, inputs, 500, np.random.default_rng(seed))
    x = draws.positions[:, 0, 0]
    assert ((x >= 20) & (x <= 50)).all()
    cap = draws.capability[:, 0, :]
    assert (cap >= 0).all()
    np.testing.assert_array_equal(cap[:, 0], cap[:, 1])  # actor-wide capability
    assert ((draws.salience >= 0) & (draws.salience <= 1)).all()
    assert (draws.positions[:, 1, 0] == 80).all()  # not uncertain


def test_every_value_of_the_default_case_has_its_own_range() -> None:
    sc = stratagem.load()
    names = [u.name for u in sampling.uncertain_inputs(sc)]
    assert "western_movement.capability" in names
    assert "us.capability" not in names  # the reference of the capability scale
    assert len(names) == (sc.n_actors - 1) + 2 * len(sc.values)
    assert sc.spread == {}
    none = sampling.uncertain_inputs(sc.evolve(spread={}, uncertainty={}))
    assert none == []
    spread = sampling.uncertain_inputs(sc.evolve(spread={"position": 5}, uncertainty={}))
    assert len(spread) == len(sc.values)


def test_same_seed_same_numbers_on_every_executor() -> None:
    sc = stratagem.load()
    serial = montecarlo.simulate(sc, "compromise", 600, seed=11, branches=["no-strike"])
    again = montecarlo.simulate(sc, "compromise", 600, seed=11, branches=["no-strike"])
    procs = montecarlo.simulate(
        sc, "compromise", 600, seed=11, branches=["no-strike"], executor="processes", workers=2
    )
    for branch in (None, "no-strike"):
        np.testing.assert_array_equal(serial.forecasts[branch], again.forecasts[branch])
        np.testing.assert_array_equal(serial.forecasts[branch], procs.forecasts[branch])
    other = montecarlo.simulate(sc, "compromise", 600, seed=12)
    assert not np.array_equal(serial.forecasts[None], other.forecasts[None])


def test_dask_local_cluster_matches_serial() -> None:
    pytest.importorskip("dask.distributed")
    sc = stratagem.load("eu-emissions-1994").evolve(spread={"position": 1.0})
    serial = montecarlo.simulate(sc, "eum", 400, seed=3)
    cluster = montecarlo.simulate(sc, "eum", 400, seed=3, executor="dask", workers=2)
    np.testing.assert_array_equal(serial.forecasts[None], cluster.forecasts[None])


def test_branches_share_the_draws() -> None:
    sc = stratagem.load()
    e = montecarlo.simulate(sc, "compromise", 500, seed=1, branches=["western-movement-rises"])
    assert e.draws == 500
    base, branch = e.forecasts[None], e.forecasts["western-movement-rises"]
    # the western movement sides with the revolt: stronger, it pulls iraq_order up in every draw
    j = sc.issue_index("iraq_order")
    assert (branch[:, j] > base[:, j]).all()
    diff = e.difference("western-movement-rises")
    lo, hi = diff["issues"]["iraq_order"]["mean_ci"]
    assert 0 < lo <= diff["issues"]["iraq_order"]["mean"] <= hi


def test_outcome_probabilities_sum_to_one() -> None:
    e = montecarlo.simulate(stratagem.load(), "eum", 300, seed=2)
    probs = e.outcome_probabilities()
    assert sum(probs.values()) == pytest.approx(1.0)
    assert set(probs) == {o.name for o in stratagem.load().outcomes}
    doc = e.to_dict()
    assert doc["draws"] == 300
    assert doc["seed"] == 2
    assert set(doc["issues"]["iraq_order"]) >= {"mean", "p05", "p50", "p95", "histogram"}
    assert sum(doc["issues"]["iraq_order"]["histogram"]["counts"]) == 300


def test_interrupt_keeps_the_first_draws() -> None:
    sc = stratagem.load()
    full = montecarlo.simulate(sc, "compromise", 1000, seed=5)

    def stop_after_first(done: int, total: int) -> None:
        if done >= montecarlo.CHUNK:
            raise KeyboardInterrupt

    partial = montecarlo.simulate(sc, "compromise", 1000, seed=5, progress=stop_after_first)
    assert partial.interrupted
    assert partial.draws == montecarlo.CHUNK
    np.testing.assert_array_equal(partial.forecasts[None], full.forecasts[None][: montecarlo.CHUNK])
    assert partial.to_dict()["interrupted"] is True


def test_a_failing_draw_is_reported_with_its_index() -> None:
    def fragile(scenario: stratagem.Scenario, params: object, rng: object) -> registry.ModelResult:
        if scenario.positions[0, 0] > 20:  # the US on Iraq's order: [0, 10, 30]
            raise ZeroDivisionError("boom")
        return registry.ModelResult({i: stratagem.IssueForecast(0.0) for i in scenario.issue_ids})

    spec = registry.ModelSpec("fragile-test", "fails on some draws", fragile, citation="test")
    registry._REGISTRY[spec.name] = spec
    try:
        with pytest.raises(
            montecarlo.DrawFailedError, match=r"draw \d+ \(seed 1.*ZeroDivisionError: boom"
        ):
            montecarlo.simulate(stratagem.load(), "fragile-test", 300, seed=1)
    finally:
        del registry._REGISTRY[spec.name]


def test_unknown_branch_fails_before_any_work() -> None:
    with pytest.raises(InvalidInputError, match="unknown branch"):
        montecarlo.simulate(stratagem.load(), "compromise", 10, seed=0, branches=["peace"])


def test_batch_entry_points_match_single_runs() -> None:
    sc = stratagem.load()
    inputs = sampling.uncertain_inputs(sc)
    draws = sampling.sample(sc, inputs, 5, np.random.default_rng(0))
    for spec in stratagem.models.specs():
        if spec.batch is None or spec.unavailable(sc):
            continue
        params = spec.resolve()
        batch = spec.batch(sc, draws, params)
        for d in range(5):
            one = sc.with_inputs(draws.positions[d], draws.salience[d], draws.capability[d])
            single = spec.run(one, params).positions()
            np.testing.assert_allclose(
                batch[d], [single[i] for i in sc.issue_ids], rtol=1e-9, err_msg=spec.name
            )
