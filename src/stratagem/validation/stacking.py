r"""Fitting the stacking model (:mod:`stratagem.models.stacked`) on a backtest, honestly.

The model is :math:`\hat x = \hat x_c + \sum_k \beta_k (z_k - \hat x_c)` (clipped to the
scale); the coefficients minimise the absolute errors plus an :math:`\ell_1` penalty,

.. math:: \min_\beta \sum_i \Big|y_i - \hat x_{c,i} - \sum_k \beta_k d_{ik}\Big|
          + \lambda \sum_k |\beta_k|,

a linear programme (:math:`d_{ik} = z_{ik} - \hat x_{c,i}`, 0 where unavailable). The
penalty :math:`\lambda` is chosen by nested cross-validation: in each outer fold (whole
proposals, the backtest's folds), an inner cross-validation over the training proposals
picks :math:`\lambda` from :data:`PENALTIES`, the model is fitted on all training issues with
it and scored on the held-out fold. The out-of-sample forecasts are what the backtest
reports; the saved model is fitted on every issue, with :math:`\lambda` chosen by the same
cross-validation over all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.models.stacked import FEATURES, StackedModel, feature_matrix
from stratagem.scenario import Scenario

__all__ = ["PENALTIES", "StackingFit", "fit_lad_lasso", "fit_stacking"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PENALTIES = (0.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 1e9)
"""The penalties tried (in issue points of absolute error per unit of coefficient); the
last one sets every coefficient to 0, i.e. the compromise model itself."""
INNER_FOLDS = 5


def fit_lad_lasso(d: FloatArray, r: FloatArray, penalty: float) -> FloatArray:
    """Coefficients minimising ``Σ|r − d β| + penalty Σ|β|`` (a linear programme).

    Examples
    --------
    >>> import numpy as np
    >>> d = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> [round(b, 6) for b in fit_lad_lasso(d, 0.5 * d[:, 0], 0.0)]
    [0.5]
    >>> fit_lad_lasso(d, 0.5 * d[:, 0], 1e9).tolist()
    [0.0]
    """
    from scipy.optimize import linprog

    n, m = d.shape
    if m == 0 or n == 0:
        return np.zeros(m)
    # variables: beta+ (m), beta- (m), e+ (n), e- (n)
    c = np.concatenate([np.full(2 * m, penalty), np.ones(2 * n)])
    a_eq = np.hstack([d, -d, np.eye(n), -np.eye(n)])
    res = linprog(c, A_eq=a_eq, b_eq=r, bounds=(0, None), method="highs")
    if not res.success:  # pragma: no cover - feasible (beta = 0) and bounded (costs >= 0)
        return np.zeros(m)
    return np.asarray(res.x[:m] - res.x[m : 2 * m], dtype=np.float64)


def _predict(
    compromise: FloatArray, d: FloatArray, beta: FloatArray, lo: FloatArray, hi: FloatArray
) -> FloatArray:
    return np.clip(compromise + d @ beta, lo, hi)


@dataclass(frozen=True)
class StackingFit:
    """What :func:`fit_stacking` found.

    Parameters
    ----------
    out_of_sample : ndarray
        Each issue's forecast by the model fitted without its fold.
    penalty_by_fold : tuple of float
        The penalty the inner cross-validation chose in each outer fold.
    model : StackedModel
        The model fitted on every issue (what ``--save-model`` writes).
    """

    out_of_sample: FloatArray
    penalty_by_fold: tuple[float, ...]
    model: StackedModel

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the penalties per fold and the saved model."""
        return {
            "penalty_by_fold": list(self.penalty_by_fold),
            "model": self.model.to_dict(),
        }


def _choose_penalty(
    d: FloatArray,
    r: FloatArray,
    compromise: FloatArray,
    y: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    groups: IntArray,
    rng: np.random.Generator,
) -> float:
    """The penalty with the smallest cross-validated absolute error (folds of proposals)."""
    unique = np.unique(groups)
    index = {g: k for k, g in enumerate(unique)}
    fold_of_group = rng.permutation(len(unique)) % INNER_FOLDS
    fold = np.array([fold_of_group[index[g]] for g in groups])
    errors = np.zeros(len(PENALTIES))
    for k in range(INNER_FOLDS):
        train, test = fold != k, fold == k
        if not test.any() or not train.any():
            continue
        for p, penalty in enumerate(PENALTIES):
            beta = fit_lad_lasso(d[train], r[train], penalty)
            forecast = _predict(compromise[test], d[test], beta, lo[test], hi[test])
            errors[p] += np.abs(forecast - y[test]).sum()
    # ties go to the larger penalty (the simpler model)
    best = errors.min()
    return float(max(pen for pen, e in zip(PENALTIES, errors, strict=True) if e <= best + 1e-9))


def fit_stacking(
    scenarios: Sequence[Scenario],
    forecasts: Mapping[str, FloatArray],
    outcomes: FloatArray,
    groups: IntArray,
    fold: IntArray,
    seed: int,
    trained_on: Mapping[str, Any],
) -> StackingFit:
    """Nested cross-validation of the stacking model over one-issue scenarios.

    Parameters
    ----------
    scenarios : sequence of Scenario
        One one-issue scenario per case (their status quos and procedures).
    forecasts : mapping of base-model label to per-case forecasts
        NaN where a model did not run; ``compromise`` is required.
    outcomes : ndarray
        The outcomes.
    groups : ndarray of int
        Each case's proposal (never split between folds).
    fold : ndarray of int
        Each case's outer fold.
    seed : int
        Seed of the inner folds.
    trained_on : mapping
        What the saved model records about its training data.
    """
    rows = []
    available_rows = []
    for k, sc in enumerate(scenarios):
        per_case = {
            label: np.array([values[k]])
            for label, values in forecasts.items()
            if not np.isnan(values[k])
        }
        d, available = feature_matrix(sc, per_case)
        rows.append(d[0])
        available_rows.append(available[0])
    d = np.array(rows).reshape(len(scenarios), len(FEATURES))
    available = np.array(available_rows).reshape(d.shape)
    compromise = np.asarray(forecasts["compromise"], dtype=float)
    lo = np.array([sc.issues[0].min for sc in scenarios])
    hi = np.array([sc.issues[0].max for sc in scenarios])
    r = outcomes - compromise
    rng = np.random.default_rng(seed)
    out = np.full(len(scenarios), np.nan)
    chosen = []
    for k in np.unique(fold):
        train, test = fold != k, fold == k
        penalty = _choose_penalty(
            d[train],
            r[train],
            compromise[train],
            outcomes[train],
            lo[train],
            hi[train],
            groups[train],
            rng,
        )
        chosen.append(penalty)
        beta = fit_lad_lasso(d[train], r[train], penalty)
        out[test] = _predict(compromise[test], d[test], beta, lo[test], hi[test])
    penalty = _choose_penalty(d, r, compromise, outcomes, lo, hi, groups, rng)
    beta = fit_lad_lasso(d, r, penalty)
    model = StackedModel(
        coefficients={f.name: float(round(b, 6)) for f, b in zip(FEATURES, beta, strict=True)},
        penalty=penalty,
        always_available=tuple(
            f.name for k, f in enumerate(FEATURES) if bool(available[:, k].all())
        ),
        trained_on=dict(trained_on),
    )
    return StackingFit(out, tuple(chosen), model)
