from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import stratagem
from contracts import ALL_CHECKS
from stratagem import IssueForecast, Scenario, models
from stratagem.catalog import embedded_names, load_embedded
from stratagem.models import registry
from stratagem.models.registry import ModelResult, ModelSpec
from stratagem.uncertainty import montecarlo


def _applicable(name: str) -> list[tuple[str, str]]:
    sc = load_embedded(name)
    return [(m.name, name) for m in models.specs() if m.unavailable(sc) is None]


CASES = [case for name in embedded_names() for case in _applicable(name)]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("model", "scenario"), CASES)
def test_model_contract(
    check: Callable[[ModelSpec, Scenario], None], model: str, scenario: str
) -> None:
    check(models.get(model), load_embedded(scenario))


def test_registry_lists_the_baselines() -> None:
    assert {"compromise", "weighted-median", "condorcet", "status-quo"} <= set(models.names())
    for spec in models.specs():
        assert spec.summary
        assert spec.citation
        for p in spec.params:
            assert p.help
            assert p.parse(p.default) == p.default


def _off_scale_model(past: float) -> ModelSpec:
    """A model forecasting every issue ``past`` × its scale's length above its upper end,
    run one by one and batched."""

    def forecast(scenario: Scenario, params: object, rng: object) -> ModelResult:
        return ModelResult(
            {i.id: IssueForecast(i.max + past * (i.max - i.min)) for i in scenario.issues}
        )

    def batch(scenario: Scenario, draws: Any, params: object) -> np.ndarray:
        ends = np.array([i.max + past * (i.max - i.min) for i in scenario.issues])
        return np.repeat(ends[None], draws.n, axis=0)

    return ModelSpec("off-scale-test", "past the scale", forecast, citation="test", batch=batch)


def _registered(spec: ModelSpec) -> Iterator[ModelSpec]:
    registry._REGISTRY[spec.name] = spec
    try:
        yield spec
    finally:
        del registry._REGISTRY[spec.name]


def test_a_rounding_past_an_end_is_put_on_the_end() -> None:
    sc = stratagem.load()
    for spec in _registered(_off_scale_model(registry.SCALE_ROUNDING / 4)):
        forecast = spec.run(sc)
        assert forecast.positions() == {i.id: i.max for i in sc.issues}
        draws = montecarlo.simulate(sc, spec.name, 20, seed=0).forecasts[None]
        assert (draws == np.array([i.max for i in sc.issues])).all()


@pytest.mark.parametrize("past", [registry.SCALE_ROUNDING * 4, float("nan"), float("inf")])
def test_a_forecast_off_its_scale_fails_the_model(past: float) -> None:
    sc = stratagem.load()
    for spec in _registered(_off_scale_model(past)):
        with pytest.raises(registry.ModelFailureError, match="not a number on its issue's scale"):
            spec.run(sc)
        with pytest.raises(montecarlo.DrawFailedError, match=r"draw 0 .*ModelFailureError"):
            montecarlo.simulate(sc, spec.name, 20, seed=0)
