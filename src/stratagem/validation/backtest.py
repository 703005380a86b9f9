r"""Backtests: every model's forecast against real decisions with known outcomes.

For each issue with a known outcome, every model forecasts from the actors' positions,
saliences and a capability scheme; the error is forecast − outcome. Per model we report the
number of issues, the mean absolute error (MAE), its bootstrap 95% interval, and the paired
difference in absolute error to the compromise model with its own interval.

Resampling is by proposal, never by issue: issues of one legislative proposal are
decided together and their errors are correlated (a cluster bootstrap, Field & Welsh 2007).
Anything fitted — the ensemble's weights — is scored out of sample by K-fold
cross-validation whose folds are whole proposals.

Capability schemes (``capability``)
-----------------------------------
``proxy``
    the file's second row (the DEU capability proxy);
``equal``
    every actor 1;
``council``
    Council voting weights of the treaty period in force when the proposal was
    introduced: Amsterdam weights before 1 May 2004 (EU-15), Nice weights from 1 May 2004
    (the May–October 2004 transitional weights are not modelled), and from 1 November 2014
    (Lisbon's double majority) each state's population share. The Commission and the
    Parliament get the largest member state's weight, as in the proxy row (where
    ``com = ep = de``).

Calibrated intervals
--------------------
Split-conformal intervals by cross-validation over proposals (the folds of the ensemble):
an issue's :math:`\alpha` interval is its forecast :math:`\pm q`, where :math:`q` is the
:math:`\lceil (n+1)\alpha \rceil`-th smallest absolute error of the :math:`n` issues in the
other folds (Vovk et al. 2005; Lei et al. 2018), so that errors of one proposal never
calibrate its own issues. Reported per model: the share of issues whose outcome falls in
the 50%, 80% and 90% intervals (the empirical coverage), their mean width, and the
continuous ranked probability score of the predictive distribution "forecast + an error of
the other folds" (:math:`\mathrm{CRPS} = E|X - y| - \tfrac12 E|X - X'|`, in issue points;
lower is better).
Where errors tie (a forecast at one end of the scale, the outcome at the other: an error
of exactly the scale's width), the conservative rule covers more than :math:`\alpha`; the
smoothed conformal predictor (Vovk et al. 2005, §2.4) breaks ties with one uniform draw
per issue (:func:`smoothed_conformal`) and covers exactly :math:`\alpha` in expectation.
Both are reported.

Ensemble
--------
A convex combination :math:`\hat x = \sum_m w_m \hat x_m`, :math:`w \ge 0`,
:math:`\sum w = 1`, of the models available on every issue, fitted by least absolute
deviations (a linear programme) on training folds only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.models.registry import ModelSpec, get, specs, split_label
from stratagem.models.stacked import BASE_MODELS
from stratagem.scenario import Change, Scenario
from stratagem.validation.deu import DecisionCase, DEUDataset
from stratagem.validation.stacking import StackingFit, fit_stacking

__all__ = [
    "CAPABILITY_SCHEMES",
    "COVERAGE_LEVELS",
    "DEFAULT_VARIANTS",
    "STACKED",
    "BacktestResult",
    "Calibration",
    "ModelScore",
    "backtest",
    "capability_for",
    "conformal_calibration",
    "parse_model",
    "proposal_folds",
]

FloatArray = npt.NDArray[np.float64]

CAPABILITY_SCHEMES = ("proxy", "equal", "council")

# Council of the EU, qualified-majority weights (Amsterdam, EU-15; Nice, EU-27/28)
AMSTERDAM = {
    "de": 10,
    "fr": 10,
    "it": 10,
    "uk": 10,
    "es": 8,
    "be": 5,
    "el": 5,
    "nl": 5,
    "pt": 5,
    "at": 4,
    "se": 4,
    "dk": 3,
    "ie": 3,
    "fi": 3,
    "lu": 2,
}
NICE = {
    "de": 29,
    "fr": 29,
    "it": 29,
    "uk": 29,
    "es": 27,
    "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12,
    "cz": 12,
    "el": 12,
    "hu": 12,
    "pt": 12,
    "at": 10,
    "bu": 10,
    "se": 10,
    "dk": 7,
    "ie": 7,
    "lt": 7,
    "sk": 7,
    "fi": 7,
    "cr": 7,
    "cy": 4,
    "ee": 4,
    "lv": 4,
    "lu": 4,
    "si": 4,
    "mt": 3,
}
# Eurostat, population on 1 January 2014, millions (rounded); Lisbon weights are shares
POPULATION_2014 = {
    "de": 80.8,
    "fr": 65.8,
    "uk": 64.3,
    "it": 60.8,
    "es": 46.5,
    "pl": 38.0,
    "ro": 19.9,
    "nl": 16.8,
    "be": 11.2,
    "el": 11.0,
    "cz": 10.5,
    "pt": 10.4,
    "hu": 9.9,
    "se": 9.6,
    "at": 8.5,
    "bu": 7.2,
    "dk": 5.6,
    "fi": 5.5,
    "sk": 5.4,
    "ie": 4.6,
    "cr": 4.2,
    "lt": 2.9,
    "si": 2.1,
    "lv": 2.0,
    "ee": 1.3,
    "cy": 0.86,
    "lu": 0.55,
    "mt": 0.43,
}
NICE_FROM = dt.date(2004, 5, 1)
LISBON_FROM = dt.date(2014, 11, 1)
INSTITUTIONS = ("com", "ep")

# Variants tried beyond the registry defaults (each justified in docs/backtest.md)
DEFAULT_VARIANTS = (
    "compromise:weights=salience",
    "compromise:weights=equal",
    "compromise:weights=capability",
    "weighted-median:weights=salience",
    "eum:preset=scholz-table",
    "eum:forecast=mean",
    "procedural:procedure=council",
    "exchange@proposal",
    "smp@proposal",
)


def capability_for(case: DecisionCase, dataset: DEUDataset, scheme: str) -> dict[str, float]:
    """Each actor's capability on this case under the named scheme."""
    actors = case.scenario.actor_ids
    if scheme == "proxy":
        return {a: dataset.proxy.get(a, 0.0) for a in actors}
    if scheme == "equal":
        return dict.fromkeys(actors, 1.0)
    if scheme != "council":
        raise ValueError(f"unknown capability scheme {scheme!r}")
    when = case.introduced or dt.date(2000, 1, 1)
    table: Mapping[str, float]
    if when < NICE_FROM:
        table = AMSTERDAM
    elif when < LISBON_FROM:
        table = NICE
    else:
        table = POPULATION_2014
    top = max(table.values())
    return {a: float(top if a in INSTITUTIONS else table.get(a, 0.0)) for a in actors}


def parse_model(text: str) -> tuple[str, ModelSpec, dict[str, str]]:
    """``"compromise:weights=salience"`` → (label, spec, params).

    ``exchange@proposal`` runs the model per proposal (:data:`PER_PROPOSAL`).
    """
    name, params = split_label(text)
    spec = get(name.removesuffix(PER_PROPOSAL))
    spec.resolve(params)  # check them now
    return text, spec, params


COVERAGE_LEVELS = (0.5, 0.8, 0.9)
"""The nominal coverages of the conformal intervals reported."""
TIEBREAK_STREAM = 2
"""Second key of the random stream of the smoothed conformal predictor's draws."""


@dataclass(frozen=True)
class Calibration:
    """How well a model's conformal intervals cover the outcomes, by cross-validation.

    Parameters
    ----------
    coverage : mapping of nominal level to empirical coverage
        Share of issues whose outcome lies in their (conservative) interval.
    width : mapping of nominal level to mean width
        Mean width of the intervals (issue points).
    crps : float
        Mean continuous ranked probability score (issue points; lower is better).
    smoothed_coverage, smoothed_width : mapping of nominal level to a share or a width
        The same for the smoothed conformal predictor (ties broken at random), empty when
        no tie-breaking draws were given.
    """

    coverage: Mapping[float, float]
    width: Mapping[float, float]
    crps: float
    smoothed_coverage: Mapping[float, float] = field(default_factory=dict)
    smoothed_width: Mapping[float, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (levels as percentages)."""
        doc: dict[str, Any] = {
            "coverage": {f"{100 * k:g}%": v for k, v in self.coverage.items()},
            "mean_width": {f"{100 * k:g}%": v for k, v in self.width.items()},
            "crps": self.crps,
        }
        if self.smoothed_coverage:
            doc["smoothed"] = {
                "coverage": {f"{100 * k:g}%": v for k, v in self.smoothed_coverage.items()},
                "mean_width": {f"{100 * k:g}%": v for k, v in self.smoothed_width.items()},
            }
        return doc


@dataclass(frozen=True)
class ModelScore:
    """One model's accuracy."""

    n: int
    mae: float
    mae_ci: tuple[float, float]
    diff_vs_compromise: float | None
    diff_ci: tuple[float, float] | None
    fitted: bool = False
    calibration: Calibration | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "n": self.n,
            "mae": self.mae,
            "mae_ci": list(self.mae_ci),
            "diff_vs_compromise": self.diff_vs_compromise,
            "diff_ci": list(self.diff_ci) if self.diff_ci is not None else None,
            "out_of_sample": self.fitted,
            **({"calibration": self.calibration.to_dict()} if self.calibration else {}),
        }


@dataclass(frozen=True)
class BacktestResult:
    """Scores per model, the per-issue forecasts, and how they were made."""

    scores: dict[str, ModelScore]
    forecasts: dict[str, FloatArray]  # per model, NaN where it could not run
    outcomes: FloatArray
    proposals: tuple[str, ...]
    issues: tuple[str, ...]
    capability: str
    seed: int
    bootstrap: int
    folds: int
    ensemble_members: tuple[str, ...] = ()
    ensemble_weights: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    missing_salience: str = "drop"
    fold_of_proposal: Mapping[str, int] = field(default_factory=dict)
    reference_blend: Mapping[str, Any] = field(default_factory=dict)
    stacking: StackingFit | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        from stratagem._version import __version__

        return {
            "models": {k: v.to_dict() for k, v in self.scores.items()},
            "capability": self.capability,
            "seed": self.seed,
            "bootstrap": self.bootstrap,
            "folds": self.folds,
            "fold_of_proposal": dict(self.fold_of_proposal),
            "issues": len(self.issues),
            "proposals": len(set(self.proposals)),
            "ensemble": {
                "members": list(self.ensemble_members),
                "weights_fitted_on_all_issues": self.ensemble_weights,
            },
            "skipped": self.skipped,
            **({"reference_blend": dict(self.reference_blend)} if self.reference_blend else {}),
            **({"stacking": self.stacking.to_dict()} if self.stacking else {}),
            "version": __version__,
        }

    def save_stacking_model(self, path: str | Path) -> None:
        """Write the stacking model fitted on every issue (``--save-model``), atomically.

        ``stratagem run --model stacked:PATH`` (or ``stratagem.run(scenario,
        "stacked:PATH")``) runs it on any scenario.

        Raises
        ------
        ValueError
            If this backtest did not fit the stacking model.
        """
        import json

        from stratagem.io import atomic_write_text

        if self.stacking is None:
            raise ValueError("this backtest did not fit the stacking model (stacking=False)")
        atomic_write_text(path, json.dumps(self.stacking.model.to_dict(), indent=2) + "\n")

    def score_rows(self) -> list[dict[str, Any]]:
        """One row per model, for tables and frames.

        ``model``, ``n``, ``mae`` with ``mae_low``/``mae_high`` (95% bootstrap),
        ``diff_vs_compromise`` with ``diff_low``/``diff_high`` (paired), ``out_of_sample``
        (fitted models are scored on folds they were not fitted on).
        """
        rows = []
        for model, score in self.scores.items():
            diff = score.diff_ci or (None, None)
            rows.append(
                {
                    "model": model,
                    "n": score.n,
                    "mae": score.mae,
                    "mae_low": score.mae_ci[0],
                    "mae_high": score.mae_ci[1],
                    "diff_vs_compromise": score.diff_vs_compromise,
                    "diff_low": diff[0],
                    "diff_high": diff[1],
                    "out_of_sample": score.fitted,
                }
            )
        return rows

    def to_frame(self) -> Any:
        """:meth:`score_rows` as a pandas DataFrame (needs the ``pandas`` extra)."""
        from stratagem.tables import pandas

        return pandas().DataFrame(self.score_rows())

    def _repr_html_(self) -> str:
        from stratagem.tables import html_table

        def interval(low: float | None, high: float | None) -> str:
            return "—" if low is None or high is None else f"{low:+.2f} to {high:+.2f}"

        rows = [
            [
                r["model"],
                r["n"],
                r["mae"],
                f"{r['mae_low']:.2f}–{r['mae_high']:.2f}",
                "—" if r["diff_vs_compromise"] is None else f"{r['diff_vs_compromise']:+.2f}",
                interval(r["diff_low"], r["diff_high"]),
            ]
            for r in self.score_rows()
        ]
        caption = (
            f"Backtest: mean absolute error on {len(self.issues)} issues of "
            f"{len(set(self.proposals))} proposals ({self.capability} capabilities, seed "
            f"{self.seed})"
        )
        header = ["model", "issues", "MAE", "95% interval", "vs compromise", "95% interval"]
        return html_table(caption, header, rows)

    def residuals_csv(self) -> str:
        """:meth:`residual_rows` as CSV text (a header, then one row per issue)."""
        import csv
        import io

        rows = self.residual_rows()
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()

    def residual_rows(self) -> list[dict[str, Any]]:
        """One row per issue: proposal, outcome, and each model's forecast and error."""
        rows = []
        for k, issue in enumerate(self.issues):
            row: dict[str, Any] = {
                "proposal": self.proposals[k],
                "issue": issue,
                "outcome": float(self.outcomes[k]),
            }
            for model, values in self.forecasts.items():
                v = float(values[k])
                row[f"{model} forecast"] = "" if np.isnan(v) else v
                row[f"{model} error"] = "" if np.isnan(v) else v - float(self.outcomes[k])
            rows.append(row)
        return rows


def _cluster_bootstrap(
    values: FloatArray,
    groups: npt.NDArray[np.int64],
    n_groups: int,
    draws: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """95% percentile interval of the mean of ``values``, resampling whole groups."""
    sums = np.bincount(groups, weights=values, minlength=n_groups)
    counts = np.bincount(groups, minlength=n_groups).astype(float)
    present = np.flatnonzero(counts > 0)
    picks = rng.choice(present, size=(draws, len(present)), replace=True)
    means = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def proposal_folds(
    groups: npt.NDArray[np.int64], n_groups: int, folds: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Fold of each issue: whole proposals are assigned to folds at random, never split."""
    fold_of_group = rng.permutation(n_groups) % max(2, folds)
    return np.asarray(fold_of_group[groups], dtype=np.int64)


def conformal_calibration(
    forecasts: FloatArray,
    outcomes: FloatArray,
    fold: npt.NDArray[np.int64],
    levels: Sequence[float] = COVERAGE_LEVELS,
    tiebreak: FloatArray | None = None,
) -> Calibration:
    """Cross-validated split-conformal coverage, width and CRPS (see the module's notes).

    Parameters
    ----------
    forecasts, outcomes : ndarray, shape (issues,)
        Out-of-sample forecasts (NaN where the model did not run) and the outcomes.
    fold : ndarray of int, shape (issues,)
        Each issue's fold (whole proposals per fold).
    levels : sequence of float
        Nominal coverages.
    tiebreak : ndarray, shape (issues,), optional
        One uniform draw in [0, 1) per issue for the smoothed conformal predictor; without
        it only the conservative intervals are scored.
    """
    ok = ~np.isnan(forecasts)
    errors = np.abs(forecasts - outcomes)
    covered: dict[float, list[bool]] = {level: [] for level in levels}
    widths: dict[float, list[float]] = {level: [] for level in levels}
    smooth_covered: dict[float, list[bool]] = {level: [] for level in levels}
    smooth_widths: dict[float, list[float]] = {level: [] for level in levels}
    scores: list[float] = []
    for k in np.unique(fold[ok]):
        test = ok & (fold == k)
        calibrate = ok & (fold != k)
        residuals = (forecasts - outcomes)[calibrate]
        n = residuals.size
        if n == 0:
            continue
        ordered = np.sort(np.abs(residuals))
        for level in levels:
            rank = min(n, int(np.ceil((n + 1) * level)))
            q = float(ordered[rank - 1])
            covered[level].extend((errors[test] <= q).tolist())
            widths[level].extend([2 * q] * int(test.sum()))
            if tiebreak is not None:
                inside, half = smoothed_conformal(ordered, errors[test], tiebreak[test], level)
                smooth_covered[level].extend(inside.tolist())
                smooth_widths[level].extend((2 * half).tolist())
        draws = np.sort(residuals)  # the predictive distribution: forecast + these errors
        spread = float(np.mean(np.abs(draws[:, None] - draws[None, :]))) / 2
        for x, y in zip(forecasts[test], outcomes[test], strict=True):
            scores.append(float(np.mean(np.abs(x + draws - y))) - spread)
    smoothed = tiebreak is not None and bool(scores)
    return Calibration(
        coverage={level: float(np.mean(covered[level])) for level in levels},
        width={level: float(np.mean(widths[level])) for level in levels},
        crps=float(np.mean(scores)),
        smoothed_coverage=(
            {level: float(np.mean(smooth_covered[level])) for level in levels} if smoothed else {}
        ),
        smoothed_width=(
            {level: float(np.mean(smooth_widths[level])) for level in levels} if smoothed else {}
        ),
    )


def smoothed_conformal(
    calibration_errors: FloatArray,
    errors: FloatArray,
    tiebreak: FloatArray,
    level: float,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    r"""The smoothed conformal predictor's verdicts and half-widths (Vovk et al. 2005, §2.4).

    With :math:`n` calibration errors :math:`R_i` and a uniform draw :math:`U`, an outcome
    whose error is :math:`e` lies in the prediction set at level :math:`\alpha` when

    .. math:: p(e) = \frac{\#\{R_i > e\} + U\,(\#\{R_i = e\} + 1)}{n + 1} > 1 - \alpha,

    which holds with probability exactly :math:`\alpha` for exchangeable errors, ties
    included — the conservative rule (:math:`e \le` the
    :math:`\lceil (n+1)\alpha \rceil`-th smallest :math:`R_i`) covers more than
    :math:`\alpha` when errors tie, as a forecast at one end of the scale does whenever
    the outcome lies at the other. The set is an interval around the forecast whose
    half-width is the :math:`\lceil (n+1)\alpha - 1 + U \rceil`-th smallest
    :math:`R_i` (infinite past the largest; an error equal to it may lie outside).

    Parameters
    ----------
    calibration_errors : ndarray, shape (n,)
        Absolute errors that calibrate, sorted ascending.
    errors : ndarray, shape (m,)
        Absolute errors of the issues scored.
    tiebreak : ndarray, shape (m,)
        One uniform draw per scored issue.
    level : float
        Nominal coverage :math:`\alpha`.

    Returns
    -------
    inside : ndarray of bool, shape (m,)
        Whether each outcome lies in its prediction set.
    half_width : ndarray, shape (m,)
        The half-width of each prediction set.
    """
    n = calibration_errors.size
    greater = n - np.searchsorted(calibration_errors, errors, side="right")
    ties = np.searchsorted(calibration_errors, errors, side="right") - np.searchsorted(
        calibration_errors, errors, side="left"
    )
    p_value = (greater + tiebreak * (ties + 1)) / (n + 1)
    inside = p_value > 1 - level
    index = np.ceil((n + 1) * level - 1 + tiebreak).astype(np.int64) - 1
    padded = np.concatenate(([0.0], calibration_errors, [np.inf]))
    half_width = padded[np.clip(index, -1, n) + 1]
    return inside, half_width


def _fit_convex_lad(f: FloatArray, y: FloatArray) -> FloatArray:
    """Weights w ≥ 0, Σw = 1 minimising Σ|F w − y| (a linear programme)."""
    from scipy.optimize import linprog

    n, m = f.shape
    # variables: w (m), e+ (n), e- (n)
    c = np.concatenate([np.zeros(m), np.ones(2 * n)])
    a_eq = np.zeros((n + 1, m + 2 * n))
    a_eq[:n, :m] = f
    a_eq[:n, m : m + n] = -np.eye(n)
    a_eq[:n, m + n :] = np.eye(n)
    a_eq[n, :m] = 1.0
    b_eq = np.concatenate([y, [1.0]])
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * (m + 2 * n), method="highs")
    if not res.success:  # pragma: no cover - the LP is always feasible
        return np.full(m, 1.0 / m)
    w = np.clip(res.x[:m], 0.0, None)
    return np.asarray(w / w.sum(), dtype=np.float64)


PER_PROPOSAL = "@proposal"
"""A model label ending so (``exchange@proposal``) runs once per proposal on all its issues
together, as the exchange model was first tested (Arregui, Stokman & Thomson 2006); other
labels run one issue at a time."""
STACKED = "stacked"
"""The backtest's label of the stacking model, scored out of sample (nested CV)."""
REFERENCE_BLEND = "compromise+reference"
"""The compromise with the reference point as an extra actor of fitted weight."""

REFERENCE_GRID = np.linspace(0.0, 1.0, 41)
"""The reference point's shares tried when fitting :data:`REFERENCE_BLEND`."""


def _reference_blend(
    compromise: FloatArray,
    reference: FloatArray,
    outcomes: FloatArray,
    fold: npt.NDArray[np.int64],
    folds: int,
) -> tuple[FloatArray, dict[str, Any]]:
    """The compromise with the reference point as one more actor, its weight fitted.

    The reference point joins the weighted mean with weight ``λ`` times the other actors'
    total weight ``W``: ``(Σ wᵢxᵢ + λW·rp) / (W + λW) = (1 − a)·compromise + a·rp`` with
    ``a = λ/(1 + λ)``. ``a`` is chosen on the training folds (least absolute error over
    :data:`REFERENCE_GRID`) and scored on the fold left out; issues without a reference
    point keep the compromise. Returns the out-of-sample forecasts and the fitted shares.
    """
    has = ~np.isnan(reference)
    ref = np.where(has, reference, 0.0)

    def forecast(a: float, rows: npt.NDArray[np.bool_]) -> FloatArray:
        return np.where(has[rows], (1 - a) * compromise[rows] + a * ref[rows], compromise[rows])

    def fit(rows: npt.NDArray[np.bool_]) -> float:
        errors = [np.mean(np.abs(forecast(a, rows) - outcomes[rows])) for a in REFERENCE_GRID]
        return float(REFERENCE_GRID[int(np.argmin(errors))])

    out = np.full(len(compromise), np.nan)
    per_fold = []
    for k in range(folds):
        test = fold == k
        if test.any():
            a = fit(fold != k)
            per_fold.append(a)
            out[test] = forecast(a, test)
    everything = np.ones(len(compromise), dtype=bool)
    return out, {"share_fitted_on_all_issues": fit(everything), "share_per_fold": per_fold}


def backtest(
    dataset: DEUDataset,
    models: Sequence[str] | None = None,
    capability: str = "proxy",
    seed: int = 0,
    bootstrap: int = 2000,
    folds: int = 10,
    ensemble: bool = True,
    reference_blend: bool = True,
    stacking: bool | None = None,
) -> BacktestResult:
    """Run every model on every issue with a known outcome and score it.

    Parameters
    ----------
    dataset : DEUDataset
        The decisions (see :func:`stratagem.validation.deu.read_deu`).
    models : sequence of str, optional
        Model names, optionally with parameters (``"compromise:weights=salience"``).
        Default: every registered model plus :data:`DEFAULT_VARIANTS`.
    capability : {"proxy", "equal", "council"}
        The capability scheme.
    seed : int
        Seed for the bootstrap and the assignment of proposals to folds.
    bootstrap : int
        Number of bootstrap resamples.
    folds : int
        Cross-validation folds (whole proposals) for the ensemble.
    ensemble : bool
        Whether to fit and score the ensemble.
    reference_blend : bool
        Whether to fit and score :data:`REFERENCE_BLEND`, the compromise with the reference
        point as one more actor whose weight is fitted (:func:`_reference_blend`).
    stacking : bool, optional
        Whether to fit the stacking model (:mod:`stratagem.validation.stacking`) by nested
        cross-validation and score it out of sample as ``stacked``; the base models it
        reads are run when the list of models leaves them out (and are not scored).
        Default: when every base model is among the models scored.

    Raises
    ------
    InvalidInputError
        If the dataset has no issue with a known outcome, or a capability scheme is unknown.
    """
    if capability not in CAPABILITY_SCHEMES:
        raise InvalidInputError(
            [Problem("capability", f"{capability!r} is not one of {', '.join(CAPABILITY_SCHEMES)}")]
        )
    cases = dataset.with_outcome
    if not cases:
        raise InvalidInputError(
            [Problem("dataset", "no issue has a known outcome", None, dataset.source)]
        )
    names = list(models) if models else [s.name for s in specs()] + list(DEFAULT_VARIANTS)
    if "compromise" not in names:
        names.insert(0, "compromise")
    parsed = [parse_model(n) for n in dict.fromkeys(names)]
    scenarios = []
    for case in cases:
        caps = capability_for(case, dataset, capability)
        sc = case.scenario
        scenarios.append(sc.apply(Change(a, "capability", caps[a]) for a in sc.actor_ids))
    outcomes = np.array([c.outcome for c in cases], dtype=float)
    forecasts: dict[str, FloatArray] = {}
    skipped: dict[str, str] = {}
    for label, spec, params in parsed:
        if split_label(label)[0].endswith(PER_PROPOSAL):
            values = _run_per_proposal(spec, params, cases, scenarios, seed)
        else:
            values = _run_all(spec, params, scenarios, seed)
        if np.isnan(values).all():
            skipped[label] = "it could not run on any issue"
            continue
        forecasts[label] = values
    proposals = tuple(c.proposal for c in cases)
    index = {p: k for k, p in enumerate(dict.fromkeys(proposals))}
    groups = np.array([index[p] for p in proposals], dtype=np.int64)
    rng = np.random.default_rng(seed)

    members: tuple[str, ...] = ()
    weights_all: dict[str, float] = {}
    fold = proposal_folds(groups, len(index), folds, rng)
    # Its own stream, so that the bootstrap's draws stay those of earlier releases.
    tiebreak = np.random.default_rng((seed, TIEBREAK_STREAM)).random(len(cases))
    if ensemble:
        members = tuple(k for k, v in forecasts.items() if not np.isnan(v).any())
        if len(members) >= 2:
            f = np.column_stack([forecasts[m] for m in members])
            oos = np.full(len(cases), np.nan)
            for k in range(max(2, folds)):
                train, test = fold != k, fold == k
                if test.any():
                    w = _fit_convex_lad(f[train], outcomes[train])
                    oos[test] = f[test] @ w
            forecasts["ensemble"] = oos
            w_all = _fit_convex_lad(f, outcomes)
            weights_all = {m: float(w) for m, w in zip(members, w_all, strict=True)}

    blend: dict[str, Any] = {}
    if reference_blend and "compromise" in forecasts:
        reference = np.array(
            [np.nan if c.reference_point is None else c.reference_point for c in cases]
        )
        forecasts[REFERENCE_BLEND], blend = _reference_blend(
            forecasts["compromise"], reference, outcomes, fold, max(2, folds)
        )

    stacked: StackingFit | None = None
    if stacking is None:
        stacking = all(label in forecasts for label in BASE_MODELS)
    if stacking:
        base = {
            label: forecasts[label]
            if label in forecasts
            else _run_all(*parse_model(label)[1:], scenarios, seed)
            for label in BASE_MODELS
        }
        stacked = fit_stacking(
            scenarios,
            base,
            outcomes,
            groups,
            fold,
            seed,
            {
                "dataset": Path(dataset.source).name,
                "issues": len(cases),
                "proposals": len(index),
                "capability": capability,
                "missing_salience": dataset.missing_salience,
                "seed": seed,
                "folds": max(2, folds),
            },
        )
        forecasts[STACKED] = stacked.out_of_sample

    base_abs = np.abs(forecasts["compromise"] - outcomes)
    scores: dict[str, ModelScore] = {}
    for label, values in forecasts.items():
        ok = ~np.isnan(values)
        err = np.abs(values - outcomes)
        mae_ci = _cluster_bootstrap(err[ok], groups[ok], len(index), bootstrap, rng)
        if label == "compromise":
            diff, diff_ci = 0.0, (0.0, 0.0)
        else:
            both = ok & ~np.isnan(base_abs)
            d = err[both] - base_abs[both]
            diff = float(d.mean())
            diff_ci = _cluster_bootstrap(d, groups[both], len(index), bootstrap, rng)
        scores[label] = ModelScore(
            int(ok.sum()),
            float(err[ok].mean()),
            mae_ci,
            diff,
            diff_ci,
            fitted=label in ("ensemble", REFERENCE_BLEND, STACKED),
            calibration=conformal_calibration(values, outcomes, fold, tiebreak=tiebreak),
        )
    return BacktestResult(
        scores=scores,
        forecasts=forecasts,
        outcomes=outcomes,
        proposals=proposals,
        issues=tuple(c.scenario.issue_ids[0] for c in cases),
        capability=capability,
        seed=seed,
        bootstrap=bootstrap,
        folds=folds,
        ensemble_members=members,
        ensemble_weights=weights_all,
        skipped=skipped,
        missing_salience=dataset.missing_salience,
        fold_of_proposal={p: int(fold[k]) for k, p in enumerate(proposals)},
        reference_blend=blend,
        stacking=stacked,
    )


def _run_per_proposal(
    spec: ModelSpec,
    params: Mapping[str, Any],
    cases: Sequence[DecisionCase],
    scenarios: Sequence[Scenario],
    seed: int,
) -> FloatArray:
    """The model run once per proposal, on all its issues together (NaN where it cannot)."""
    values = np.full(len(scenarios), np.nan)
    by_proposal: dict[str, list[int]] = {}
    for k, case in enumerate(cases):
        by_proposal.setdefault(case.proposal, []).append(k)
    for proposal, rows in by_proposal.items():
        merged = _proposal_scenario(proposal, [scenarios[k] for k in rows])
        if spec.unavailable(merged) is not None:
            continue
        forecast = spec.run(merged, params, seed=seed)
        for k in rows:
            values[k] = forecast.issues[scenarios[k].issue_ids[0]].forecast
    return values


def _proposal_scenario(proposal: str, parts: Sequence[Scenario]) -> Scenario:
    """One scenario of a proposal's issues: every actor with a position on any of them."""
    actors = {a.id: a for sc in parts for a in sc.actors}
    return Scenario(
        name=proposal,
        title=parts[0].title,
        actors=tuple(actors.values()),
        issues=tuple(sc.issues[0] for sc in parts),
        values={key: v for sc in parts for key, v in sc.values.items()},
        model_params=parts[0].model_params,  # a proposal's issues share its procedure
    )


def _run_all(
    spec: ModelSpec, params: Mapping[str, Any], scenarios: Sequence[Scenario], seed: int
) -> FloatArray:
    """The model's forecast on every one-issue scenario (NaN where it cannot run)."""
    values = np.full(len(scenarios), np.nan)
    for k, sc in enumerate(scenarios):
        if spec.unavailable(sc) is None:
            values[k] = spec.run(sc, params, seed=seed).issues[sc.issue_ids[0]].forecast
    return values
