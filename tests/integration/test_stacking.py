"""The stacking model: fitted by nested cross-validation, saved, and run on new scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_cli import assert_clean_failure, cli

import stratagem
from stratagem.errors import InvalidInputError
from stratagem.models.stacked import FEATURES, FORMAT, base_forecasts, feature_matrix
from stratagem.validation.stacking import PENALTIES, fit_lad_lasso, fit_stacking


def test_lad_lasso_recovers_a_linear_rule_and_shrinks_to_zero() -> None:
    rng = np.random.default_rng(0)
    d = rng.normal(size=(80, 3))
    r = d @ np.array([0.5, 0.0, -0.25])
    np.testing.assert_allclose(fit_lad_lasso(d, r, 0.0), [0.5, 0.0, -0.25], atol=1e-6)
    assert fit_lad_lasso(d, r, PENALTIES[-1]).tolist() == [0.0, 0.0, 0.0]


def _one_issue(k: int, positions: list[float], q: float) -> stratagem.Scenario:
    return stratagem.Scenario(
        name=f"i{k}",
        issues=(stratagem.Issue(f"i{k}", f"i{k}", 0.0, 100.0, status_quo=q),),
        actors=tuple(stratagem.Actor(f"a{n}", f"A{n}", 1.0 + n) for n in range(len(positions))),
        values={
            (f"a{n}", f"i{k}"): stratagem.Value(p, 0.2 + 0.1 * n) for n, p in enumerate(positions)
        },
    )


def test_nested_cross_validation_finds_a_correction_the_outcomes_follow() -> None:
    # outcomes half-way between the compromise and the status quo: the fitted coefficient
    # of "status quo" is 0.5, and out of sample the stacked model beats the compromise
    rng = np.random.default_rng(1)
    scenarios = [
        _one_issue(k, rng.uniform(0, 100, 5).round(1).tolist(), float(rng.uniform(0, 100)))
        for k in range(60)
    ]
    forecasts = {
        label: np.array([base_forecasts(sc, None)[label][0] for sc in scenarios])
        for label in ("compromise", "compromise:weights=equal")
    }
    q = np.array([sc.issues[0].status_quo for sc in scenarios], dtype=float)
    outcomes = forecasts["compromise"] + 0.5 * (q - forecasts["compromise"])
    groups = np.arange(60) // 2  # proposals of two issues
    fold = groups % 5
    fit = fit_stacking(scenarios, forecasts, outcomes, groups, fold, 0, {"dataset": "synthetic"})
    assert fit.model.coefficients["status quo"] == pytest.approx(0.5, abs=1e-3)
    oos = np.abs(fit.out_of_sample - outcomes).mean()
    assert oos < 0.1 * np.abs(forecasts["compromise"] - outcomes).mean()
    assert len(fit.penalty_by_fold) == 5
    assert "status quo" in fit.model.always_available


def test_features_are_distances_from_the_compromise_and_zero_where_unavailable() -> None:
    sc = _one_issue(0, [10.0, 20.0, 90.0], 40.0)
    forecasts = base_forecasts(sc, None)
    points, available = feature_matrix(sc, forecasts)
    names = [f.name for f in FEATURES]
    c = forecasts["compromise"][0]
    assert points[0, names.index("status quo")] == pytest.approx(40.0 - c)
    assert points[0, names.index("nearest end")] == pytest.approx((0.0 if c <= 50 else 100.0) - c)
    # issue features scale a correction: the spread of positions (s.d. / scale), the share
    # of actors taking a position
    x = np.array([10.0, 20.0, 90.0])
    mean = forecasts["compromise:weights=equal"][0]
    assert points[0, names.index("plain mean × spread")] == pytest.approx(
        x.std() / 100.0 * (mean - c)
    )
    assert points[0, names.index("plain mean × actors")] == pytest.approx(mean - c)
    assert not available[0, names.index("status quo under co-decision")]
    # no rules of the game: no procedural forecast, no agenda setter
    assert not available[0, names.index("procedural")]
    assert points[0, names.index("agenda setter")] == 0.0


@pytest.fixture(scope="module")
def small_deu(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """The first 60 issues of the DEU training file (header and capability row kept)."""
    lines = (shared_data / "deu" / "deu3-1996-2005.tsv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("deu") / "small.tsv"
    path.write_text("\n".join(lines[:62]) + "\n", encoding="utf-8")
    return path


def test_backtest_saves_a_model_that_run_uses(small_deu: Path, tmp_path: Path) -> None:
    saved = tmp_path / "stacked.json"
    result = cli(
        "backtest",
        str(small_deu),
        "-m",
        "compromise",
        "--cv",
        "5",
        "--bootstrap",
        "100",
        "--save-model",
        str(saved),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["folds"] == 5
    assert doc["models"]["stacked"]["out_of_sample"] is True
    assert len(doc["stacking"]["penalty_by_fold"]) == 5
    model = json.loads(saved.read_text())
    assert model["format"] == FORMAT
    assert model == doc["stacking"]["model"]
    assert set(model["coefficients"]) == {f.name for f in FEATURES}

    run = cli("run", "eu-emissions-1994", "-m", f"stacked:{saved}", "--json")
    assert run.returncode == 0, run.stderr
    forecast = json.loads(run.stdout)["forecasts"][0]
    assert forecast["params"]["file"] == str(saved)
    # the forecast is the compromise moved by the saved coefficients
    sc = stratagem.load("eu-emissions-1994")
    base = base_forecasts(sc, None)
    points, _ = feature_matrix(sc, base)
    beta = np.array([model["coefficients"][f.name] for f in FEATURES])
    expected = np.clip(base["compromise"] + points @ beta, 0.0, 100.0)
    issue = sc.issue_ids[0]
    assert forecast["issues"][issue]["forecast"] == pytest.approx(float(expected[0]))


def test_a_zero_model_is_the_compromise_and_a_bad_file_is_an_input_error(tmp_path: Path) -> None:
    zero = tmp_path / "zero.json"
    zero.write_text(
        json.dumps({"format": FORMAT, "version": 1, "coefficients": {"plain mean": 0.0}})
    )
    sc = stratagem.load("iraq-2020")
    stacked = stratagem.run(sc, f"stacked:{zero}").positions()
    assert stacked == pytest.approx(stratagem.run(sc, "compromise").positions())

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": FORMAT, "version": 1, "coefficients": {"magic": 1}}))
    with pytest.raises(InvalidInputError, match="unknown feature"):
        stratagem.run(sc, f"stacked:{bad}")
    result = cli("run", "iraq-2020", "-m", f"stacked:{bad}")
    assert_clean_failure(result, 3)
    assert "coefficients.magic" in result.stderr
    missing = cli("run", "iraq-2020", "-m", f"stacked:{tmp_path / 'none.json'}")
    assert_clean_failure(missing, 3)
