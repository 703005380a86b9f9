r"""Sensitivity: which uncertain inputs move each forecast and each outcome's probability.

Global indices, computed here with numpy and scipy (no optional extra):

* **Sobol'** first-order and total indices for scenarios with up to :data:`SOBOL_LIMIT`
  uncertain inputs. Two independent scrambled Sobol' matrices :math:`A` and :math:`B`
  (:math:`N \times D`) and the :math:`D` matrices :math:`A_B^{(i)}` (:math:`A` with column
  :math:`i` from :math:`B`) cost :math:`N(D+2)` model runs; with :math:`V` the variance of
  the outputs of :math:`A` and :math:`B`,

  .. math::

     S_i = \frac{1}{N V}\sum_j f(B)_j \left(f(A_B^{(i)})_j - f(A)_j\right), \qquad
     S_{T,i} = \frac{1}{2 N V}\sum_j \left(f(A)_j - f(A_B^{(i)})_j\right)^2

  (Saltelli et al. 2010, *Computer Physics Communications* 181: 259–270, table 2 (b) and
  (f); the total index is Jansen's 1999 estimator).
* **Morris** elementary effects above that: :math:`r` one-at-a-time trajectories on a
  4-level grid of each input's range, steps :math:`\Delta = 2/3` of the range in a random
  order and direction, :math:`r(D+1)` runs; :math:`\mu^*_i` is the mean absolute effect
  :math:`|f(x + \Delta e_i) - f(x)| / \Delta` (Morris 1991, *Technometrics* 33: 161–174;
  :math:`\mu^*` after Campolongo, Cariboni & Saltelli 2007).

Outputs are each issue's forecast and, for each named outcome, the indicator that the
forecast falls in it (its Sobol' indices decompose the variance of that indicator, i.e. of
the outcome's probability).

A one-at-a-time *tornado* (each input at the ends of its range, the others at their point
values) gives the swings that reports plot.

When a scenario declares no uncertainty, positions vary by ±10% of the median issue range,
saliences by ±0.1 and capabilities by ±25% (:func:`default_spread`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import StratagemError
from stratagem.models.registry import get
from stratagem.scenario import Scenario
from stratagem.uncertainty.montecarlo import forecast_draws
from stratagem.uncertainty.sampling import (
    Draws,
    UncertainInput,
    apply_branch,
    draws_from_columns,
    uncertain_inputs,
)

__all__ = [
    "METHODS",
    "MORRIS_LEVELS",
    "SOBOL_LIMIT",
    "SensitivityResult",
    "default_spread",
    "morris_mu_star",
    "morris_sample",
    "sensitivity",
    "sobol_indices",
    "sobol_sample",
    "tornado",
]

FloatArray = npt.NDArray[np.float64]
SOBOL_LIMIT = 60
"""``method="auto"`` uses Sobol' indices up to this many uncertain inputs, Morris above."""
MORRIS_LEVELS = 4
METHODS = ("auto", "sobol", "morris")
BATCH_ROWS = 2000
Swings = dict[str, list[tuple[str, float, float]]]


def default_spread(scenario: Scenario) -> dict[str, float]:
    """Spreads used when a scenario declares none: ±10% of the median issue range, ±0.1, ±25%."""
    ranges = [i.range for i in scenario.issues]
    return {"position": 0.1 * float(np.median(ranges)), "salience": 0.1, "capability": 0.25}


# ---------------------------------------------------------------------- estimators


def sobol_sample(bounds: FloatArray, n: int, seed: int) -> FloatArray:
    """The :math:`N(D+2)` rows of a Sobol' design: ``A``, then ``B``, then each ``A_B^(i)``.

    ``bounds`` is ``(D, 2)``; ``n`` is rounded up to a power of two (scrambled Sobol'
    sequences are balanced at powers of two).
    """
    from scipy.stats import qmc

    d = bounds.shape[0]
    n = 1 << max(1, int(np.ceil(np.log2(max(2, n)))))
    unit = qmc.Sobol(2 * d, scramble=True, seed=seed).random(n)
    lo, width = bounds[:, 0], bounds[:, 1] - bounds[:, 0]
    a, b = lo + unit[:, :d] * width, lo + unit[:, d:] * width
    ab = np.repeat(a[None], d, axis=0)
    for i in range(d):
        ab[i, :, i] = b[:, i]
    return np.concatenate([a, b, ab.reshape(d * n, d)])


def sobol_indices(y: FloatArray, d: int) -> tuple[FloatArray, FloatArray]:
    """First-order and total indices ``(S1, ST)`` from the outputs of :func:`sobol_sample`."""
    n = y.shape[0] // (d + 2)
    ya, yb = y[:n], y[n : 2 * n]
    yab = y[2 * n :].reshape(d, n)
    variance = float(np.var(np.concatenate([ya, yb])))
    if variance == 0.0:
        return np.zeros(d), np.zeros(d)
    first = (yb[None] * (yab - ya[None])).mean(axis=1) / variance
    total = 0.5 * ((ya[None] - yab) ** 2).mean(axis=1) / variance
    return first, total


def morris_sample(bounds: FloatArray, trajectories: int, seed: int) -> FloatArray:
    """``r`` Morris trajectories of ``D + 1`` rows each, on a :data:`MORRIS_LEVELS` grid."""
    rng = np.random.default_rng(seed)
    d = bounds.shape[0]
    delta = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))
    half = MORRIS_LEVELS // 2
    rows = np.empty((trajectories, d + 1, d))
    for t in range(trajectories):
        direction = np.where(rng.random(d) < 0.5, 1.0, -1.0)
        level = rng.integers(0, half, d)  # from the lower half going up, the upper going down
        x = np.where(direction > 0, level, level + half) / (MORRIS_LEVELS - 1)
        rows[t, 0] = x
        for step, i in enumerate(rng.permutation(d), start=1):
            x = x.copy()
            x[i] += delta * direction[i]
            rows[t, step] = x
    lo, width = bounds[:, 0], bounds[:, 1] - bounds[:, 0]
    return np.asarray(lo + rows.reshape(-1, d) * width, dtype=np.float64)


def morris_mu_star(x: FloatArray, y: FloatArray, bounds: FloatArray) -> FloatArray:
    r"""Mean absolute elementary effect :math:`\mu^*` of each input (per unit of its range)."""
    d = bounds.shape[0]
    width = np.where(bounds[:, 1] > bounds[:, 0], bounds[:, 1] - bounds[:, 0], 1.0)
    unit = (x - bounds[:, 0]) / width
    xs, ys = unit.reshape(-1, d + 1, d), y.reshape(-1, d + 1)
    steps = np.diff(xs, axis=1)  # (r, d, d): one input changes per step
    moved = np.argmax(np.abs(steps), axis=2)
    size = np.take_along_axis(steps, moved[..., None], axis=2)[..., 0]
    effects = np.diff(ys, axis=1) / size
    total = np.zeros(d)
    np.add.at(total, moved.ravel(), np.abs(effects).ravel())
    return total / xs.shape[0]


# ---------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class SensitivityResult:
    """Indices per output (an issue id, or ``outcome:NAME``) and per input."""

    method: str
    model: str
    inputs: tuple[str, ...]
    indices: Mapping[str, Mapping[str, list[float]]]  # output -> {"S1"/"ST"/"mu_star": [...]}
    tornado: Mapping[str, list[tuple[str, float, float]]]  # issue -> (input, at low, at high)
    base: Mapping[str, float]
    runs: int
    seed: int
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The index used for ranking: total Sobol' index, or Morris mu*."""
        return "ST" if self.method == "sobol" else "mu_star"

    def ranking(self, output: str, top: int | None = None) -> list[tuple[str, float]]:
        """Inputs by decreasing influence on one output."""
        values = self.indices[output][self.key]
        order = np.argsort(values)[::-1]
        ranked = [(self.inputs[k], float(values[k])) for k in order]
        return ranked[:top] if top else ranked

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: the ranking per output, the tornado swings, the run's provenance."""
        return {
            "method": self.method,
            "model": self.model,
            "params": dict(self.params),
            "seed": self.seed,
            "runs": self.runs,
            "inputs": len(self.inputs),
            "index": self.key,
            "outputs": {
                out: [
                    {
                        "input": name,
                        self.key: value,
                        **(
                            {"S1": float(self.indices[out]["S1"][self.inputs.index(name)])}
                            if self.method == "sobol"
                            else {}
                        ),
                    }
                    for name, value in self.ranking(out, top)
                ]
                for out in self.indices
            },
            "tornado": {
                issue: [
                    {"input": n, "low": lo, "high": hi, "base": self.base[issue]}
                    for n, lo, hi in swings[: top or len(swings)]
                ]
                for issue, swings in self.tornado.items()
            },
        }


def _evaluate(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any],
    inputs: list[UncertainInput],
    x: FloatArray,
) -> FloatArray:
    """Forecasts ``(rows, issues)`` with the inputs set to the rows of ``x``."""
    out = np.empty((x.shape[0], scenario.n_issues))
    for start in range(0, x.shape[0], BATCH_ROWS):
        rows = x[start : start + BATCH_ROWS]
        draws = draws_from_columns(scenario, inputs, rows)
        out[start : start + len(rows)] = forecast_draws(scenario, model, params, draws, start)
    return out


def _varying_inputs(
    scenario: Scenario, spread: Mapping[str, float] | None, base: Scenario | None = None
) -> list[UncertainInput]:
    """The uncertain inputs whose range is not a point (the default spread if none are)."""
    spreads = dict(spread or {})
    if not scenario.uncertainty and not scenario.spread and not spreads:
        spreads = default_spread(scenario)
    where = base or scenario
    return [u for u in uncertain_inputs(where, spreads) if u.bounds[1] > u.bounds[0]]


def _swings(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any],
    inputs: list[UncertainInput],
) -> tuple[FloatArray, Swings]:
    """The forecast at the point values, and each input's one-at-a-time swing per issue."""
    point = np.array([[u.distribution.point for u in inputs]])
    base = _evaluate(scenario, model, params, inputs, point)[0]
    oat = np.repeat(point, 2 * len(inputs), axis=0)
    for k, u in enumerate(inputs):
        oat[2 * k, k], oat[2 * k + 1, k] = u.bounds
    y = _evaluate(scenario, model, params, inputs, oat)
    out: Swings = {}
    for j, issue in enumerate(scenario.issue_ids):
        rows = [(u.name, float(y[2 * k, j]), float(y[2 * k + 1, j])) for k, u in enumerate(inputs)]
        out[issue] = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    return base, out


def sensitivity(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any] | None = None,
    method: str = "auto",
    samples: int = 256,
    seed: int = 0,
    spread: Mapping[str, float] | None = None,
    branch: str | None = None,
) -> SensitivityResult:
    """Rank the uncertain inputs by their influence on forecasts and outcome probabilities.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its distributions and spreads say what is uncertain).
    model : str
        Registry name.
    params : mapping, optional
        Model parameters.
    method : {"auto", "sobol", "morris"}
        ``auto``: Sobol' up to :data:`SOBOL_LIMIT` inputs, Morris above.
    samples : int
        Sobol' base sample size N (rounded up to a power of two) or Morris trajectories.
    seed : int
        Seed of the sampling.
    spread : mapping, optional
        Default spreads overriding the scenario's (or :func:`default_spread` when it has none).
    branch : str, optional
        Analyse the branch's world instead of the baseline.

    Raises
    ------
    StratagemError
        If no uncertain input varies.

    Examples
    --------
    >>> import stratagem
    >>> result = stratagem.sensitivity(stratagem.load(), "compromise", samples=64)
    >>> result.method, result.ranking("iraq_order")[0][0]
    ('morris', 'us.iraq_order.position')
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    resolved = get(model).prepare(scenario, params)
    base_scenario = scenario
    if branch is not None:
        base_scenario, _ = apply_branch(scenario, branch, _point_draws(scenario))
    inputs = _varying_inputs(scenario, spread, base_scenario)
    if not inputs:
        raise StratagemError("no uncertain input varies: give distributions or a spread")
    bounds = np.array([u.bounds for u in inputs], dtype=float)
    chosen = method if method != "auto" else ("sobol" if len(inputs) <= SOBOL_LIMIT else "morris")
    if chosen == "sobol":
        x = sobol_sample(bounds, samples, seed)
    else:
        x = morris_sample(bounds, max(2, samples), seed)
    y = _evaluate(base_scenario, model, resolved, inputs, x)
    outputs: dict[str, FloatArray] = {i: y[:, k] for k, i in enumerate(base_scenario.issue_ids)}
    cls = base_scenario.classify_all(y)
    for k, outcome in enumerate(base_scenario.outcomes):
        outputs[f"outcome:{outcome.name}"] = (cls == k).astype(float)
    indices: dict[str, dict[str, list[float]]] = {}
    for name, values in outputs.items():
        if chosen == "sobol":
            first, total = sobol_indices(values, len(inputs))
            indices[name] = {"S1": first.tolist(), "ST": total.tolist()}
        else:
            indices[name] = {"mu_star": morris_mu_star(x, values, bounds).tolist()}
    base, swings = _swings(base_scenario, model, resolved, inputs)
    return SensitivityResult(
        method=chosen,
        model=model,
        inputs=tuple(u.name for u in inputs),
        indices=indices,
        tornado=swings,
        base={i: float(base[k]) for k, i in enumerate(base_scenario.issue_ids)},
        runs=int(x.shape[0] + 1 + 2 * len(inputs)),
        seed=seed,
        params=resolved,
    )


def tornado(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any] | None = None,
    spread: Mapping[str, float] | None = None,
) -> Swings:
    """One-at-a-time swings per issue: each input at the ends of its range, the others fixed.

    ``2D`` model runs for ``D`` inputs; sorted by swing width.
    """
    resolved = get(model).prepare(scenario, params)
    inputs = _varying_inputs(scenario, spread)
    if not inputs:
        return {i: [] for i in scenario.issue_ids}
    return _swings(scenario, model, resolved, inputs)[1]


def _point_draws(scenario: Scenario) -> Draws:
    return Draws(
        scenario.positions[None].copy(),
        scenario.salience[None].copy(),
        scenario.capability[None].copy(),
    )
