"""Frozen results of model runs, recording what produced them.

A :class:`Forecast` carries the forecast position per issue (:class:`IssueForecast`), the
named outcome it falls in, and the model, parameters, seed, branch and package version
that produced it, so a result can always be traced back and reproduced. A model that runs
in rounds also gives each issue's :class:`Trajectory`: every actor's position per round,
the summaries it tracks (median voter, weighted mean, ...), the events applied and, for
the expected utility model, the dyadic relations. An :class:`Ensemble` is the distribution
of one model's forecasts over perturbed copies of a scenario. Every array here is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem._version import __version__
from stratagem.jsonable import plain
from stratagem.scenario import Scenario

__all__ = [
    "BASELINE",
    "NO_OUTCOME",
    "SUMMARY_KEYS",
    "Ensemble",
    "Forecast",
    "ForecastSet",
    "IssueForecast",
    "Series",
    "Trajectory",
]

FloatArray = npt.NDArray[np.float64]
BASELINE = "baseline"
"""What results call the scenario without a branch."""
NO_OUTCOME = "(no named outcome)"
"""The outcome of a forecast that meets none of the scenario's named outcomes."""
HISTOGRAM_BINS = 20

SUMMARY_KEYS = ("turns", "fractional_change", "prob_by_turn")
"""Run-level facts a model may record in its details that ``--json`` gives at the top level
of the forecast (the spatial model's turn count, KTAB's fractional changes and "prob" table)."""


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _read_only(values: npt.ArrayLike, dtype: Any = float) -> Any:
    out = np.array(values, dtype=dtype)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class Series:
    """One number per round of a run (a median, a weighted mean, a compromise).

    Parameters
    ----------
    key : str
        Its name in JSON (``median_by_round``).
    label : str
        What a reader calls it (``median voter``).
    values : ndarray
        One value per round, from the start (round 0) where the model has one there
        (the exchange model's voting compromise exists only after each round).
    """

    key: str
    label: str
    values: FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _read_only(self.values))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Series)
            and (self.key, self.label) == (other.key, other.label)
            and np.array_equal(self.values, other.values)
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class Trajectory:
    """How a model that runs in rounds reached its forecast on one issue.

    Parameters
    ----------
    actors : tuple of str
        Ids of the actors on the issue, in the order of ``positions``' columns.
    names : tuple of str
        Their display names.
    positions : ndarray, shape (rounds + 1, actors)
        Each actor's position at the start (row 0) and after every round.
    median, mean : Series, optional
        The median voter and the weighted mean per round, where the model tracks them.
    forecast : Series, optional
        The series the forecast is read from when it is neither (the spatial model's
        probability-weighted position).
    others : tuple of Series
        Further per-round summaries (the exchange model's voting compromise).
    events : mapping of round to event names
        The scenario's events this run applied, at the start of each round.
    relations : ndarray of int8, shape (rounds, actors, actors), optional
        The expected utility model's dyadic relation of each ordered pair per round
        (codes in the forecast's ``relation_codes``).
    step : str
        What the model calls a round (``round``, or ``turn`` for the spatial model).
    """

    actors: tuple[str, ...]
    names: tuple[str, ...]
    positions: FloatArray
    median: Series | None = None
    mean: Series | None = None
    forecast: Series | None = None
    others: tuple[Series, ...] = ()
    events: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    relations: npt.NDArray[np.int8] | None = None
    step: str = "round"

    def __post_init__(self) -> None:
        object.__setattr__(self, "actors", tuple(self.actors))
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "others", tuple(self.others))
        positions = _read_only(self.positions)
        if positions.ndim != 2:
            positions = positions.reshape(-1, len(self.actors))
        object.__setattr__(self, "positions", positions)
        object.__setattr__(
            self, "events", MappingProxyType({int(k): tuple(v) for k, v in self.events.items()})
        )
        if self.relations is not None:
            object.__setattr__(self, "relations", _read_only(self.relations, np.int8))

    @property
    def rounds(self) -> int:
        """Rounds run (the rows of ``positions`` after the start)."""
        return int(self.positions.shape[0]) - 1

    @property
    def series(self) -> tuple[Series, ...]:
        """Every per-round summary: median, mean, forecast, then the others."""
        return tuple(s for s in (self.median, self.mean, self.forecast, *self.others) if s)

    def column(self, actor: str) -> FloatArray:
        """One actor's positions per round (by id)."""
        return np.asarray(self.positions[:, self.actors.index(actor)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``actors`` (names), ``positions_by_round``, each series by its key."""
        out: dict[str, Any] = {
            "actors": list(self.names),
            "positions_by_round": self.positions.tolist(),
            **{s.key: s.values.tolist() for s in self.series},
        }
        if self.events:
            out["events_by_round"] = {str(k): list(v) for k, v in self.events.items()}
        if self.relations is not None:
            out["relations_by_round"] = self.relations.tolist()
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trajectory):
            return False
        same_relations = (self.relations is None and other.relations is None) or (
            self.relations is not None
            and other.relations is not None
            and np.array_equal(self.relations, other.relations)
        )
        return (
            (self.actors, self.names, self.step) == (other.actors, other.names, other.step)
            and np.array_equal(self.positions, other.positions)
            and self.series == other.series
            and dict(self.events) == dict(other.events)
            and same_relations
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Trajectory,
            (
                self.actors,
                self.names,
                np.array(self.positions),
                self.median,
                self.mean,
                self.forecast,
                self.others,
                dict(self.events),
                None if self.relations is None else np.array(self.relations),
                self.step,
            ),
        )


@dataclass(frozen=True)
class IssueForecast:
    """The forecast on one issue.

    Parameters
    ----------
    forecast : float
        The forecast position on the issue's scale.
    details : mapping
        Model-specific, JSON-serialisable extras (e.g. the EUM's ``offers``).
    trajectory : Trajectory, optional
        The run's path on this issue, for models that run in rounds.
    """

    forecast: float
    details: Mapping[str, Any] = field(default_factory=dict)
    trajectory: Trajectory | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "forecast", float(self.forecast))
        object.__setattr__(self, "details", _freeze(self.details))

    def __reduce__(self) -> tuple[Any, ...]:
        return (IssueForecast, (self.forecast, dict(self.details), self.trajectory))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the forecast, the trajectory's fields, then the model's details."""
        path = self.trajectory.to_dict() if self.trajectory is not None else {}
        return {"forecast": self.forecast, **path, **plain(self.details)}


@dataclass(frozen=True)
class Forecast:
    """What one model forecasts for one scenario.

    Parameters
    ----------
    model : str
        Registry name of the model.
    scenario : str
        Name of the scenario it ran on.
    params : mapping
        Every parameter value used, defaults included.
    seed : int or None
        Seed of the random stream (``None`` for deterministic models).
    issues : mapping of issue id to IssueForecast
        The forecast per issue.
    outcome : str or None
        The first named outcome of the scenario that the forecast meets.
    branch : str or None
        The branch applied, if any.
    details : mapping
        Model-specific, JSON-serialisable extras for the whole run.
    version : str
        stratagem's version.
    issue_names : mapping of issue id to name
        The issues' names, for tables and plots (not compared).
    """

    model: str
    scenario: str
    params: Mapping[str, Any]
    seed: int | None
    issues: Mapping[str, IssueForecast]
    outcome: str | None = None
    branch: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    version: str = __version__
    issue_names: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))
        object.__setattr__(self, "issues", _freeze(self.issues))
        object.__setattr__(self, "details", _freeze(self.details))
        object.__setattr__(self, "issue_names", _freeze(self.issue_names))

    def __reduce__(self) -> tuple[Any, ...]:
        # mapping proxies do not pickle: rebuild from plain dictionaries
        return (
            Forecast,
            (
                self.model,
                self.scenario,
                dict(self.params),
                self.seed,
                dict(self.issues),
                self.outcome,
                self.branch,
                dict(self.details),
                self.version,
                dict(self.issue_names),
            ),
        )

    def to_frame(self) -> Any:
        """The forecast as a pandas DataFrame, one row per issue (:mod:`stratagem.notebook`)."""
        from stratagem.notebook import forecast_frame

        return forecast_frame(self)

    def _repr_html_(self) -> str:
        from stratagem.notebook import forecast_html

        return forecast_html(self)

    def plot(self, issue: str | None = None, ax: Any = None) -> Any:
        """Each actor's path on ``issue`` (or the forecast per issue); a matplotlib Axes."""
        from stratagem.notebook import plot_forecast

        return plot_forecast(self, issue, ax)

    def positions(self) -> dict[str, float]:
        """The forecast position per issue id."""
        return {k: v.forecast for k, v in self.issues.items()}

    def trajectory(self, issue: str) -> Trajectory | None:
        """The run's path on one issue (``None`` for models that do not run in rounds)."""
        return self.issues[issue].trajectory

    @property
    def dynamic(self) -> bool:
        """Whether the forecast comes from a run in rounds (it has trajectories)."""
        return any(v.trajectory is not None for v in self.issues.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (the ``--json`` layout).

        Details named in :data:`SUMMARY_KEYS` are given at the top level, the rest under
        ``details``.
        """
        summary = {k: plain(v) for k, v in self.details.items() if k in SUMMARY_KEYS}
        rest = {k: v for k, v in self.details.items() if k not in SUMMARY_KEYS}
        return {
            "model": self.model,
            "scenario": self.scenario,
            "params": plain(self.params),
            "seed": self.seed,
            "branch": self.branch,
            "version": self.version,
            "outcome": self.outcome,
            "issues": {k: v.to_dict() for k, v in self.issues.items()},
            **summary,
            **({"details": plain(rest)} if rest else {}),
        }


@dataclass(frozen=True)
class ForecastSet:
    """Several models' forecasts of one scenario (what ``stratagem run`` prints).

    Parameters
    ----------
    scenario : Scenario
        The scenario as given (the branch is applied by each model).
    forecasts : tuple of Forecast
        One per model, in the order asked for.
    branch : str or None
        The branch applied.
    seed : int or None
        The seed asked for (each stochastic model records the seed it used).
    skipped : mapping of model name to reason
        Registered models left out because they cannot run on this scenario.
    notes : tuple of str
        What a reader must know to read the forecasts: events that do not act in a model,
        a branch that changes nothing in one.
    summary : mapping
        The bottom line, when asked for (:func:`stratagem.analysis.bottom_line.bottom_line`):
        ``sentences`` and the numbers they rest on.
    calibration : mapping
        When asked for (``calibration="deu"``): the calibration's name and label, and per
        model the interval around each issue's forecast at each level
        (:mod:`stratagem.validation.calibration`).
    """

    scenario: Scenario
    forecasts: tuple[Forecast, ...]
    branch: str | None = None
    seed: int | None = None
    skipped: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)
    calibration: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "forecasts", tuple(self.forecasts))
        object.__setattr__(self, "skipped", _freeze(self.skipped))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "summary", _freeze(self.summary))
        object.__setattr__(self, "calibration", _freeze(self.calibration))

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            ForecastSet,
            (
                self.scenario,
                self.forecasts,
                self.branch,
                self.seed,
                dict(self.skipped),
                self.notes,
                dict(self.summary),
                dict(self.calibration),
            ),
        )

    @property
    def models(self) -> tuple[str, ...]:
        """The models, in order."""
        return tuple(f.model for f in self.forecasts)

    def __getitem__(self, model: str) -> Forecast:
        for f in self.forecasts:
            if f.model == model:
                return f
        raise KeyError(model)

    def to_frame(self) -> Any:
        """Every forecast as a pandas DataFrame, one row per model and issue."""
        from stratagem.notebook import forecast_set_frame

        return forecast_set_frame(self)

    def _repr_html_(self) -> str:
        from stratagem.notebook import forecast_set_html

        return forecast_set_html(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: the scenario, the branch, every forecast."""
        return {
            "scenario": self.scenario.name,
            "branch": self.branch,
            "forecasts": [f.to_dict() for f in self.forecasts],
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"bottom_line": plain(self.summary)} if self.summary else {}),
            **({"calibration": plain(self.calibration)} if self.calibration else {}),
        }


# ---------------------------------------------------------------------- ensembles


def _summary(values: FloatArray, lo: float, hi: float) -> dict[str, Any]:
    p05, p50, p95 = np.percentile(values, [5, 50, 95])
    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS, range=(lo, hi))
    return {
        "mean": float(values.mean()),
        "p05": float(p05),
        "p50": float(p50),
        "p95": float(p95),
        "sd": float(values.std()),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


@dataclass(frozen=True)
class Ensemble:
    """The distribution of a model's forecasts under input uncertainty.

    Parameters
    ----------
    scenario : Scenario
        The scenario the draws perturb.
    model : str
        Registry name.
    params : mapping
        The model's parameters, defaults included.
    seed : int
        Seed of the run.
    draws : int
        Draws completed.
    forecasts : mapping of branch (``None``: baseline) to ndarray (draws, issues)
        Read-only; every branch is forecast on the same draws.
    inputs : tuple of str
        The uncertain inputs, by name.
    interrupted : bool
        Whether the run was interrupted (the first ``draws`` are kept).
    executor : str
        Where the draws ran (results do not depend on it).
    notes : tuple of str
        What a reader must know: events that do not act in the model, branches that change
        nothing in it.
    version : str
        stratagem's version.
    """

    scenario: Scenario
    model: str
    params: Mapping[str, Any]
    seed: int
    draws: int
    forecasts: Mapping[str | None, FloatArray]
    inputs: tuple[str, ...]
    interrupted: bool = False
    executor: str = "serial"
    notes: tuple[str, ...] = ()
    version: str = __version__

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(
            self,
            "forecasts",
            MappingProxyType({b: _read_only(v) for b, v in self.forecasts.items()}),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Ensemble,
            (
                self.scenario,
                self.model,
                dict(self.params),
                self.seed,
                self.draws,
                {b: np.array(v) for b, v in self.forecasts.items()},
                self.inputs,
                self.interrupted,
                self.executor,
                self.notes,
                self.version,
            ),
        )

    def to_frame(self) -> Any:
        """Every draw's forecast as a pandas DataFrame, one row per branch, draw and issue."""
        from stratagem.notebook import ensemble_frame

        return ensemble_frame(self)

    def _repr_html_(self) -> str:
        from stratagem.notebook import ensemble_html

        return ensemble_html(self)

    @property
    def branches(self) -> tuple[str, ...]:
        """The branches compared with the baseline."""
        return tuple(b for b in self.forecasts if b is not None)

    def distinct_worlds(self) -> list[list[str | None]]:
        """The worlds (None: the baseline, first) grouped where their draws are identical.

        A branch that changes nothing the model sees gives exactly the baseline's draws;
        drawn apart, it would hide under the baseline.
        """
        groups: list[list[str | None]] = []
        for world in [None, *self.branches]:
            for group in groups:
                if np.array_equal(self.forecasts[group[0]], self.forecasts[world]):
                    group.append(world)
                    break
            else:
                groups.append([world])
        return groups

    def unchanged_branches(self) -> tuple[str, ...]:
        """The branches whose every draw equals the baseline's (the model does not see them)."""
        return tuple(b for b in self.distinct_worlds()[0] if b is not None)

    def outcome_names(self) -> list[str]:
        """Outcome names in order (plus the catch-all when some draw matches none)."""
        return [o.name for o in self.scenario.outcomes]

    def outcome_probabilities(self, branch: str | None = None) -> dict[str, float]:
        """Probability of each named outcome (first match wins), summing to 1."""
        cls = self.scenario.classify_all(self.forecasts[branch])
        names = [*self.outcome_names(), NO_OUTCOME]
        counts = np.bincount(cls, minlength=len(names))
        probs = {names[k]: float(c / len(cls)) for k, c in enumerate(counts)}
        if probs[NO_OUTCOME] == 0.0:
            del probs[NO_OUTCOME]
        return probs

    def issue_summary(self, branch: str | None = None) -> dict[str, dict[str, Any]]:
        """Mean, median, 5–95% interval, sd and histogram of each issue's forecast."""
        values = self.forecasts[branch]
        return {
            issue.id: _summary(values[:, j], issue.min, issue.max)
            for j, issue in enumerate(self.scenario.issues)
        }

    def difference(self, branch: str) -> dict[str, Any]:
        """Branch − baseline on the same draws: per issue and per outcome, with 95% intervals."""
        base, other = self.forecasts[None], self.forecasts[branch]
        diff = other - base
        issues = {}
        for j, issue in enumerate(self.scenario.issues):
            p05, p95 = np.percentile(diff[:, j], [5, 95])
            mean = float(diff[:, j].mean())
            se = float(diff[:, j].std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
            issues[issue.id] = {
                "mean": mean,
                "mean_ci": [mean - 1.96 * se, mean + 1.96 * se],
                "p05": float(p05),
                "p95": float(p95),
            }
        cls_base = self.scenario.classify_all(base)
        cls_other = self.scenario.classify_all(other)
        outcomes = {}
        for k, name in enumerate([*self.outcome_names(), NO_OUTCOME]):
            d = (cls_other == k).astype(float) - (cls_base == k).astype(float)
            if name == NO_OUTCOME and not d.any() and not (cls_base == k).any():
                continue
            mean = float(d.mean())
            se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
            outcomes[name] = {"difference": mean, "ci": [mean - 1.96 * se, mean + 1.96 * se]}
        return {"issues": issues, "outcomes": outcomes}

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        doc: dict[str, Any] = {
            "scenario": self.scenario.name,
            "model": self.model,
            "params": plain(self.params),
            "draws": self.draws,
            "seed": self.seed,
            "version": self.version,
            "executor": self.executor,
            "uncertain_inputs": len(self.inputs),
            "issues": self.issue_summary(),
            "outcomes": self.outcome_probabilities(),
        }
        if self.interrupted:
            doc["interrupted"] = True
        if self.notes:
            doc["notes"] = list(self.notes)
        if self.branches:
            doc["branches"] = {
                b: {
                    "issues": self.issue_summary(b),
                    "outcomes": self.outcome_probabilities(b),
                    "difference": self.difference(b),
                }
                for b in self.branches
            }
        return doc
