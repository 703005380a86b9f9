r"""Sensitivity: which uncertain inputs move each forecast and each outcome's probability.

Global indices come from SALib (the optional ``sensitivity`` extra): Sobol' first-order
and total indices (Saltelli sampling, :math:`N(D+2)` model runs for :math:`D` inputs) for
scenarios with up to :data:`SOBOL_LIMIT` uncertain inputs, Morris elementary effects
(:math:`\mu^*`, :math:`r(D+1)` runs) above that. Outputs are each issue's forecast and,
for each named outcome, the indicator that the forecast falls in it (its Sobol' indices
decompose the variance of that indicator, i.e. of the outcome's probability).

A one-at-a-time *tornado* (each input at the ends of its range, the others at their point
values) gives the swings that reports plot.

When a scenario declares no uncertainty, positions vary by ±10% of each issue's range,
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
from stratagem.uncertainty.sampling import Draws, UncertainInput, apply_branch, uncertain_inputs

__all__ = [
    "SOBOL_LIMIT",
    "SensitivityResult",
    "default_spread",
    "draws_from_matrix",
    "sensitivity",
    "tornado",
]

FloatArray = npt.NDArray[np.float64]
SOBOL_LIMIT = 60
BATCH_ROWS = 2000


def default_spread(scenario: Scenario) -> dict[str, float]:
    """Spreads used when a scenario declares none: ±10% of the median issue range, ±0.1, ±25%."""
    ranges = [i.range for i in scenario.issues]
    return {"position": 0.1 * float(np.median(ranges)), "salience": 0.1, "capability": 0.25}


def draws_from_matrix(scenario: Scenario, inputs: list[UncertainInput], x: FloatArray) -> Draws:
    """Draws whose inputs are the columns of ``x`` (one row per model run)."""
    n = x.shape[0]
    pos = np.repeat(scenario.positions[None], n, axis=0)
    sal = np.repeat(scenario.salience[None], n, axis=0)
    cap = np.repeat(scenario.capability[None], n, axis=0)
    overridden = {(a, i) for (a, i), v in scenario.values.items() if v.capability is not None}
    for col, u in enumerate(inputs):
        if u.field == "position":
            pos[:, u.actor, u.issue] = x[:, col]
        elif u.field == "salience":
            sal[:, u.actor, u.issue] = x[:, col]
        elif u.issue >= 0:
            cap[:, u.actor, u.issue] = x[:, col]
        else:
            actor_id = scenario.actors[u.actor].id
            for j, issue in enumerate(scenario.issues):
                if (actor_id, issue.id) not in overridden:
                    cap[:, u.actor, j] = x[:, col]
    return Draws(pos, sal, cap)


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
    spec = get(model)
    out = np.empty((x.shape[0], scenario.n_issues))
    for start in range(0, x.shape[0], BATCH_ROWS):
        rows = x[start : start + BATCH_ROWS]
        draws = draws_from_matrix(scenario, inputs, rows)
        if spec.batch is not None:
            out[start : start + len(rows)] = spec.batch(scenario, draws, params)
        else:
            for d in range(draws.n):
                one = scenario.with_inputs(
                    draws.positions[d], draws.salience[d], draws.capability[d]
                )
                f = spec.run(one, params)
                out[start + d] = [f.issues[i].forecast for i in scenario.issue_ids]
    return out


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
    """
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError as exc:
        raise StratagemError(
            "sensitivity analysis needs the optional extra: pip install 'stratagem[sensitivity]'"
        ) from exc
    spec = get(model)
    resolved = spec.resolve({**spec.scenario_params(scenario), **(params or {})})
    base_scenario = scenario
    if branch is not None:
        base_scenario, _ = apply_branch(scenario, branch, _point_draws(scenario))
    spreads = dict(spread or {})
    if not scenario.uncertainty and not scenario.spread and not spreads:
        spreads = default_spread(scenario)
    inputs = uncertain_inputs(base_scenario.evolve(uncertainty=scenario.uncertainty), spreads)
    inputs = [u for u in inputs if u.bounds[1] > u.bounds[0]]
    if not inputs:
        raise StratagemError("no uncertain input varies: give distributions or a spread")
    problem = {
        "num_vars": len(inputs),
        "names": [u.name for u in inputs],
        "bounds": [list(u.bounds) for u in inputs],
    }
    chosen = method if method != "auto" else ("sobol" if len(inputs) <= SOBOL_LIMIT else "morris")
    if chosen == "sobol":
        n = 1 << max(1, int(np.ceil(np.log2(max(2, samples)))))
        x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    elif chosen == "morris":
        x = morris_sample.sample(problem, max(2, samples), num_levels=4, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}")
    y = _evaluate(base_scenario, model, resolved, inputs, np.asarray(x, dtype=float))
    outputs: dict[str, FloatArray] = {i: y[:, k] for k, i in enumerate(base_scenario.issue_ids)}
    cls = base_scenario.classify_all(y)
    for k, outcome in enumerate(base_scenario.outcomes):
        outputs[f"outcome:{outcome.name}"] = (cls == k).astype(float)
    indices: dict[str, dict[str, list[float]]] = {}
    for name, values in outputs.items():
        if np.ptp(values) == 0:  # nothing moves this output: every index is zero
            zeros = [0.0] * len(inputs)
            indices[name] = {"S1": zeros, "ST": zeros} if chosen == "sobol" else {"mu_star": zeros}
            continue
        if chosen == "sobol":
            res = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=seed)
            indices[name] = {
                "S1": np.nan_to_num(res["S1"]).tolist(),
                "ST": np.nan_to_num(res["ST"]).tolist(),
            }
        else:
            res = morris_analyze.analyze(problem, np.asarray(x), values, seed=seed)
            indices[name] = {"mu_star": np.nan_to_num(np.asarray(res["mu_star"])).tolist()}
    point = np.array([[u.distribution.point for u in inputs]])
    base = _evaluate(base_scenario, model, resolved, inputs, point)[0]
    oat = np.repeat(point, 2 * len(inputs), axis=0)
    for k, u in enumerate(inputs):
        oat[2 * k, k], oat[2 * k + 1, k] = u.bounds
    swings_y = _evaluate(base_scenario, model, resolved, inputs, oat)
    tornado: dict[str, list[tuple[str, float, float]]] = {}
    for j, issue in enumerate(base_scenario.issue_ids):
        rows = [
            (u.name, float(swings_y[2 * k, j]), float(swings_y[2 * k + 1, j]))
            for k, u in enumerate(inputs)
        ]
        tornado[issue] = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    return SensitivityResult(
        method=chosen,
        model=model,
        inputs=tuple(u.name for u in inputs),
        indices=indices,
        tornado=tornado,
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
) -> dict[str, list[tuple[str, float, float]]]:
    """One-at-a-time swings per issue: each input at the ends of its range, the others fixed.

    Needs no optional extra (``2D`` model runs for ``D`` inputs); sorted by swing width.
    """
    spec = get(model)
    resolved = spec.resolve({**spec.scenario_params(scenario), **(params or {})})
    spreads = dict(spread or {})
    if not scenario.uncertainty and not scenario.spread and not spreads:
        spreads = default_spread(scenario)
    inputs = [u for u in uncertain_inputs(scenario, spreads) if u.bounds[1] > u.bounds[0]]
    if not inputs:
        return {i: [] for i in scenario.issue_ids}
    point = np.array([[u.distribution.point for u in inputs]])
    oat = np.repeat(point, 2 * len(inputs), axis=0)
    for k, u in enumerate(inputs):
        oat[2 * k, k], oat[2 * k + 1, k] = u.bounds
    y = _evaluate(scenario, model, resolved, inputs, oat)
    out: dict[str, list[tuple[str, float, float]]] = {}
    for j, issue in enumerate(scenario.issue_ids):
        rows = [(u.name, float(y[2 * k, j]), float(y[2 * k + 1, j])) for k, u in enumerate(inputs)]
        out[issue] = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    return out


def _point_draws(scenario: Scenario) -> Draws:
    return Draws(
        scenario.positions[None].copy(),
        scenario.salience[None].copy(),
        scenario.capability[None].copy(),
    )
