"""Typical errors from the DEU backtest, attached to forecasts only when asked for (#21, #22)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import stratagem
from stratagem import InvalidInputError
from stratagem.cli.main import cli
from stratagem.validation import calibration

ROOT = Path(__file__).resolve().parents[2]


def test_conformal_quantiles_take_the_finite_sample_rank() -> None:
    q = calibration.conformal_quantiles([-1, 2, -3, 4, 5, -6, 7, 8, -9, float("nan")])
    # n = 9: ceil(10 × 0.5) = 5th, ceil(10 × 0.8) = 8th, ceil(10 × 0.9) = 9th smallest
    assert q == {"50%": 5.0, "80%": 8.0, "90%": 9.0}


def test_the_shipped_table_is_what_the_training_file_gives(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "calibrate_deu", ROOT / "scripts" / "calibrate_deu.py"
    )
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    computed = script.calibration_document(shared_data / "deu" / "deu3-1996-2005.tsv")
    shipped = calibration.load("deu").to_dict()
    computed["source"].pop("version")
    shipped["source"].pop("version")
    assert json.loads(json.dumps(computed)) == shipped


def test_intervals_are_attached_only_when_asked_and_labelled() -> None:
    sc = stratagem.load()
    plain = stratagem.forecast(sc, ["compromise", "exchange"])
    assert "calibration" not in plain.to_dict()
    result = stratagem.forecast(sc, ["compromise", "exchange"], calibration="deu")
    doc = result.to_dict()["calibration"]
    assert doc["label"].startswith("typical error on comparable EU legislative decisions")
    assert doc["not_backtested"] == ["exchange"]
    q80 = doc["models"]["compromise"]["half_widths"]["80%"]
    for issue in sc.issues:
        x = result["compromise"].positions()[issue.id]
        lo, hi = doc["models"]["compromise"]["issues"][issue.id]["80%"]
        assert lo == pytest.approx(max(issue.min, x - q80))
        assert hi == pytest.approx(min(issue.max, x + q80))
    with pytest.raises(InvalidInputError, match="the calibrations are deu"):
        stratagem.forecast(sc, ["compromise"], calibration="nowhere")


def test_run_calibration_on_the_command_line() -> None:
    out = CliRunner().invoke(
        cli, ["run", "-m", "compromise", "--no-bottom-line", "--calibration", "deu"]
    )
    assert out.exit_code == 0, out.output
    assert "Calibration: typical error on comparable EU legislative decisions" in out.stdout
    assert "compromise: 50% ±" in out.stdout
    as_json = CliRunner().invoke(
        cli, ["run", "-m", "compromise", "--no-bottom-line", "--calibration", "deu", "--json"]
    )
    assert json.loads(as_json.stdout)["calibration"]["name"] == "deu"
