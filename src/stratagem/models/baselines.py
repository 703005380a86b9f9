r"""Baseline forecasts: compromise (weighted mean), weighted median, Condorcet median, status quo.

Equations
---------
For an issue with positions :math:`x_i`, capabilities :math:`c_i` and saliences
:math:`s_i` of the actors that take a position, and weights :math:`w_i` (by default
:math:`w_i = c_i s_i`):

* **Compromise model** (the "mean voter"; also called the Nash bargaining solution
  approximation in the exchange-model literature)

  .. math:: \hat x = \frac{\sum_i w_i x_i}{\sum_i w_i}

  Achen (2006), "Evaluating political decision-making models", in Thomson et al. (eds.),
  *The European Union Decides*, CUP; van den Bos (1991), *Dutch EC Policy Making*.

* **Weighted median**: the position :math:`m` minimising :math:`\sum_i w_i |x_i - m|`,
  i.e. where the cumulative weight of sorted positions first reaches half the total.
  When it reaches exactly half at a position, every point up to the next position is a
  median; ``tie_break`` chooses.

* **Condorcet median voter** (Scholz, Calbert & Smith 2011, Appendix step 3; Bueno de
  Mesquita 1994): the vote for position :math:`x_j` against :math:`x_k` is

  .. math:: v^{jk} = \sum_i c_i s_i \frac{|x_i - x_k| - |x_i - x_j|}{x_{max} - x_{min}},

  and the median voter position is the actor position with the largest aggregate vote
  :math:`\sum_k v^{jk}`. Because
  :math:`\sum_k v^{jk} = \text{const} - n \sum_i c_i s_i |x_i - x_j| / \Delta`, it is
  computed in :math:`O(n \log n)` from sorted positions and prefix sums. With
  single-peaked preferences this position beats or ties every other in pairwise votes.

* **Status quo**: the issue's ``status_quo`` from the scenario (the reference point of
  the EU literature), when the scenario gives one for every issue.

If every weight on an issue is zero (no actor cares), the weighted models fall back to
equal weights among the actors that take a position and say so in the forecast details
(``weights_fallback``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.models.registry import ModelResult, ModelSpec, Param, register
from stratagem.results import IssueForecast
from stratagem.scenario import Scenario

__all__ = [
    "condorcet_median",
    "issue_weights",
    "weighted_mean",
    "weighted_median",
]

FloatArray = npt.NDArray[np.float64]

WEIGHT_CHOICES = ("capability-salience", "capability", "salience", "equal")
TIE_CHOICES = ("midpoint", "lowest", "highest")

_WEIGHTS = Param(
    "weights",
    "capability-salience",
    "Actor weights: capability × salience (the published model), capability only, "
    "salience only, or equal.",
    choices=WEIGHT_CHOICES,
)
_TIE = Param(
    "tie_break",
    "midpoint",
    "When several positions are equally central: their midpoint (symmetric under "
    "reversing the scale, hence the default), the lowest or the highest.",
    choices=TIE_CHOICES,
)


def issue_weights(scenario: Scenario, weights: str) -> FloatArray:
    """``(n_actors, n_issues)`` weights per the named rule, zero where no position is taken.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    weights : {"capability-salience", "capability", "salience", "equal"}
        The weighting rule.
    """
    if weights == "capability-salience":
        w = scenario.capability * scenario.salience
    elif weights == "capability":
        w = scenario.capability.copy()
    elif weights == "salience":
        w = scenario.salience.copy()
    elif weights == "equal":
        w = np.ones_like(scenario.positions)
    else:
        raise ValueError(f"unknown weights {weights!r}")
    return np.where(scenario.has_position, w, 0.0)


def weighted_mean(x: FloatArray, w: FloatArray) -> float:
    """Weighted mean of ``x``; the plain mean when the weights sum to zero."""
    top = float(w.max()) if w.size else 0.0
    if top <= 0.0:
        return float(x.mean())
    wn = w / top  # rescaled so that tiny (subnormal) weights do not lose precision
    mean = float(np.dot(wn, x) / wn.sum())
    # a convex combination lies within the data; clip the last-ulp rounding
    return min(max(mean, float(x.min())), float(x.max()))


def _normalised(w: FloatArray) -> FloatArray:
    """Weights scaled to a maximum of 1 (equal weights if all are zero)."""
    top = float(w.max()) if w.size else 0.0
    return np.ones_like(w) if top <= 0.0 else w / top


def _tie(values: FloatArray, rule: str) -> float:
    if rule == "lowest":
        return float(values.min())
    if rule == "highest":
        return float(values.max())
    return float((values.min() + values.max()) / 2.0)


def weighted_median(x: FloatArray, w: FloatArray, tie_break: str = "midpoint") -> float:
    """Weighted median of ``x``: where the sorted cumulative weight reaches half the total.

    Parameters
    ----------
    x, w : ndarray, shape (n,)
        Positions and non-negative weights (equal weights if they sum to zero).
    tie_break : {"midpoint", "lowest", "highest"}
        Choice when the cumulative weight equals half exactly at a position, so that
        every point up to the next heavier position is a median.
    """
    w = _normalised(w)
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    # collapse equal positions so that a tie is between distinct positions
    uniq, start = np.unique(xs, return_index=True)
    wu = np.add.reduceat(ws, start)
    cum = np.cumsum(wu)
    half = cum[-1] / 2.0
    tol = 1e-12 * cum[-1]
    k = int(np.searchsorted(cum, half - tol))
    if abs(cum[k] - half) <= tol and k + 1 < len(uniq):
        return _tie(uniq[k : k + 2], tie_break)
    return float(uniq[k])


def condorcet_median(x: FloatArray, w: FloatArray, tie_break: str = "midpoint") -> float:
    """The actor position with the largest aggregate pairwise vote (MODELS.md §1.3).

    Parameters
    ----------
    x, w : ndarray, shape (n,)
        Positions and vote weights ``c_i s_i`` (equal weights if they sum to zero).
    tie_break : {"midpoint", "lowest", "highest"}
        Choice among positions whose aggregate votes are equal.
    """
    w = _normalised(w)
    cost = _weighted_distance_sums(x, w)
    best = cost.min()
    tied = np.unique(x[cost <= best + 1e-12 * max(1.0, abs(best))])
    return _tie(tied, tie_break)


def _weighted_distance_sums(x: FloatArray, w: FloatArray) -> FloatArray:
    """``C_j = sum_i w_i |x_i - x_j|`` for every j, in O(n log n)."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cw = np.concatenate(([0.0], np.cumsum(ws)))
    cwx = np.concatenate(([0.0], np.cumsum(ws * xs)))
    left = np.searchsorted(xs, x, side="left")
    right = np.searchsorted(xs, x, side="right")
    below = x * cw[left] - cwx[left]
    above = (cwx[-1] - cwx[right]) - x * (cw[-1] - cw[right])
    return np.asarray(below + above, dtype=np.float64)


def _per_issue(
    scenario: Scenario, weights: str, statistic: Any, **kwargs: Any
) -> dict[str, IssueForecast]:
    w_all = issue_weights(scenario, weights)
    out: dict[str, IssueForecast] = {}
    for j, issue in enumerate(scenario.issues):
        present = scenario.has_position[:, j]
        x = scenario.positions[present, j]
        w = w_all[present, j]
        details: dict[str, Any] = {}
        if float(w.sum()) <= 0.0:
            details["weights_fallback"] = "equal"
        out[issue.id] = IssueForecast(statistic(x, w, **kwargs), details)
    return out


def _draw_weights(
    scenario: Scenario, draws: Any, j: int, rule: str
) -> tuple[FloatArray, FloatArray]:
    """Positions and weights ``(n_draws, present actors)`` of issue ``j`` in the draws."""
    present = scenario.has_position[:, j]
    x = draws.positions[:, present, j]
    s = draws.salience[:, present, j]
    c = draws.capability[:, present, j]
    weights = {
        "capability-salience": c * s,
        "capability": c,
        "salience": s,
        "equal": np.ones_like(x),
    }[rule]
    return x, weights


def _statistic_batch(
    scenario: Scenario, draws: Any, params: Mapping[str, Any], *, statistic: Any
) -> FloatArray:
    """A batch entry point: the statistic per draw and issue, on the draws' arrays."""
    out = np.empty((draws.n, scenario.n_issues))
    for j in range(scenario.n_issues):
        x, w = _draw_weights(scenario, draws, j, params["weights"])
        for d in range(draws.n):
            out[d, j] = statistic(x[d], w[d], tie_break=params["tie_break"])
    return out


def _compromise_batch(scenario: Scenario, draws: Any, params: Mapping[str, Any]) -> FloatArray:
    out = np.empty((draws.n, scenario.n_issues))
    for j in range(scenario.n_issues):
        x, w = _draw_weights(scenario, draws, j, params["weights"])
        top = w.max(axis=1, keepdims=True)
        wn = np.where(top > 0, w / np.where(top > 0, top, 1.0), 1.0)
        mean = (wn * x).sum(axis=1) / wn.sum(axis=1)
        out[:, j] = np.clip(mean, x.min(axis=1), x.max(axis=1))
    return out


def _status_quo_batch(scenario: Scenario, draws: Any, params: Mapping[str, Any]) -> FloatArray:
    sq = np.array([float(i.status_quo or 0.0) for i in scenario.issues])
    return np.repeat(sq[None], draws.n, axis=0)


def _compromise(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
) -> ModelResult:
    return ModelResult(_per_issue(scenario, params["weights"], weighted_mean))


def _weighted_median(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
) -> ModelResult:
    return ModelResult(
        _per_issue(scenario, params["weights"], weighted_median, tie_break=params["tie_break"])
    )


def _condorcet(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
) -> ModelResult:
    return ModelResult(
        _per_issue(scenario, params["weights"], condorcet_median, tie_break=params["tie_break"])
    )


def _status_quo(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
) -> ModelResult:
    return ModelResult(
        {
            i.id: IssueForecast(float(i.status_quo))
            for i in scenario.issues
            if i.status_quo is not None
        }
    )


def _needs_status_quo(scenario: Scenario) -> str | None:
    missing = [i.id for i in scenario.issues if i.status_quo is None]
    if missing:
        return f"the scenario gives no status quo for issue(s) {', '.join(missing)}"
    return None


register(
    ModelSpec(
        name="compromise",
        summary="Capability × salience weighted mean of positions (the field's benchmark).",
        function=_compromise,
        params=(_WEIGHTS,),
        batch=_compromise_batch,
        citation="Achen 2006; van den Bos 1991",
    )
)
register(
    ModelSpec(
        name="weighted-median",
        summary="Position where half the capability × salience weight lies on each side.",
        function=_weighted_median,
        params=(_WEIGHTS, _TIE),
        batch=functools.partial(_statistic_batch, statistic=weighted_median),
        citation="Black 1948; Achen 2006",
    )
)
register(
    ModelSpec(
        name="condorcet",
        summary="Actor position that wins the pairwise capability × salience votes.",
        function=_condorcet,
        params=(
            Param(
                "weights",
                "capability-salience",
                "Vote weights: c·s as in Scholz et al. (2011), or capability, salience, equal.",
                choices=WEIGHT_CHOICES,
            ),
            _TIE,
        ),
        batch=functools.partial(_statistic_batch, statistic=condorcet_median),
        citation="Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, appendix step 3",
    )
)
register(
    ModelSpec(
        name="status-quo",
        summary="Nothing changes: the status quo given in the scenario.",
        function=_status_quo,
        needs_salience=False,
        uses_positions=False,
        requires=_needs_status_quo,
        batch=_status_quo_batch,
        citation="the reference point of Thomson et al. 2006",
    )
)
