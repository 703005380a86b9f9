"""Invariants over generated scenarios (tests/strategies.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from contracts import check_inside_bounds, check_one_actor, check_relabelling
from stratagem import Scenario, io, models
from strategies import scenarios

BASELINES = [m.name for m in models.specs() if m.requires is None]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("model", BASELINES)
@SETTINGS
@given(sc=scenarios(missing=True))
def test_forecasts_lie_inside_the_scale(model: str, sc: Scenario) -> None:
    check_inside_bounds(models.get(model), sc)


@pytest.mark.parametrize("model", BASELINES)
@SETTINGS
@given(sc=scenarios(missing=True))
def test_relabelling_and_reordering_actors_changes_nothing(model: str, sc: Scenario) -> None:
    check_relabelling(models.get(model), sc)


@pytest.mark.parametrize("model", BASELINES)
@SETTINGS
@given(sc=scenarios(max_actors=1))
def test_one_actor_forecasts_its_position(model: str, sc: Scenario) -> None:
    check_one_actor(models.get(model), sc)


@SETTINGS
@given(sc=scenarios(missing=True))
def test_yaml_round_trip_is_the_identity(sc: Scenario) -> None:
    assert io.read_text(io.write_text(sc, "yaml"), "x.yaml") == sc
    assert io.read_text(io.write_text(sc, "json"), "x.json") == sc


@SETTINGS
@given(sc=scenarios(missing=True))
def test_wide_csv_round_trip_keeps_the_arrays(sc: Scenario) -> None:
    back = io.read_text(io.write_text(sc, "csv"), "x.csv")
    assert back.positions.tolist() == sc.positions.tolist()
    assert back.salience.tolist() == sc.salience.tolist()
    assert back.capability.tolist() == sc.capability.tolist()
    assert back.has_position.tolist() == sc.has_position.tolist()
