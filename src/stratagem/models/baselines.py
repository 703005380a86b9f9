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
    "condorcet_median_rows",
    "issue_weights",
    "needs_status_quo",
    "weighted_mean",
    "weighted_median",
    "weighted_median_rows",
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
    return float(weighted_median_rows(x[None, :], w[None, :], tie_break)[0])


def condorcet_median(x: FloatArray, w: FloatArray, tie_break: str = "midpoint") -> float:
    """The actor position with the largest aggregate pairwise vote (MODELS.md §1.3).

    Parameters
    ----------
    x, w : ndarray, shape (n,)
        Positions and vote weights ``c_i s_i`` (equal weights if they sum to zero).
    tie_break : {"midpoint", "lowest", "highest"}
        Choice among positions whose aggregate votes are equal.
    """
    return float(condorcet_median_rows(x[None, :], w[None, :], tie_break)[0])


def _rows_normalised(w: FloatArray) -> FloatArray:
    """Each row's weights scaled to a maximum of 1 (equal weights where all are zero)."""
    top = w.max(axis=1, keepdims=True)
    return np.where(top > 0.0, w / np.where(top > 0.0, top, 1.0), 1.0)


def _sorted_runs(
    x: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Each row sorted (stably), with the first and last index of each element's run.

    A run is a stretch of equal positions; returns ``(xs, ws, run_start, run_end)``.
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    n = x.shape[1]
    index = np.arange(n)
    starts = np.ones(xs.shape, dtype=bool)
    starts[:, 1:] = xs[:, 1:] != xs[:, :-1]
    ends = np.ones(xs.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    run_start = np.maximum.accumulate(np.where(starts, index, 0), axis=1)
    run_end = np.minimum.accumulate(np.where(ends, index, n - 1)[:, ::-1], axis=1)[:, ::-1]
    return xs, ws, run_start, run_end


def _tie_rows(low: FloatArray, high: FloatArray, rule: str) -> FloatArray:
    if rule == "lowest":
        return low
    if rule == "highest":
        return high
    return (low + high) / 2.0


def weighted_median_rows(x: FloatArray, w: FloatArray, tie_break: str = "midpoint") -> FloatArray:
    """:func:`weighted_median` of every row of ``x`` and ``w`` (shape ``(rows, n)``) at once.

    Equal positions count as one (their weights summed), so a tie is between distinct
    positions.
    """
    rows = np.arange(x.shape[0])
    xs, ws, _, run_end = _sorted_runs(x, _rows_normalised(w))
    cum = np.cumsum(ws, axis=1)
    total = cum[:, -1]
    half, tol = total / 2.0, 1e-12 * total
    cum_run = np.take_along_axis(cum, run_end, axis=1)  # weight up to the end of each run
    k = np.argmax(cum_run >= (half - tol)[:, None], axis=1)
    value, end = xs[rows, k], run_end[rows, k]
    following = xs[rows, np.minimum(end + 1, x.shape[1] - 1)]
    tie = (np.abs(cum_run[rows, k] - half) <= tol) & (end + 1 < x.shape[1])
    return np.where(tie, _tie_rows(value, following, tie_break), value)


def condorcet_median_rows(x: FloatArray, w: FloatArray, tie_break: str = "midpoint") -> FloatArray:
    """:func:`condorcet_median` of every row of ``x`` and ``w`` (shape ``(rows, n)``) at once.

    ``C_j = sum_i w_i |x_i - x_j|`` for every j from prefix sums of the sorted positions
    (O(n log n) per row); the median is the position of least ``C``.
    """
    xs, ws, run_start, run_end = _sorted_runs(x, _rows_normalised(w))
    zero = np.zeros((x.shape[0], 1))
    cw = np.concatenate((zero, np.cumsum(ws, axis=1)), axis=1)
    cwx = np.concatenate((zero, np.cumsum(ws * xs, axis=1)), axis=1)
    left, right = run_start, run_end + 1  # elements below, and up to the end of the run
    below = xs * np.take_along_axis(cw, left, axis=1) - np.take_along_axis(cwx, left, axis=1)
    above = (cwx[:, -1:] - np.take_along_axis(cwx, right, axis=1)) - xs * (
        cw[:, -1:] - np.take_along_axis(cw, right, axis=1)
    )
    cost = below + above
    best = cost.min(axis=1, keepdims=True)
    tied = cost <= best + 1e-12 * np.maximum(1.0, np.abs(best))
    low = np.where(tied, xs, np.inf).min(axis=1)
    high = np.where(tied, xs, -np.inf).max(axis=1)
    return np.asarray(_tie_rows(low, high, tie_break), dtype=np.float64)


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
    """A batch entry point: the statistic of every draw at once, issue by issue."""
    out = np.empty((draws.n, scenario.n_issues))
    for j in range(scenario.n_issues):
        x, w = _draw_weights(scenario, draws, j, params["weights"])
        out[:, j] = statistic(x, w, tie_break=params["tie_break"])
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


def needs_status_quo(scenario: Scenario) -> str | None:
    """Why a model that starts from the status quo cannot run: an issue without one."""
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
        batch=functools.partial(_statistic_batch, statistic=weighted_median_rows),
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
        batch=functools.partial(_statistic_batch, statistic=condorcet_median_rows),
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
        requires=needs_status_quo,
        batch=_status_quo_batch,
        citation="the reference point of Thomson et al. 2006",
    )
)
