from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.errors import InvalidInputError
from stratagem.validation import backtest as bt
from stratagem.validation.deu import read_deu


@pytest.fixture(scope="module")
def deu(shared_data: Path) -> bt.DEUDataset:
    return read_deu(shared_data / "deu" / "deu3-1996-2005.tsv")


def test_reader(deu: bt.DEUDataset) -> None:
    assert len(deu.actors) == 30
    assert deu.proxy["de"] == 4.1
    assert deu.proxy["mt"] == 0.02
    assert len(deu.with_outcome) == 258
    first = deu.cases[0]
    assert first.proposal == "d00032"
    assert first.outcome == 100.0
    assert first.introduced == dt.date(2000, 1, 26)
    assert (
        first.scenario.issues[0].status_quo is None
        or 0 <= first.scenario.issues[0].status_quo <= 100
    )
    # the rules of the game: the procedure and the voting rule of every issue with an outcome
    given_rules = [c.scenario.model_params["procedural"] for c in deu.with_outcome]
    rules = Counter((r["procedure"], r["voting_rule"]) for r in given_rules)
    assert rules == {
        ("codecision", "qmv"): 112,
        ("consultation", "qmv"): 79,
        ("consultation", "unanimity"): 45,
        ("codecision", "unanimity"): 22,
    }
    for case in deu.cases:
        given = case.scenario.model_params["procedural"]
        assert ("agenda_setter" in given) == ("com" in case.scenario.actor_ids)
        assert ("parliament" in given) == ("ep" in case.scenario.actor_ids)
    kept = read_deu(deu.source, missing_salience="zero")
    assert (
        sum(c.scenario.n_actors for c in kept.cases)
        == sum(c.scenario.n_actors for c in deu.cases) + 14
    )


def test_capability_schemes(deu: bt.DEUDataset) -> None:
    case = deu.cases[0]
    proxy = bt.capability_for(case, deu, "proxy")
    assert proxy["com"] == 4.1
    assert set(bt.capability_for(case, deu, "equal").values()) == {1.0}
    council = bt.capability_for(case, deu, "council")  # introduced 2000: Amsterdam weights
    assert council["de"] == 10
    assert council["lu"] == 2
    assert council["com"] == council["ep"] == 10
    late = bt.DecisionCase(case.scenario, "x", 1.0, None, dt.date(2005, 1, 1), 0)
    assert bt.capability_for(late, deu, "council")["de"] == 29
    lisbon = bt.DecisionCase(case.scenario, "x", 1.0, None, dt.date(2016, 1, 1), 0)
    assert bt.capability_for(lisbon, deu, "council")["de"] == pytest.approx(80.8)


def test_folds_never_split_a_proposal() -> None:
    rng = np.random.default_rng(5)
    groups = np.repeat(np.arange(40), rng.integers(1, 6, 40))
    fold = bt.proposal_folds(groups, 40, 10, rng)
    for g in range(40):
        assert len(set(fold[groups == g])) == 1
    assert set(fold) == set(range(10))


def test_convex_lad_recovers_weights() -> None:
    rng = np.random.default_rng(0)
    f = rng.uniform(0, 100, (200, 3))
    y = f @ np.array([0.2, 0.0, 0.8])
    np.testing.assert_allclose(bt._fit_convex_lad(f, y), [0.2, 0.0, 0.8], atol=1e-6)


def test_bootstrap_is_reproducible_and_covers_the_mean() -> None:
    values = np.arange(30, dtype=float)
    groups = np.repeat(np.arange(10), 3)
    a = bt._cluster_bootstrap(values, groups, 10, 500, np.random.default_rng(1))
    b = bt._cluster_bootstrap(values, groups, 10, 500, np.random.default_rng(1))
    assert a == b
    assert a[0] < values.mean() < a[1]


def test_backtest_result_layout_and_seed(deu: bt.DEUDataset) -> None:
    models = ["compromise", "weighted-median", "compromise:weights=equal"]
    r1 = bt.backtest(deu, models, seed=3, bootstrap=300, folds=5)
    r2 = bt.backtest(deu, models, seed=3, bootstrap=300, folds=5)
    assert r1.to_dict() == r2.to_dict()
    d = r1.to_dict()["models"]
    assert set(d) == {*models, "ensemble", bt.REFERENCE_BLEND}
    for score in d.values():
        assert set(score) >= {"n", "mae", "mae_ci", "diff_vs_compromise", "diff_ci"}
        assert score["mae_ci"][0] <= score["mae"] <= score["mae_ci"][1]
    assert d["compromise"]["diff_vs_compromise"] == 0.0
    assert d["ensemble"]["out_of_sample"] is True
    assert d[bt.REFERENCE_BLEND]["out_of_sample"] is True
    assert len(r1.to_dict()["reference_blend"]["share_per_fold"]) == 5
    assert sum(r1.ensemble_weights.values()) == pytest.approx(1.0)
    rows = r1.residual_rows()
    assert len(rows) == 258
    assert rows[0]["compromise error"] == pytest.approx(
        rows[0]["compromise forecast"] - rows[0]["outcome"]
    )


def test_bad_inputs(tmp_path: Path, deu: bt.DEUDataset) -> None:
    with pytest.raises(InvalidInputError, match="not one of"):
        bt.backtest(deu, capability="gdp")
    bad = tmp_path / "bad.tsv"
    bad.write_text("prnr\tisnr\tpa\tsa\trp\tout\n\t\t1\t\t\t\nx\ti1\t150\t50\t\t20\n")
    with pytest.raises(InvalidInputError) as exc:
        read_deu(bad)
    assert [p.format() for p in exc.value.problems] == [
        f"{bad}:3: pa: '150' is not a number in [0, 100]"
    ]
    with pytest.raises(ValueError, match="KEY=VALUE"):
        bt.parse_model("compromise:weights")


def test_conformal_intervals_cover_as_promised_on_exchangeable_errors() -> None:
    rng = np.random.default_rng(7)
    n = 4000
    outcomes = rng.uniform(0, 100, n)
    forecasts = outcomes + rng.standard_t(3, n) * 10
    fold = rng.integers(0, 10, n)
    cal = bt.conformal_calibration(forecasts, outcomes, fold)
    for level, covered in cal.coverage.items():
        assert abs(covered - level) < 0.02, (level, covered)
    assert cal.width[0.5] < cal.width[0.8] < cal.width[0.9]


def test_smoothed_conformal_covers_as_promised_where_errors_tie() -> None:
    # A status-quo-like model: a seventh of the outcomes lie at the far end of the scale, so
    # a seventh of the errors are exactly 100 and the conservative 90% interval is the
    # whole scale; the smoothed predictor breaks the ties at random and covers 90%.
    rng = np.random.default_rng(11)
    n = 6000
    errors = np.where(rng.random(n) < 1 / 7, 100.0, rng.uniform(0, 60, n).round())
    forecasts = np.zeros(n)
    fold = rng.integers(0, 10, n)
    cal = bt.conformal_calibration(forecasts, errors, fold, tiebreak=rng.random(n))
    assert cal.coverage[0.9] == 1.0
    for level, covered in cal.smoothed_coverage.items():
        assert abs(covered - level) < 0.02, (level, covered)
    assert cal.smoothed_width[0.9] <= cal.width[0.9]


@settings(max_examples=200, deadline=None)
@given(
    calibration=st.lists(st.integers(0, 20), min_size=1, max_size=30),
    error=st.integers(0, 21),
    u=st.integers(1, 996).map(lambda k: k / 997),  # off the measure-zero boundaries
    level=st.sampled_from([0.5, 0.8, 0.9]),
)
def test_the_smoothed_prediction_set_is_the_interval_of_its_half_width(
    calibration: list[int], error: int, u: float, level: float
) -> None:
    ordered = np.sort(np.array(calibration, dtype=float))
    inside, half = bt.smoothed_conformal(ordered, np.array([float(error)]), np.array([u]), level)
    n = ordered.size
    p_value = (np.sum(ordered > error) + u * (np.sum(ordered == error) + 1)) / (n + 1)
    assert bool(inside[0]) == (p_value > 1 - level)
    if error < half[0]:
        assert inside[0]
    if error > half[0]:
        assert not inside[0]


def test_crps_matches_its_definition_on_a_small_case() -> None:
    # CRPS = E|X - y| - E|X - X'| / 2, X = forecast + an error of the other folds.
    # Issue 0 (error 0), others' errors -1, +1: 1 - (0 + 2 + 2 + 0) / 4 / 2 = 0.5.
    # Issue 1 (error -1), others 0, +1: X - y in {-1, 0}: 0.5 - 0.5 / 2 = 0.25; issue 2 alike.
    forecasts = np.array([50.0, 49.0, 51.0])
    outcomes = np.array([50.0, 50.0, 50.0])
    fold = np.array([0, 1, 2])
    cal = bt.conformal_calibration(forecasts, outcomes, fold)
    perfect = bt.conformal_calibration(outcomes.copy(), outcomes, fold)
    assert perfect.crps == 0.0
    assert cal.crps == pytest.approx((0.5 + 0.25 + 0.25) / 3)


def test_backtest_reports_calibration_and_the_folds(deu: bt.DEUDataset) -> None:
    result = bt.backtest(deu, ["compromise"], seed=0, bootstrap=100, folds=10, ensemble=False)
    doc = result.to_dict()
    cal = doc["models"]["compromise"]["calibration"]
    assert set(cal["coverage"]) == {"50%", "80%", "90%"}
    for level, covered in cal["coverage"].items():
        assert abs(covered - float(level.rstrip("%")) / 100) <= 0.05, (level, covered)
    for level, covered in cal["smoothed"]["coverage"].items():
        assert abs(covered - float(level.rstrip("%")) / 100) <= 0.05, (level, covered)
    assert len(doc["fold_of_proposal"]) == len(set(result.proposals))


def test_the_reference_blend_finds_the_share_that_made_the_outcomes() -> None:
    from stratagem.validation.backtest import _reference_blend

    rng = np.random.default_rng(3)
    compromise = rng.uniform(0, 100, 200)
    reference = rng.uniform(0, 100, 200)
    reference[:20] = np.nan  # no reference point: the compromise stays
    outcomes = np.where(np.isnan(reference), compromise, 0.7 * compromise + 0.3 * reference)
    fold = np.arange(200) % 5
    out, fitted = _reference_blend(compromise, reference, outcomes, fold, 5)
    assert fitted["share_fitted_on_all_issues"] == pytest.approx(0.3)
    assert fitted["share_per_fold"] == pytest.approx([0.3] * 5)
    np.testing.assert_allclose(out, outcomes, atol=1e-9)
    np.testing.assert_array_equal(out[:20], compromise[:20])


def test_a_model_per_proposal_runs_once_on_all_the_issues_of_each_proposal(
    deu: bt.DEUDataset,
) -> None:
    cases = [c for c in deu.with_outcome if c.proposal in ("d00032", "d00060")]
    scenarios = [c.scenario for c in cases]
    _label, spec, params = bt.parse_model("exchange@proposal")
    assert spec.name == "exchange"
    values = bt._run_per_proposal(spec, params, cases, scenarios, 0)
    for proposal in ("d00032", "d00060"):
        rows = [k for k, c in enumerate(cases) if c.proposal == proposal]
        merged = bt._proposal_scenario(proposal, [scenarios[k] for k in rows])
        assert merged.issue_ids == tuple(scenarios[k].issue_ids[0] for k in rows)
        assert set(merged.values) == {key for k in rows for key in scenarios[k].values}
        whole = spec.run(merged, params, seed=0).positions()
        for k in rows:
            assert values[k] == whole[scenarios[k].issue_ids[0]]
