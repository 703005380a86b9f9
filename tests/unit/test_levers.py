"""Levers: the smallest changes that make a named end the forecast (stratagem.levers)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import stratagem
from stratagem import Outcome, Scenario
from stratagem.analysis.levers import TOLERANCE, levers, single_levers
from stratagem.cli.main import cli
from stratagem.errors import InvalidInputError


def two_actors(threshold: float = 60.0) -> Scenario:
    """a at 0 and b at 100, equal weights: the compromise is 50; 'high' needs the threshold."""
    return Scenario.from_table(
        "two",
        ["a", "b"],
        ["i"],
        [[0.0], [100.0]],
        [[1.0], [1.0]],
        [1.0, 1.0],
        outcomes=(Outcome("high", f"i >= {threshold}"), Outcome("low", "i < 20")),
    )


def test_two_actor_compromise_levers_equal_the_closed_form() -> None:
    # mean = (c_a s_a x_a + c_b s_b x_b) / (c_a s_a + c_b s_b) >= 60, one input at a time:
    #   a's position x_a >= 20 (size 0.2 of the range); b's capability c_b >= 1.5 (size
    #   0.5 / total 2 = 0.25); a's capability c_a <= 2/3 (size 1/6); a's salience s_a <= 2/3
    #   (size 1/3); b's salience and position cannot reach it (s_b <= 1, x_b <= 100).
    found = {(lv.actor, lv.field): lv for lv in single_levers(two_actors(), "compromise", "high")}
    expected = {
        ("a", "position"): (20.0, 0.2),
        ("b", "capability"): (1.5, 0.25),
        ("a", "capability"): (2.0 / 3.0, 1.0 / 6.0),
        ("a", "salience"): (2.0 / 3.0, 1.0 / 3.0),
    }
    assert set(found) == set(expected)
    for key, (value, size) in expected.items():
        lever = found[key]
        scale = {"position": 100.0, "salience": 1.0, "capability": 2.0}[key[1]]
        assert lever.value == pytest.approx(value, abs=TOLERANCE * scale), key
        assert lever.size == pytest.approx(size, abs=TOLERANCE), key
        assert lever.outcome == "high"
    ranked = single_levers(two_actors(), "compromise", "high")
    assert [(lv.actor, lv.field) for lv in ranked] == [
        ("a", "capability"),
        ("a", "position"),
        ("b", "capability"),
        ("a", "salience"),
    ]


@settings(max_examples=15, deadline=None)
@given(st.floats(52.0, 95.0))
def test_every_single_lever_reproduces_its_target(threshold: float) -> None:
    sc = two_actors(threshold)
    for lever in single_levers(sc, "compromise", "high"):
        changed = sc.apply([lever.change()])
        assert stratagem.run(changed, "compromise").outcome == "high"
        # and it is the nearest: a little less of the change misses
        back = lever.start + (lever.value - lever.start) * (1 - 2 * TOLERANCE / lever.size)
        nearer = sc.apply([lever.change().__class__(lever.actor, lever.field, back, lever.issue)])
        assert stratagem.run(nearer, "compromise").outcome != "high"


def test_no_lever_for_an_end_already_forecast() -> None:
    sc = two_actors(40.0)  # the compromise (50) is already 'high'
    assert single_levers(sc, "compromise", "high") == []
    result = levers(sc, "high", models=["compromise"])
    assert result.singles["compromise"] == ()
    assert result.combinations.get("compromise", ()) == ()
    assert "already" in result.sentences()[0]


def test_leaving_an_end() -> None:
    sc = two_actors(40.0)
    found = single_levers(sc, "compromise", "high", leave=True)
    assert found
    assert all(lv.outcome != "high" for lv in found)


def test_combinations_are_smaller_than_their_parts_and_verified() -> None:
    sc = two_actors(75.0)
    result = levers(sc, "high", models=["compromise"], combinations=2)
    singles = result.singles["compromise"]
    assert singles
    for combo in result.combinations["compromise"]:
        assert len({lv.actor for lv in combo.changes}) == len(combo.changes)
        assert combo.size < min(
            s.size
            for s in singles
            if (s.actor, s.field) in {(c.actor, c.field) for c in combo.changes}
        )
        changed = sc.apply([lv.change() for lv in combo.changes])
        assert stratagem.run(changed, "compromise").outcome == "high"


def test_marginal_effects_have_the_closed_form_sign_and_size() -> None:
    result = levers(two_actors(), "high", models=["compromise"], combinations=1)
    effects = {(e.actor, e.field, e.on): e.slope for e in result.effects["compromise"]}
    # d mean / d x_a = w_a / W = 1/2 (shares of the range per range)
    assert effects[("a", "position", "i")] == pytest.approx(0.5, rel=1e-6)
    # raising b's capability pulls the mean toward 100, a's toward 0
    assert effects[("b", "capability", "i")] > 0 > effects[("a", "capability", "i")]


def test_budget_keeps_only_small_changes() -> None:
    result = levers(two_actors(), "high", models=["compromise"], budget=0.21)
    assert [(lv.actor, lv.field) for lv in result.singles["compromise"]] == [
        ("a", "capability"),
        ("a", "position"),
    ]
    assert result.to_dict()["budget"] == 0.21


def test_levers_under_uncertainty_raise_the_probability_on_common_draws() -> None:
    sc = stratagem.load()
    result = levers(sc, "revolution prevails", models=["compromise"], draws=200, level=0.5, seed=3)
    found = result.probability_levers["compromise"]
    assert found, result.sentences()
    assert all(lv.probability >= 0.5 > lv.base_probability for lv in found)
    again = levers(sc, "revolution prevails", models=["compromise"], draws=200, level=0.5, seed=3)
    assert again.to_dict()["probability"] == result.to_dict()["probability"]


def test_default_case_levers_are_verified_for_every_fast_model() -> None:
    sc = stratagem.load()
    for model in ("compromise", "weighted-median", "eum"):
        result = levers(sc, "revolution prevails", models=[model], combinations=2)
        for lever in result.singles[model]:
            assert stratagem.run(sc.apply([lever.change()]), model).outcome == (
                "revolution prevails"
            ), (model, lever)
        doc = result.to_dict()
        assert doc["params"][model] is not None
        assert doc["version"] == stratagem.__version__


def test_bad_requests_are_named() -> None:
    sc = two_actors()
    with pytest.raises(InvalidInputError, match="unknown outcome 'nowhere'"):
        levers(sc, "nowhere")
    with pytest.raises(InvalidInputError, match="unknown actor 'z'"):
        levers(sc, "high", actors=["z"])
    with pytest.raises(InvalidInputError, match="budget"):
        levers(sc, "high", budget=0.0)
    with pytest.raises(InvalidInputError, match="does not apply"):
        levers(sc, "high", models=["no-such-model"])


def test_cli_levers_text_and_json() -> None:
    runner = CliRunner()
    out = runner.invoke(
        cli, ["levers", "--target", "revolution prevails", "-m", "compromise", "--combine", "2"]
    )
    assert out.exit_code == 0, out.output
    assert "Iraqi popular revolt's capability" in out.output
    assert "'revolution prevails' holds when" in out.output
    doc = json.loads(
        runner.invoke(
            cli, ["levers", "-t", "revolution prevails", "-m", "compromise", "--json"]
        ).stdout
    )
    assert doc["target"] == "revolution prevails"
    first = doc["singles"]["compromise"][0]
    assert first["actor"] == "revolt"
    assert first["field"] == "capability"
    assert np.isfinite(first["size"])
    bad = runner.invoke(cli, ["levers", "-t", "nowhere", "-m", "compromise"])
    assert bad.exit_code == 3
    assert "unknown outcome 'nowhere'" in bad.output


# ------------------------------------------------------------------ the bottom line


def test_bottom_line_of_the_default_case_is_built_from_the_results() -> None:
    from stratagem.analysis.bottom_line import bottom_line

    sc = stratagem.load()
    result = stratagem.forecast(sc)
    line = bottom_line(result)
    facts = line.to_dict()
    counted = [f for f in result.forecasts if f.model != "status-quo"]
    agreeing = [f.model for f in counted if f.outcome == facts["end"]]
    assert facts["agreeing"] == agreeing
    assert len(agreeing) == max(sum(1 for f in counted if f.outcome == g.outcome) for g in counted)
    assert f"forecast by {len(agreeing)} of {len(counted)} models" in line.sentences[0]
    # the baseline is named as left out, not among the models that forecast another end
    assert (
        "the status-quo baseline, which forecasts no movement by design, is not counted"
        in (line.sentences[0])
    )
    assert "status-quo forecasts" not in line.sentences[0]
    # the lever named in words leads away from the end when applied
    for model, lever in facts["levers"].items():
        change = stratagem.Change(lever["actor"], lever["field"], lever["to"], lever["issue"])
        assert stratagem.run(sc.apply([change]), model).outcome != facts["end"]
    assert any(
        f"{facts['levers'][m]['size']:.2f}" in s for m in facts["levers"] for s in line.sentences
    )


def test_bottom_line_with_an_ensemble_gives_the_probability_and_its_interval() -> None:
    from stratagem.analysis.bottom_line import bottom_line, wilson_interval

    sc = stratagem.load()
    result = stratagem.forecast(sc, ["compromise", "eum"])
    ensemble = stratagem.simulate(sc, "eum", draws=100, seed=1)
    line = bottom_line(result, ensemble, lever_models=[])
    p = ensemble.outcome_probabilities().get(line.facts["end"], 0.0)
    assert line.facts["probability"]["p"] == p
    lo, hi = wilson_interval(p, 100)
    assert lo <= p <= hi
    assert f"probability {p:.2f} (95% interval {lo:.2f}–{hi:.2f})" in " ".join(line.sentences)
    assert "levers" not in line.facts


def test_wilson_interval_known_values() -> None:
    from stratagem.analysis.bottom_line import wilson_interval

    lo, hi = wilson_interval(0.5, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4)
    assert hi == pytest.approx(0.5962, abs=1e-4)
    assert wilson_interval(0.0, 10)[0] == 0.0


def test_run_prints_the_bottom_line_first_and_in_json() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["run", "-m", "compromise", "-m", "eum"])
    assert out.exit_code == 0, out.output
    assert out.stdout.lstrip().startswith("Bottom line")
    doc = json.loads(runner.invoke(cli, ["run", "-m", "eum", "--json"]).stdout)
    assert doc["bottom_line"]["end"] == doc["forecasts"][0]["outcome"]
    quiet = runner.invoke(cli, ["run", "-m", "eum", "--no-bottom-line"])
    assert "Bottom line" not in quiet.output


def test_ensemble_bottom_line_reads_the_draws() -> None:
    from stratagem.analysis.bottom_line import ensemble_bottom_line, wilson_interval

    sc = stratagem.load()
    ensemble = stratagem.simulate(sc, "compromise", draws=200, seed=2, branches=["no-strike"])
    line = ensemble_bottom_line(ensemble)
    probabilities = ensemble.outcome_probabilities()
    assert line.facts["end"] == max(probabilities, key=lambda k: probabilities[k])
    assert line.facts["p"] == probabilities[line.facts["end"]]
    assert line.facts["interval"] == list(wilson_interval(line.facts["p"], 200))
    moved = ensemble.difference("no-strike")["outcomes"].get(line.facts["end"])
    branch = line.facts["branches"]["no-strike"]
    assert branch["difference"] == (moved["difference"] if moved else 0.0)
    assert line.sentences[1].startswith("Branch 'no-strike':")


def test_simulate_prints_its_bottom_line_first() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["simulate", "-m", "compromise", "-n", "100", "--widths", "1"])
    assert out.exit_code == 0, out.output
    assert out.stdout.lstrip().startswith("Bottom line")
    assert "Most likely end under compromise" in out.stdout
    doc = json.loads(
        runner.invoke(
            cli, ["simulate", "-m", "compromise", "-n", "50", "--widths", "1", "--json"]
        ).stdout
    )
    assert doc["bottom_line"]["draws"] == 50


def test_forecasts_split_between_forked_workers_are_those_of_one_process() -> None:
    from stratagem.analysis.levers import _forecasts_in_parallel
    from stratagem.models import get
    from stratagem.uncertainty.montecarlo import forecast_draws
    from stratagem.uncertainty.sampling import sample, uncertain_inputs

    sc = stratagem.load()
    for model, n in (("smp", 6), ("compromise", 4_500)):
        draws = sample(sc, uncertain_inputs(sc), n, np.random.default_rng(3))
        params = get(model).resolve()
        split = _forecasts_in_parallel(sc, model, params, draws, seed=0)
        alone = forecast_draws(sc, model, params, draws, seed=0, vary_seed=False)
        np.testing.assert_array_equal(split, alone)


def test_the_bottom_line_states_typical_errors_only_when_asked(tmp_path: Path) -> None:
    from stratagem.analysis.bottom_line import bottom_line
    from stratagem.report.build import build_report, write_report
    from stratagem.validation.calibration import load as load_calibration

    sc = stratagem.load()
    plain = bottom_line(stratagem.forecast(sc, ["weighted-median", "condorcet"]))
    assert "calibration" not in plain.facts
    assert not any("Typical error" in s for s in plain.sentences)
    asked = bottom_line(
        stratagem.forecast(sc, ["weighted-median", "condorcet", "exchange"], calibration="deu")
    )
    widths = asked.facts["calibration"]["half_widths_80"]
    shipped = load_calibration("deu").to_dict()["models"]
    agreeing = [m for m in asked.facts["agreeing"] if m in shipped]
    assert widths == {m: shipped[m]["80%"] for m in agreeing}
    sentence = next(s for s in asked.sentences if s.startswith("Typical error"))
    assert "not on this case" in sentence
    for m, w in widths.items():
        assert f"±{w:.0f} points of {m}'s forecast" in sentence
    if "exchange" in asked.facts["agreeing"]:
        assert "exchange: not backtested" in sentence
    # the report states it in its bottom line when asked, and records the numbers
    report = build_report(sc, ["weighted-median", "condorcet"], draws=0, calibration="deu")
    assert report.bottom_line["calibration"]["half_widths_80"] == {
        m: shipped[m]["80%"] for m in report.bottom_line["agreeing"]
    }
    html = write_report(report, tmp_path / "r").read_text(encoding="utf-8")
    assert "Typical error on comparable EU legislative decisions" in html
