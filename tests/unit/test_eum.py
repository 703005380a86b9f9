from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stratagem
from stratagem import Change, Event, Scenario, models
from stratagem.models import eum
from strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRESETS = tuple(eum.PRESETS)


def arrays(n_min: int = 2, n_max: int = 12) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    return st.integers(n_min, n_max).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 20).map(float), min_size=n, max_size=n).map(np.array),
            st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n).map(np.array),
        )
    )


@SETTINGS
@given(arrays())
def test_sorted_vote_sums_equal_the_direct_sums(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, w = data
    dense = eum._support_dense(x[None], w[None])
    fast = eum._support_sorted(x[None], w[None])
    np.testing.assert_allclose(fast[0], dense[0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast[1], dense[1], rtol=1e-9, atol=1e-9)


def test_large_scenarios_use_the_fast_path_with_the_same_results() -> None:
    rng = np.random.default_rng(3)
    n = eum.DENSE_LIMIT + 5
    x = rng.integers(0, 30, n).astype(float)
    w = rng.uniform(0, 1, n)
    support, total = eum._support_dense(x[None], w[None])
    direct = np.where(total > 0, support / np.where(total > 0, total, 1), 0.5)
    fast = eum._probability(x[None], w[None], np.ones((1, n)), np.array([30.0]), "eq30")
    np.testing.assert_allclose(fast, direct, rtol=1e-9)


def test_probabilities_are_complementary() -> None:
    x = np.array([[1.0, 4.0, 6.0, 9.0]])
    w = np.array([[1.0, 2.0, 0.5, 1.0]])
    p = eum._probability(x, w, np.ones_like(x), np.array([8.0]), "eq30")[0]
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose((p + p.T)[off], 1.0)


@pytest.mark.parametrize("preset", PRESETS)
def test_batch_equals_one_by_one(preset: str) -> None:
    sc = stratagem.load("eu-emissions-1994")
    opts = eum.EUMOptions.from_params(models.get("eum").resolve({"preset": preset, "rounds": 12}))
    rng = np.random.default_rng(0)
    x = np.clip(sc.positions[:, 0] + rng.normal(0, 1, (6, 10)), 4, 10)
    c, s = sc.capability[:, 0], sc.salience[:, 0]
    batch = eum.simulate(x, c, s, opts)
    for b in range(6):
        one = eum.simulate(x[b], c, s, opts)
        t = int(one.rounds_run[0])
        assert batch.rounds_run[b] == t
        assert batch.stop_rule[b] == one.stop_rule[0]
        np.testing.assert_array_equal(batch.positions[b, : t + 1], one.positions[0])
        np.testing.assert_array_equal(batch.median[b, : t + 1], one.median[0])
        assert batch.offers[b] == one.offers[0]


@pytest.mark.parametrize("preset", PRESETS)
@SETTINGS
@given(sc=scenarios(min_actors=2, max_actors=9, max_issues=2, missing=True))
def test_positions_stay_within_the_range(preset: str, sc: Scenario) -> None:
    f = stratagem.run(sc, "eum", params={"preset": preset, "rounds": 8})
    for j, issue in enumerate(sc.issues):
        start = sc.positions[sc.has_position[:, j], j]
        path = f.trajectory(issue.id).positions  # type: ignore[union-attr]
        assert path.min() >= start.min() - 1e-9
        assert path.max() <= start.max() + 1e-9
        risk = np.array(f.issues[issue.id].details["risk_by_round"])
        assert ((risk >= 0.5 - 1e-12) & (risk <= 2 + 1e-12)).all()


@pytest.mark.parametrize("preset", PRESETS)
@SETTINGS
@given(sc=scenarios(min_actors=2, max_actors=8, max_issues=2))
def test_relabelling_actors_leaves_the_trajectory_unchanged(preset: str, sc: Scenario) -> None:
    order = list(reversed(range(sc.n_actors)))
    rename = {a.id: f"z{a.id}" for a in sc.actors}
    relabelled = sc.evolve(
        actors=tuple(
            stratagem.Actor(rename[sc.actors[k].id], "N" + sc.actors[k].id, sc.actors[k].capability)
            for k in order
        ),
        values={(rename[a], i): v for (a, i), v in sc.values.items()},
    )
    base = stratagem.run(sc, "eum", params={"preset": preset, "rounds": 6})
    other = stratagem.run(relabelled, "eum", params={"preset": preset, "rounds": 6})
    for issue in sc.issue_ids:
        b, o = base.issues[issue].to_dict(), other.issues[issue].to_dict()
        np.testing.assert_allclose(o["median_by_round"], b["median_by_round"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(
            np.array(o["positions_by_round"])[:, ::-1],
            b["positions_by_round"],
            rtol=1e-9,
            atol=1e-9,
        )


@SETTINGS
@given(position=st.floats(-50, 50), n=st.integers(1, 8))
def test_all_actors_at_one_position_nothing_moves(position: float, n: int) -> None:
    sc = Scenario.from_table(
        "same",
        [f"a{k}" for k in range(n)],
        [stratagem.Issue("i", "i", -50, 50)],
        np.full((n, 1), position),
        np.full((n, 1), 0.7),
        np.arange(1, n + 1, dtype=float),
    )
    forecast = stratagem.run(sc, "eum")
    details = forecast.issues["i"].details
    assert details["offers"] == []
    assert np.all(forecast.trajectory("i").positions == position)  # type: ignore[union-attr]
    assert details["stop_rule"] == "no-moves"


def test_same_seed_same_result_and_recorded_parameters() -> None:
    sc = stratagem.load()
    a = stratagem.run(sc, "eum", seed=4)
    b = stratagem.run(sc, "eum", seed=4)
    assert a == b
    assert a.params["preset"] == "bdm"
    assert a.params["q"] == 1.0


def test_presets_and_explicit_parameters() -> None:
    spec = models.get("eum")
    p = spec.resolve({"preset": "scholz-table", "rounds": 20})
    assert p["probability"] == "scholz-code"
    assert p["rounds"] == 20  # explicit wins over the preset's 10
    assert p["capitulation"] is False


def test_events_apply_at_their_rounds() -> None:
    sc = stratagem.load()
    f = stratagem.run(sc, "eum", params={"stop": "rounds", "rounds": 5})
    trajectory = f.trajectory("iraq_order")
    assert trajectory is not None
    path = trajectory.positions
    sadr = trajectory.actors.index("sadr")
    assert trajectory.events[3] == ("sadr-withdraws",)
    # al-Sadr's withdrawal (round 3) sets its position to 15 before round 3's moves
    assert 15.0 in {path[2][sadr], path[3][sadr]} or any(
        o["actor"] == "al-Sadr movement" and o["round"] == 3 and o["from"] == 15.0
        for o in f.issues["iraq_order"].details["offers"]
    )
    events = eum.issue_events(sc, "escalation")
    assert [(e.round, e.actor, e.value) for e in events if e.field == "capability"] == [
        (1, sc.actor_index("revolt"), 16.0),
        (2, sc.actor_index("iran"), 60.0),
        (3, sc.actor_index("revolt"), 12.0),
    ]
    no_strike = eum.issue_events(sc.with_branch("no-strike"), "escalation")
    assert all(e.round != 2 for e in no_strike)


def test_stable_rule_waits_for_the_last_event() -> None:
    base = Scenario.from_table(
        "wait", ["a", "b", "c"], ["i"], [[10.0], [10.0], [90.0]], [[1.0], [1.0], [1.0]], [1, 1, 1]
    )
    sc = base.evolve(events=(Event(7, "late", (Change("c", "position", 20.0, "i"),)),))
    details = stratagem.run(sc, "eum").issues["i"].details
    assert details["rounds"] >= 7


def test_explain_in_words(shared_data: object) -> None:
    sc = stratagem.load("eu-emissions-1994")
    spec = models.get("eum")
    f = spec.run(sc, {"preset": "scholz-table"})
    assert spec.explain is not None
    lines = spec.explain(f, "emission-standards", 1)
    assert "  Belgium compromises with France: 7.0 → 8.42" in "\n".join(lines)
    assert "no round 99" in spec.explain(f, "emission-standards", 99)[0]
