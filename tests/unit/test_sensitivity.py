from __future__ import annotations

import numpy as np
import pytest

import stratagem
from stratagem import Scenario
from stratagem.scenario import Distribution
from stratagem.uncertainty.sensitivity import (
    default_spread,
    morris_mu_star,
    morris_sample,
    sensitivity,
    sobol_indices,
    sobol_sample,
)


def toy() -> Scenario:
    sc = Scenario.from_table(
        "toy",
        ["a", "b", "c"],
        ["i"],
        [[10.0], [50.0], [90.0]],
        [[1.0], [1.0], [1.0]],
        [1.0, 1.0, 1.0],
    )
    # only a's position is uncertain, widely; b's capability a little
    return sc.evolve(
        uncertainty={
            ("a", "i", "position"): Distribution("uniform", (0.0, 40.0)),
            ("b", "", "capability"): Distribution("uniform", (0.99, 1.01)),
        }
    )


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_the_input_that_matters_ranks_first(method: str) -> None:
    result = sensitivity(toy(), "compromise", method=method, samples=64, seed=1)
    ranking = result.ranking("i")
    assert ranking[0][0] == "a.i.position"
    assert ranking[0][1] > 10 * max(ranking[1][1], 1e-12)
    if method == "sobol":
        assert result.indices["i"]["ST"][0] == pytest.approx(1.0, abs=0.1)
    swings = result.tornado["i"]
    assert swings[0][0] == "a.i.position"
    assert swings[0][2] - swings[0][1] == pytest.approx(40 / 3, rel=1e-6)  # mean of 3 equal weights


def test_same_seed_same_indices_and_json() -> None:
    a = sensitivity(toy(), "compromise", samples=32, seed=4)
    b = sensitivity(toy(), "compromise", samples=32, seed=4)
    assert a.to_dict() == b.to_dict()
    doc = a.to_dict(top=1)
    assert doc["method"] == "sobol"
    assert doc["outputs"]["i"][0]["input"] == "a.i.position"
    assert set(doc["tornado"]["i"][0]) == {"input", "low", "high", "base"}


def test_default_case_answers_the_movement_abroad_question() -> None:
    result = sensitivity(stratagem.load(), "compromise", method="sobol", samples=64, seed=0)
    names = result.inputs
    assert "western_movement.capability" in names
    index = result.indices["iraq_order"]["ST"][names.index("western_movement.capability")]
    assert 0.0 <= index <= 1.0
    assert "outcome:revolt crushed" in result.indices


def test_default_spread_when_nothing_is_uncertain() -> None:
    sc = stratagem.load("eu-emissions-1994")
    assert default_spread(sc) == {
        "position": pytest.approx(0.6),
        "salience": 0.1,
        "capability": 0.25,
    }
    result = sensitivity(sc, "compromise", samples=16, seed=0)
    assert len(result.inputs) == 10 * 3
    assert np.isfinite(result.indices["emission-standards"]["ST"]).all()


def _ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_estimators_reproduce_the_ishigami_indices() -> None:
    # analytic indices of the Ishigami function (a = 7, b = 0.1; Saltelli et al. 2010)
    bounds = np.array([[-np.pi, np.pi]] * 3)
    x = sobol_sample(bounds, 8192, seed=1)
    first, total = sobol_indices(_ishigami(x), 3)
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=0.02)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=0.02)


def test_morris_ranks_the_ishigami_inputs_and_gives_linear_slopes() -> None:
    bounds = np.array([[-np.pi, np.pi]] * 3)
    x = morris_sample(bounds, 200, seed=2)
    assert x.shape == (200 * 4, 3)
    mu = morris_mu_star(x, _ishigami(x), bounds)
    assert mu[2] < mu[0]  # x3 acts only through its interaction with x1
    linear = np.array([[0.0, 2.0], [0.0, 10.0]])
    x = morris_sample(linear, 20, seed=3)
    np.testing.assert_allclose(morris_mu_star(x, 3 * x[:, 0] - x[:, 1], linear), [6.0, 10.0])
