r"""A stacked forecaster: the compromise model corrected by other models and issue features.

A stacking model is fitted on a backtest (:mod:`stratagem.validation.stacking`), saved as a
JSON file, and run on any scenario as ``--model stacked:FILE``. It forecasts each issue as
the compromise (capability × salience weighted mean, :math:`\hat x_c`) moved by a linear
combination of *corrections*, each the distance in issue points from the compromise to
another forecast or to a point the rules of the game make salient:

.. math:: \hat x = \Pi_{[\min, \max]}\Big(\hat x_c + \sum_k \beta_k (z_k - \hat x_c)\Big)

where :math:`z_k` is one of :data:`FEATURES` (another model's forecast, the status quo,
the status quo on an issue decided by unanimity or by co-decision, the agenda setter's or
the parliament's position, the end of the scale nearest the compromise). The issue's own
features — the spread of positions, the share of actors taking one, the procedure and the
voting rule — enter as factors in [0, 1] of a correction, :math:`g (z_k - \hat x_c)`, so
that how far the forecast moves can depend on them while staying in issue points. A
feature that cannot be computed on an issue (no status quo, no agenda setter) contributes
0, as it did in training.
Everything is in points and relative to the compromise, so the model is unchanged by
reversing a scale and has no intercept; a coefficient says how far toward that point the
forecast moves (0.2: a fifth of the way).

The coefficients are fitted by least absolute deviations with an :math:`\ell_1` penalty
(the lasso for the median; Wang, Li & Jiang 2007, *J. Business & Economic Statistics*
25(3)), stacking in the sense of Wolpert (1992, *Neural Networks* 5(2)) and Breiman (1996,
*Machine Learning* 24(1)).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.models.registry import (
    STACKED_PREFIX,
    ModelResult,
    ModelSpec,
    Param,
    get,
    split_label,
)
from stratagem.results import IssueForecast
from stratagem.scenario import Scenario

__all__ = [
    "BASE_MODELS",
    "FEATURES",
    "FORMAT",
    "Feature",
    "StackedModel",
    "feature_matrix",
    "load_stacked",
    "stacked_spec",
]

FloatArray = npt.NDArray[np.float64]
FORMAT = "stratagem-stacked-model"
"""The ``format`` field of a saved stacking model."""

BASE_MODELS = (
    "compromise",
    "compromise:weights=equal",
    "compromise:weights=salience",
    "weighted-median",
    "eum:preset=scholz-table",
    "smp",
    "procedural",
)
"""The models whose forecasts the stacking model reads (backtest labels)."""


@dataclass(frozen=True)
class Feature:
    """One correction: the point it moves the forecast toward, per issue (NaN: none)."""

    name: str
    description: str
    point: Callable[[Scenario, Mapping[str, FloatArray]], FloatArray]


def _model(label: str) -> Callable[[Scenario, Mapping[str, FloatArray]], FloatArray]:
    return lambda scenario, forecasts: forecasts.get(label, np.full(scenario.n_issues, np.nan))


def _status_quo(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
    return np.array([np.nan if i.status_quo is None else i.status_quo for i in scenario.issues])


def _rules(scenario: Scenario) -> Mapping[str, Any]:
    rules = scenario.model_params.get("procedural", {})
    return rules if isinstance(rules, Mapping) else {}


def _unanimity_status_quo(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
    if _rules(scenario).get("voting_rule") != "unanimity":
        return np.full(scenario.n_issues, np.nan)
    return _status_quo(scenario, forecasts)


def _position_of(key: str, procedure: str | None = None) -> Any:
    def point(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
        rules = _rules(scenario)
        actor = rules.get(key)
        out = np.full(scenario.n_issues, np.nan)
        if not actor or actor not in scenario.actor_ids:
            return out
        if procedure is not None and rules.get("procedure") != procedure:
            return out
        k = scenario.actor_index(str(actor))
        has = scenario.has_position[k]
        out[has] = scenario.positions[k, has]
        return out

    return point


def _nearest_end(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
    compromise = forecasts["compromise"]
    lo = np.array([i.min for i in scenario.issues])
    hi = np.array([i.max for i in scenario.issues])
    return np.where(compromise - lo <= hi - compromise, lo, hi)


def _spread(scenario: Scenario) -> FloatArray:
    """Per issue: the standard deviation of the positions taken, as a share of the scale."""
    has, x = scenario.has_position, scenario.positions
    count = np.maximum(has.sum(axis=0), 1)
    mean = np.where(has, x, 0.0).sum(axis=0) / count
    sd = np.sqrt(np.where(has, (x - mean) ** 2, 0.0).sum(axis=0) / count)
    span = np.array([i.max - i.min for i in scenario.issues])
    return np.asarray(sd / np.where(span > 0, span, 1.0), dtype=np.float64)


def _share_taking_positions(scenario: Scenario) -> FloatArray:
    """Per issue: the share of the scenario's actors that take a position on it."""
    return np.asarray(scenario.has_position.mean(axis=0), dtype=np.float64)


def _scaled(
    point: Callable[[Scenario, Mapping[str, FloatArray]], FloatArray],
    factor: Callable[[Scenario], FloatArray],
) -> Callable[[Scenario, Mapping[str, FloatArray]], FloatArray]:
    """The point's correction scaled by an issue feature in [0, 1]: ``c + g (z - c)``."""

    def scaled(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
        compromise = np.asarray(forecasts["compromise"], dtype=float)
        moved = compromise + factor(scenario) * (point(scenario, forecasts) - compromise)
        return np.asarray(moved, dtype=np.float64)

    return scaled


def _codecision_status_quo(scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
    if _rules(scenario).get("procedure") != "codecision":
        return np.full(scenario.n_issues, np.nan)
    return _status_quo(scenario, forecasts)


FEATURES: tuple[Feature, ...] = (
    Feature("plain mean", "the unweighted mean of positions", _model("compromise:weights=equal")),
    Feature(
        "salience-weighted mean",
        "the mean weighted by salience alone",
        _model("compromise:weights=salience"),
    ),
    Feature("weighted median", "the capability × salience median", _model("weighted-median")),
    Feature(
        "EUM", "the expected utility model (scholz-table preset)", _model("eum:preset=scholz-table")
    ),
    Feature("SMP", "KTAB's spatial model of politics", _model("smp")),
    Feature("procedural", "the procedural model (rules of the game)", _model("procedural")),
    Feature("status quo", "the issue's status quo (reference point)", _status_quo),
    Feature(
        "status quo under unanimity",
        "the status quo, on issues the Council decides by unanimity",
        _unanimity_status_quo,
    ),
    Feature(
        "agenda setter",
        "the agenda setter's position (the Commission)",
        _position_of("agenda_setter"),
    ),
    Feature(
        "parliament under co-decision",
        "the parliament's position, on issues decided by co-decision",
        _position_of("parliament", "codecision"),
    ),
    Feature("nearest end", "the end of the scale nearest the compromise", _nearest_end),
    # the issue's features, each scaling a correction (a coefficient that varies with them)
    Feature(
        "plain mean × spread",
        "the plain mean, scaled by the spread of positions (their s.d. / the scale)",
        _scaled(_model("compromise:weights=equal"), _spread),
    ),
    Feature(
        "plain mean × actors",
        "the plain mean, scaled by the share of the actors taking a position",
        _scaled(_model("compromise:weights=equal"), _share_taking_positions),
    ),
    Feature(
        "nearest end × spread",
        "the nearest end of the scale, scaled by the spread of positions",
        _scaled(_nearest_end, _spread),
    ),
    Feature(
        "status quo under co-decision",
        "the status quo, on issues decided by co-decision",
        _codecision_status_quo,
    ),
)
"""The corrections, in the order of a saved model's coefficients."""


def feature_matrix(
    scenario: Scenario, forecasts: Mapping[str, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """``(points, available)``: each feature's point minus the compromise, per issue.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its status quos and ``model_params.procedural``).
    forecasts : mapping of base-model label to per-issue forecasts
        ``compromise`` is required; a missing model's feature is unavailable.

    Returns
    -------
    points : array ``(n_issues, n_features)``
        ``z_k - compromise``, 0 where unavailable.
    available : bool array of the same shape
    """
    compromise = np.asarray(forecasts["compromise"], dtype=float)
    columns = [np.asarray(f.point(scenario, forecasts), dtype=float) for f in FEATURES]
    z = np.column_stack(columns) if columns else np.zeros((scenario.n_issues, 0))
    available = ~np.isnan(z)
    return np.where(available, z - compromise[:, None], 0.0), available


@dataclass(frozen=True)
class StackedModel:
    """A fitted stacking model: coefficients per feature and what it was fitted on."""

    coefficients: Mapping[str, float]
    penalty: float
    always_available: tuple[str, ...]
    trained_on: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The saved form (``format``, ``version``, base models, features, coefficients)."""
        return {
            "format": FORMAT,
            "version": 1,
            "base_models": list(BASE_MODELS),
            "features": {f.name: f.description for f in FEATURES},
            "coefficients": dict(self.coefficients),
            "penalty": self.penalty,
            "always_available_in_training": list(self.always_available),
            "trained_on": dict(self.trained_on),
        }

    def predict(self, scenario: Scenario, forecasts: Mapping[str, FloatArray]) -> FloatArray:
        """The stacked forecast per issue, given the base models' forecasts."""
        points, _ = feature_matrix(scenario, forecasts)
        beta = np.array([self.coefficients.get(f.name, 0.0) for f in FEATURES])
        raw = np.asarray(forecasts["compromise"], dtype=float) + points @ beta
        lo = np.array([i.min for i in scenario.issues])
        hi = np.array([i.max for i in scenario.issues])
        return np.asarray(np.clip(raw, lo, hi), dtype=np.float64)


_LARGEST_FILE = 1_000_000  # bytes: a saved model is about 2 KB


def load_stacked(path: str | Path) -> tuple[StackedModel, str]:
    """Read a saved stacking model; returns it and the file's SHA-256.

    Raises
    ------
    InvalidInputError
        If the file cannot be read or is not a stacking model of this version.
    """
    source = str(path)

    def problem(field: str, reason: str) -> InvalidInputError:
        return InvalidInputError([Problem(field, reason, None, source)])

    try:
        with Path(path).open("rb") as stream:
            data = stream.read(_LARGEST_FILE + 1)  # never more, whatever the file is
    except OSError as exc:
        raise problem("file", f"cannot be read: {exc.strerror}") from None
    if len(data) > _LARGEST_FILE:
        raise problem("file", "is larger than 1 MB: not a stacking model")
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise problem("file", f"is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise problem("format", f"is not a stacking model (expected format {FORMAT!r})")
    if doc.get("version") != 1:
        raise problem("version", f"{doc.get('version')!r} is not supported (this reads 1)")
    coefficients = doc.get("coefficients")
    if not isinstance(coefficients, dict):
        raise problem("coefficients", "must be a mapping of feature name to number")
    known = {f.name for f in FEATURES}
    for name, value in coefficients.items():
        if name not in known:
            raise problem(
                f"coefficients.{name}", f"unknown feature (known: {', '.join(sorted(known))})"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise problem(f"coefficients.{name}", f"must be a finite number, got {value!r}")
    always = doc.get("always_available_in_training", [])
    if not isinstance(always, list) or not all(isinstance(a, str) for a in always):
        raise problem("always_available_in_training", "must be a list of feature names")
    penalty = doc.get("penalty", 0.0)
    trained = doc.get("trained_on", {})
    model = StackedModel(
        coefficients={k: float(v) for k, v in coefficients.items()},
        penalty=float(penalty) if isinstance(penalty, int | float) else 0.0,
        always_available=tuple(always),
        trained_on=trained if isinstance(trained, dict) else {},
    )
    return model, hashlib.sha256(data).hexdigest()


def base_forecasts(scenario: Scenario, seed: int | None) -> dict[str, FloatArray]:
    """Each base model's forecast per issue on ``scenario`` (those that cannot run left out)."""
    out: dict[str, FloatArray] = {}
    for label in BASE_MODELS:
        name, params = split_label(label)
        spec = get(name)
        if spec.unavailable(scenario) is not None:
            continue
        forecast = spec.run(scenario, params, seed=seed)
        out[label] = np.array([forecast.issues[i].forecast for i in scenario.issue_ids])
    return out


def stacked_spec(path: str) -> ModelSpec:
    """The model ``stacked:PATH`` as a :class:`ModelSpec` (not registered: it is a file)."""
    model, digest = load_stacked(path)

    def function(
        scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
    ) -> ModelResult:
        forecasts = base_forecasts(scenario, None)
        if "compromise" not in forecasts:
            raise InvalidInputError(
                [Problem("model[stacked]", "the compromise model cannot run on this scenario")]
            )
        _, available = feature_matrix(scenario, forecasts)
        needed = [
            f.name
            for k, f in enumerate(FEATURES)
            if model.coefficients.get(f.name, 0.0) != 0.0
            and f.name in model.always_available
            and not available[:, k].all()
        ]
        if needed:
            raise InvalidInputError(
                [
                    Problem(
                        "model[stacked]",
                        "the stacking model needs "
                        + ", ".join(needed)
                        + " on every issue (it had them on every training issue); this "
                        "scenario lacks them on some",
                    )
                ]
            )
        values = model.predict(scenario, forecasts)
        out = {}
        for j, issue in enumerate(scenario.issues):
            out[issue.id] = IssueForecast(
                float(values[j]),
                {
                    "compromise": float(forecasts["compromise"][j]),
                    "features_available": [
                        f.name for k, f in enumerate(FEATURES) if available[j, k]
                    ],
                },
            )
        return ModelResult(out, {"coefficients": dict(model.coefficients)})

    return ModelSpec(
        name=STACKED_PREFIX + str(path),
        summary="The compromise moved by fitted corrections toward other models and the rules.",
        function=function,
        params=(
            Param("file", str(path), "The saved stacking model."),
            Param("sha256", digest, "The SHA-256 of the saved model, recorded for reruns."),
        ),
        needs_salience=True,
        citation="Wolpert 1992; Breiman 1996; Wang, Li & Jiang 2007",
    )
