"""The spatial model's pieces (KTAB's SMP) and its options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stratagem
from stratagem import Scenario, io, models
from stratagem.errors import InvalidInputError
from stratagem.models import smp
from stratagem.models.smp import SMPOptions, run_smp, scalar_pce, vote

SPEC = models.get("smp")


# ------------------------------------------------------------------ votes and elections


def test_vote_rules() -> None:
    du = np.array([-0.5, -1e-9, 0.0, 1e-9, 0.5])
    assert vote("Prop", 2.0, du).tolist() == [-1.0, -2e-9, 0.0, 2e-9, 1.0]
    assert vote("Binary", 2.0, du).tolist() == pytest.approx([-2.0, -0.2, 0.0, 0.2, 2.0])
    assert vote("PropBin", 1.0, np.array([0.5]))[0] == pytest.approx(0.8 * 0.5 + 0.2)
    assert vote("PropCbc", 1.0, np.array([0.5]))[0] == pytest.approx(0.25 + 0.0625)
    assert vote("Cubic", 2.0, np.array([0.5]))[0] == pytest.approx(0.25)
    # prospect theory: a loss counts fully, a gain by two thirds
    assert vote("ASymProsp", 3.0, np.array([-0.5, 0.5])).tolist() == [-1.5, 1.0]


@pytest.mark.parametrize(
    ("model", "expected"),
    [("Linear", 2 / 3), ("Square", 4 / 5), ("Quartic", 16 / 17), ("Octic", 256 / 257)],
)
def test_victory_probability_of_a_two_to_one_coalition(model: str, expected: float) -> None:
    p = smp._victory(model, np.array([2.0]), np.array([1.0]))
    assert p[0] == pytest.approx(expected)


def test_binary_victory_needs_a_ten_percent_advantage() -> None:
    p = smp._victory("Binary", np.array([1.1, 1.05, 1.0]), np.array([1.0, 1.0, 1.0]))
    assert p[0] == pytest.approx(1 / (1 + 1e-6))
    assert 0.5 < p[1] < 1.0
    assert p[2] == pytest.approx(0.5)


def _utilities(seed: int, actors: int = 6, options: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (actors, options)), rng.uniform(1, 100, actors)


@pytest.mark.parametrize("pce", smp.PCE_MODELS)
@pytest.mark.parametrize("victory", smp.VICTORY_MODELS)
def test_elections_give_a_distribution(pce: str, victory: str) -> None:
    u, w = _utilities(3)
    p = scalar_pce(u, w, "Prop", victory, pce)
    assert p.sum() == pytest.approx(1.0)
    assert (p >= 0).all()


def test_markov_uniform_is_its_fixed_point() -> None:
    u, w = _utilities(4)
    p = scalar_pce(u, w, "Prop", "Linear", "MarkovUniform")
    c = smp._coalitions(u, w, "Prop")
    pv = smp._victory("Linear", c, c.T)
    np.fill_diagonal(pv, 0.5)
    again = (pv * (p[:, None] + p[None, :])).sum(axis=1) / len(p)
    assert np.allclose(again, p, atol=1e-5)


def test_a_unanimous_favourite_wins_the_conditional_election() -> None:
    u = np.array([[1.0, 0.2, 0.1], [0.9, 0.3, 0.2], [0.8, 0.7, 0.1]])
    p = scalar_pce(u, np.ones(3), "Prop", "Octic", "Conditional")
    assert p[0] > 0.99


def test_coalitions_follow_ktab_for_an_asymmetric_rule() -> None:
    # one actor prefers option 1 over option 0 by 0.3: under ASymProsp KTAB votes only
    # (i > j) pairs, so option 1's coalition against 0 gets 2/3 × 0.3 and 0's gets nothing
    u = np.array([[0.2, 0.5]])
    c = smp._coalitions(u, np.array([1.0]), "ASymProsp")
    assert c[1, 0] == pytest.approx(1e-8 + 0.2)
    assert c[0, 1] == pytest.approx(1e-8)


# ------------------------------------------------------------------ risk and utility


@pytest.mark.parametrize(
    ("rule", "lo", "hi"), [("Min", 0.0, 1.0), ("Mid", -0.5, 1.0), ("Max", -1, 1)]
)
def test_risk_ranges(rule: str, lo: float, hi: float) -> None:
    r = smp._big_r(np.array([0.1, 0.2, 0.7]), rule)
    assert r.min() == pytest.approx(lo)
    assert r.max() == pytest.approx(hi)


def test_equal_probabilities_mean_risk_neutral() -> None:
    assert smp._big_r(np.full(4, 0.25), "Mid").tolist() == [0.0] * 4


def test_risk_estimates_move_from_own_toward_others() -> None:
    r = np.array([-0.5, 1.0])
    assert smp._adjusted(r, 0.0)[0, 1] == -0.5
    assert smp._adjusted(r, 1.0)[0, 1] == 1.0
    assert smp._adjusted(r, 1 / 3)[0, 1] == pytest.approx(0.0)
    assert smp._adjusted(r, 0.5)[0, 1] == pytest.approx(0.25)
    assert smp._adjusted(r, 2 / 3)[0, 1] == pytest.approx(0.5)


def test_utility_and_salience_weighted_distance() -> None:
    ideals = np.array([[0.0, 0.0]])
    positions = np.array([[1.0, 0.0], [0.0, 1.0]])
    sal = np.array([[0.3, 0.1]])  # the first dimension matters three times as much
    d = smp._distance(ideals, positions, sal)
    assert d[0, 0] == pytest.approx(np.sqrt(0.09 / 0.1))
    assert d[0, 1] == pytest.approx(np.sqrt(0.01 / 0.1))
    assert smp._utility(np.array([0.0, 0.5, 1.0]), np.array(0.0)).tolist() == [1.0, 0.5, 0.0]
    # risk-acceptant actors (R > 0) value a middling outcome more
    assert smp._utility(np.array([0.5]), np.array(1.0))[0] == pytest.approx(0.75)


def test_actor_with_no_salience_is_indifferent() -> None:
    d = smp._distance(np.zeros((1, 2)), np.ones((3, 2)), np.zeros((1, 2)))
    assert d.tolist() == [[0.0, 0.0, 0.0]]


# ------------------------------------------------------------------ bargains


def test_bargain_interpolation_rounds_to_four_decimals() -> None:
    xi, xj = np.array([0.2]), np.array([0.8])
    bi, bj = smp._interpolate(xi, np.array([0.5]), 0.5, xj, np.array([0.5]), 0.5, "S2P2")
    # equal weights: both meet half way (the 1e-6 tilt vanishes in the rounding)
    assert bi.tolist() == [0.5]
    assert bj.tolist() == [0.5]
    bi, _ = smp._interpolate(xi, np.array([0.9]), 0.9, xj, np.array([0.1]), 0.1, "S1P1")
    assert bi[0] == pytest.approx(round((0.81 * 0.2 + 0.01 * 0.8) / 0.82, 4), abs=1e-12)


def test_nobody_cares_means_no_bargain_moves() -> None:
    xi, xj = np.array([0.2]), np.array([0.8])
    bi, bj = smp._interpolate(xi, np.array([0.0]), 0.5, xj, np.array([0.0]), 0.5, "S2P2")
    assert bi.tolist() == [0.2]
    assert bj.tolist() == [0.8]


def test_s2pmax_moves_only_the_weaker_side() -> None:
    xi, xj, s = np.array([0.0]), np.array([1.0]), np.array([0.5])
    bi, bj = smp._interpolate(xi, s, 0.8, xj, s, 0.2, "S2PMax")
    assert bi[0] == 0.0
    assert 0.0 < bj[0] < 1.0


# ------------------------------------------------------------------ whole runs


@pytest.fixture(scope="module")
def pol_comp(shared_data: Path):  # type: ignore[no-untyped-def]
    return io.read(shared_data / "ktab" / "SOE-Pol-Comp.csv")


OPTION_CASES = [
    (p.name, choice) for p in smp.PARAMS if p.choices for choice in p.choices if choice != p.default
]


@pytest.mark.parametrize(("name", "value"), OPTION_CASES, ids=[f"{n}={v}" for n, v in OPTION_CASES])
def test_every_option_runs(pol_comp, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    forecast = SPEC.run(pol_comp, {name: value, "max_turns": 6}, seed=11)
    assert forecast.params[name] == value
    assert 1 <= forecast.details["turns"] <= 6
    for issue in pol_comp.issues:
        by_turn = forecast.trajectory(issue.id).positions  # type: ignore[union-attr]
        # bargains interpolate, so nobody leaves the initial range (4-decimal rounding aside)
        assert by_turn.min() >= by_turn[0].min() - 1e-2
        assert by_turn.max() <= by_turn[0].max() + 1e-2
    for probs in forecast.details["prob_by_turn"].values():
        assert all(0.0 <= p <= 1.0 for p in probs)


def test_options_change_the_run(pol_comp) -> None:  # type: ignore[no-untyped-def]
    base = SPEC.run(pol_comp, {"max_turns": 5})
    for name, value in [("VictoryProbModel", "Quartic"), ("BargnModel", "PWCompInterp")]:
        other = SPEC.run(pol_comp, {name: value, "max_turns": 5})
        assert other.details["prob_by_turn"] != base.details["prob_by_turn"], name


def test_receiver_slips_matter_only_for_receiver_bargains(pol_comp) -> None:  # type: ignore[no-untyped-def]
    fixed = {"ktab_receiver_slips": False, "max_turns": 5}
    assert SPEC.run(pol_comp, fixed).positions() == SPEC.run(pol_comp, {"max_turns": 5}).positions()
    both = {"BargnModel": "InitRcvrInterp", "max_turns": 5}
    a = SPEC.run(pol_comp, both).details["bargains_by_turn"]
    b = SPEC.run(pol_comp, {**both, **fixed}).details["bargains_by_turn"]
    assert a != b


def test_stochastic_transitions_follow_the_seed(pol_comp) -> None:  # type: ignore[no-untyped-def]
    params = {"StateTransitions": "Stochastic", "max_turns": 8}
    a = SPEC.run(pol_comp, params, seed=1)
    assert a.seed == 1
    assert SPEC.run(pol_comp, params, seed=1).details == a.details
    others = [SPEC.run(pol_comp, params, seed=s).details["fractional_change"] for s in range(2, 7)]
    assert any(o != a.details["fractional_change"] for o in others)


def test_stopping_rule(pol_comp) -> None:  # type: ignore[no-untyped-def]
    f = SPEC.run(pol_comp)
    change = f.details["fractional_change"]
    assert f.details["stop_rule"] == "stop_ratio"
    assert change[-1] < 0.02
    assert all(c >= 0.02 for c in change[1:-1])  # it did not stop earlier
    capped = SPEC.run(pol_comp, {"max_turns": 3})
    assert capped.details["turns"] == 3
    assert capped.details["stop_rule"] == "max_turns"
    assert SPEC.run(pol_comp, {"min_turns": 30, "max_turns": 31}).details["turns"] >= 30


def test_forecast_is_the_probability_weighted_position(pol_comp) -> None:  # type: ignore[no-untyped-def]
    f = SPEC.run(pol_comp)
    d = f.issues["Policy-Position"].details
    path = f.trajectory("Policy-Position")
    assert path is not None
    assert path.forecast is not None
    assert f.issues["Policy-Position"].forecast == path.forecast.values[-1]
    caps = np.array([a.capability for a in pol_comp.actors])
    final = path.positions[-1]
    assert d["capability_weighted"] == pytest.approx(caps @ final / caps.sum())
    # a weighted mean of positions lies between them
    assert final.min() <= f.issues["Policy-Position"].forecast <= final.max()


def test_bargains_are_recorded_and_explained(pol_comp) -> None:  # type: ignore[no-untyped-def]
    f = SPEC.run(pol_comp, {"max_turns": 2})
    first = f.details["bargains_by_turn"][0]
    assert len(first["proposed"]) == 13  # every actor finds a target in the first turn
    assert {c["actor"] for c in first["chosen"]} == {a.name for a in pol_comp.actors}
    lines = smp.explain(f, "Policy-Position", 1)
    assert lines[0].startswith("Policy-Position, turn 1")
    assert any("XJ challenges SHX" in line for line in lines)
    assert "no turn 9" in smp.explain(f, "Policy-Position", 9)[0]


def test_ideal_adjustment_from_ktab_xml(shared_data: Path, tmp_path: Path) -> None:
    """smpExample.xml (with the value its 2017 version had) runs with its accommodation."""
    text = (shared_data / "ktab" / "smpExample.xml").read_text()
    fixed = tmp_path / "smpExample.xml"
    fixed.write_text(text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"))
    scenario = io.read(fixed)
    forecast = SPEC.run(scenario)
    assert forecast.params["PCEModel"] == "MarkovIncentive"  # the file's own parameters
    assert forecast.params["StateTransitions"] == "Stochastic"
    assert forecast.seed == 3507583219545544127  # the file's prngSeed
    no_adjust = scenario.evolve(
        model_params={
            "smp": {k: v for k, v in scenario.model_params["smp"].items() if k != "IdealAdjustment"}
        }
    )
    assert SPEC.run(no_adjust).details != forecast.details


def test_accommodation_moves_ideals_partly() -> None:
    x0 = np.array([[0.1], [0.5], [0.9]])
    sal = np.full((3, 1), 0.8)
    caps = np.array([1.0, 2.0, 1.0])
    acc = np.diag([0.5, 1.0, 1.0])
    out = run_smp(x0, sal, caps, SMPOptions(max_turns=3), acc)
    moved = out.positions[1][0, 0] - x0[0, 0]
    assert moved != 0
    # actor 0 keeps half of its old ideal: ideal' = 0.5 x' + 0.5 ideal
    assert out.ideals[1][0, 0] == pytest.approx(0.5 * out.positions[1][0, 0] + 0.5 * x0[0, 0])
    assert out.ideals[1][1, 0] == out.positions[1][1, 0]


def test_bad_accommodation_is_refused(pol_comp) -> None:  # type: ignore[no-untyped-def]
    bad = pol_comp.evolve(model_params={"smp": {"IdealAdjustment": [["XJ", "LK", 0.7]]}})
    with pytest.raises(InvalidInputError, match=r"IdealAdjustment\[XJ\].*sum to 1.7"):
        SPEC.run(bad)


def test_salience_rules() -> None:
    from stratagem.catalog import load_embedded

    cop = load_embedded("cop21-2015")  # 13 issues: saliences sum far above 1
    with pytest.raises(
        InvalidInputError, match=r"actors\[USA\].*summing to at most 1 .* sum to 8.2"
    ):
        SPEC.run(cop, {"salience_rule": "as-is", "max_turns": 2})
    auto = SPEC.run(cop, {"max_turns": 2})
    mean = SPEC.run(cop, {"salience_rule": "mean", "max_turns": 2})
    assert auto.positions() == mean.positions()


def test_small_scenarios_run() -> None:
    one = run_smp(np.array([[0.3, 0.4]]), np.array([[0.5, 0.5]]), np.array([1.0]), SMPOptions())
    assert np.array_equal(one.positions[-1], [[0.3, 0.4]])
    two = run_smp(
        np.array([[0.2], [0.8]]), np.array([[0.9], [0.9]]), np.array([1.0, 3.0]), SMPOptions()
    )
    assert len(two.positions) >= 3


@pytest.mark.parametrize(
    ("shape", "axis"), [((7,), 0), ((40, 30), 1), ((5, 40, 3), 1), ((9, 4, 33), 2)]
)
def test_sums_run_in_order_like_ktabs_loops(shape: tuple[int, ...], axis: int) -> None:
    a = np.random.default_rng(5).normal(size=shape) * 10.0 ** np.arange(shape[-1]) % 7
    start = (
        np.random.default_rng(6).normal(size=np.delete(np.array(shape), axis))
        if len(shape) > 1
        else 0.5
    )
    moved = np.moveaxis(a, axis, 0)
    expected = np.array(start, dtype=float, copy=True)
    for slab in moved:
        expected = expected + slab  # one element at a time, as a C loop adds
    assert np.array_equal(smp._seqsum(a, axis=axis, start=start), expected)


def test_blocked_challenges_give_the_same_run(pol_comp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    whole = SPEC.run(pol_comp, {"max_turns": 6})
    monkeypatch.setattr(smp, "CHUNK_ELEMENTS", 200)  # one initiator per block
    assert SPEC.run(pol_comp, {"max_turns": 6}).details == whole.details


def test_paths_figure_draws_every_actor(pol_comp) -> None:  # type: ignore[no-untyped-def]
    from stratagem.report.figures import paths_figure

    forecast = SPEC.run(pol_comp, {"max_turns": 4})
    fig = paths_figure(pol_comp, forecast, "Policy-Position", "Competitive-Position")
    ax = fig.axes[0]
    assert ax.get_xlabel() == pol_comp.issue("Policy-Position").name
    assert len(ax.lines) == 3 * pol_comp.n_actors + 1  # path, start, end per actor; forecast


@settings(max_examples=60, deadline=None)
@given(
    elections=st.integers(1, 5),
    actors=st.integers(1, 9),
    options=st.integers(2, 6),
    rule=st.sampled_from(["Prop", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"]),
    victory=st.sampled_from(["Linear", "Square", "Quartic", "Octic", "Binary"]),
    model=st.sampled_from(["Conditional", "MarkovIncentive", "MarkovUniform"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_batched_elections_are_bit_for_bit_the_single_ones(
    elections: int, actors: int, options: int, rule: str, victory: str, model: str, seed: int
) -> None:
    # The turn's elections are batched by queue length; the golden KTAB runs rest on every
    # last bit of each election's sums.
    rng = np.random.default_rng(seed)
    utils = rng.random((elections, actors, options))
    weights = rng.random(actors)
    batched = smp.scalar_pces(utils, weights, rule, victory, model)
    single = np.array([smp.scalar_pce(u, weights, rule, victory, model) for u in utils])
    assert np.array_equal(batched, single)


@settings(max_examples=60, deadline=None)
@given(pairs=st.integers(1, 6), dims=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_batched_bargains_are_bit_for_bit_the_single_ones(pairs: int, dims: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    xi, si, xj, sj = rng.random((4, pairs, dims))
    p = rng.random((pairs, 1))
    for how in ("S1P1", "S2P2", "S2PMax"):
        bi, bj = smp._interpolate(xi, si, p, xj, sj, 1 - p, how)
        for k in range(pairs):
            one = smp._interpolate(
                xi[k], si[k], float(p[k, 0]), xj[k], sj[k], 1 - float(p[k, 0]), how
            )
            assert np.array_equal(bi[k], one[0])
            assert np.array_equal(bj[k], one[1])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"StateTransitions": "Stochastic", "max_turns": 8},
        {"BargnModel": "InitRcvrInterp", "VictoryProbModel": "Binary", "max_turns": 6},
    ],
)
def test_a_run_for_its_forecasts_only_forecasts_the_same_bit_for_bit(params) -> None:  # type: ignore[no-untyped-def]
    """Stance games and draws run one by one read nothing but the forecasts: within
    ``forecasts_only`` the run skips its rounds and details, not a bit of its forecasts."""
    import stratagem
    from stratagem.models.registry import details_wanted, forecasts_only

    for scenario in (stratagem.load("iraq-2020"), stratagem.load("cop21-2015")):
        full = SPEC.run(scenario, params, seed=3)
        with forecasts_only():
            assert not details_wanted()
            lean = SPEC.run(scenario, params, seed=3)
        assert details_wanted()
        assert lean.positions() == full.positions()
        assert lean.outcome == full.outcome
        assert all(f.trajectory is None for f in lean.issues.values())
        assert not lean.details


def _tied_scenario() -> Scenario:
    """Four actors, two with no salience anywhere: exact ties (found by the invariants'
    Hypothesis search)."""
    from stratagem import Actor, Issue, Value

    given = {
        ("_", "x"): (0, 0),
        ("_", "y"): (1, 1),
        ("a", "x"): (1, 0),
        ("a", "y"): (0, 0),
        ("b", "x"): (0, 0),
        ("b", "y"): (0, 0),
        ("c", "x"): (0, 0),
        ("c", "y"): (0, 1),
    }
    return Scenario(
        name="tied",
        actors=tuple(Actor(id=k, name=k.upper(), capability=1.0) for k in "_abc"),
        issues=tuple(Issue(id=i, name=i, min=0.0, max=1.0) for i in "xy"),
        values={k: Value(position=float(p), salience=float(s)) for k, (p, s) in given.items()},
    )


def test_by_content_order_breaks_exact_ties_whatever_the_actors_order() -> None:
    sc = _tied_scenario()
    reversed_ = sc.evolve(actors=tuple(reversed(sc.actors)))
    # KTAB's order: the tie goes to whichever actor is listed first
    assert SPEC.run(sc).positions() != SPEC.run(reversed_).positions()
    by_content = {"actor_order": "by-content"}
    assert SPEC.run(sc, by_content).positions() == SPEC.run(reversed_, by_content).positions()


def test_by_content_order_gives_the_details_in_the_scenarios_order() -> None:
    """Taken in another order, a run still reports every actor's path and bargains as its
    own: the same run as KTAB's when the scenario lists its actors in that order."""
    sc = stratagem.load("iraq-2020")
    caps = np.array([a.capability for a in sc.actors])
    order = smp._content_order(sc.positions / 100.0, smp._salience(sc, "auto"), caps, [])
    listed = sc.evolve(actors=tuple(sc.actors[k] for k in order), events=(), branches=())
    base = sc.evolve(events=(), branches=())
    by_content = {"actor_order": "by-content"}
    mine = SPEC.run(base, by_content)
    theirs = SPEC.run(listed)
    assert mine.positions() == theirs.positions()
    for issue in sc.issue_ids:
        a, b = mine.trajectory(issue), theirs.trajectory(issue)
        assert a is not None
        assert b is not None
        assert a.actors == sc.actor_ids
        assert b.actors == listed.actor_ids
        # row of actor k in mine is row order^-1 in theirs
        assert np.array_equal(a.positions[:, order], b.positions)
    assert mine.details["prob_by_turn"] == theirs.details["prob_by_turn"]
    assert (
        mine.details["bargains_by_turn"][0]["proposed"]
        == (theirs.details["bargains_by_turn"][0]["proposed"])
    )
