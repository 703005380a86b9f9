"""Results in notebooks: pandas frames in a tidy long format, HTML tables, trajectory plots.

(The scenario's own frame and table are :meth:`Scenario.to_frame` and its HTML form.)

pandas stays optional: the frames import it when asked for, and say which extra installs
it when it is missing. The HTML tables (``_repr_html_``, which Jupyter shows) need nothing
beyond the standard library and name actors, issues and outcomes by their names.

Columns of the frames
---------------------
``Scenario.to_frame()``
    ``actor``, ``actor_name``, ``issue``, ``issue_name``, ``position``, ``salience``,
    ``capability`` (per issue where the scenario overrides it): one row per actor and issue
    it takes a position on.
``Forecast.to_frame()`` and ``ForecastSet.to_frame()``
    ``model``, ``branch``, ``issue``, ``issue_name``, ``forecast``, ``outcome``, ``seed``:
    one row per model and issue.
``Ensemble.to_frame()``
    ``branch`` (``"baseline"`` without one), ``draw``, ``issue``, ``issue_name``,
    ``forecast``: one row per branch, draw and issue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stratagem.tables import html_table as _table
from stratagem.tables import pandas as _pandas

if TYPE_CHECKING:
    from stratagem.results import Ensemble, Forecast, ForecastSet

__all__ = [
    "ensemble_frame",
    "ensemble_html",
    "forecast_frame",
    "forecast_html",
    "forecast_set_frame",
    "forecast_set_html",
    "plot_forecast",
]

_FORECAST_COLUMNS = ["model", "branch", "issue", "issue_name", "forecast", "outcome", "seed"]


def _forecast_rows(forecast: Forecast, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "model": forecast.model,
            "branch": forecast.branch,
            "issue": issue_id,
            "issue_name": names.get(issue_id, issue_id),
            "forecast": result.forecast,
            "outcome": forecast.outcome,
            "seed": forecast.seed,
        }
        for issue_id, result in forecast.issues.items()
    ]


def forecast_frame(forecast: Forecast) -> Any:
    """One model's forecast as a long DataFrame (one row per issue)."""
    rows = _forecast_rows(forecast, dict(forecast.issue_names))
    return _pandas().DataFrame(rows, columns=_FORECAST_COLUMNS)


def forecast_set_frame(result: ForecastSet) -> Any:
    """Every model's forecasts as a long DataFrame (one row per model and issue)."""
    names = {i.id: i.name for i in result.scenario.issues}
    rows = [row for f in result.forecasts for row in _forecast_rows(f, names)]
    return _pandas().DataFrame(rows, columns=_FORECAST_COLUMNS)


def ensemble_frame(ensemble: Ensemble) -> Any:
    """Every draw's forecast per branch and issue as a long DataFrame."""
    import numpy as np

    from stratagem.results import BASELINE

    pd = _pandas()
    issues = ensemble.scenario.issues
    parts = []
    for branch, values in ensemble.forecasts.items():
        draws, n_issues = values.shape
        parts.append(
            pd.DataFrame(
                {
                    "branch": BASELINE if branch is None else branch,
                    "draw": np.repeat(np.arange(draws), n_issues),
                    "issue": np.tile([i.id for i in issues], draws),
                    "issue_name": np.tile([i.name for i in issues], draws),
                    "forecast": np.asarray(values).reshape(-1),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------- HTML


def forecast_html(forecast: Forecast) -> str:
    """One model's forecast per issue."""
    rows = [[forecast.issue_names.get(k, k), v.forecast] for k, v in forecast.issues.items()]
    branch = f", branch {forecast.branch}" if forecast.branch else ""
    outcome = f"; outcome: {forecast.outcome}" if forecast.outcome else ""
    caption = f"{forecast.model} forecast of {forecast.scenario}{branch}{outcome}"
    return _table(caption, ["issue", "forecast"], rows)


def forecast_set_html(result: ForecastSet) -> str:
    """Every model's forecast per issue, and the outcome each falls in."""
    header = ["issue", *result.models]
    rows: list[list[Any]] = [
        [
            issue.name,
            *(
                f.issues[issue.id].forecast if issue.id in f.issues else "—"
                for f in result.forecasts
            ),
        ]
        for issue in result.scenario.issues
    ]
    if result.scenario.outcomes:
        rows.append(["outcome", *(f.outcome or "(none)" for f in result.forecasts)])
    branch = f", branch {result.branch}" if result.branch else ""
    caption = f"Forecasts of {result.scenario.title or result.scenario.name}{branch}"
    return _table(caption, header, rows)


def ensemble_html(ensemble: Ensemble) -> str:
    """Each issue's forecast distribution (mean and 5–95%) and the outcomes' probabilities."""
    summary = ensemble.issue_summary()
    rows = [
        [issue.name, summary[issue.id]["mean"], summary[issue.id]["p05"], summary[issue.id]["p95"]]
        for issue in ensemble.scenario.issues
    ]
    caption = f"{ensemble.model}: {ensemble.draws:,} draws (seed {ensemble.seed})"
    issues = _table(caption, ["issue", "mean", "5%", "95%"], rows)
    probabilities = ensemble.outcome_probabilities()
    if not ensemble.scenario.outcomes:
        return issues
    ends = _table(
        "Probability of each named end",
        ["outcome", "probability"],
        [[name, p] for name, p in probabilities.items()],
    )
    return issues + ends


# ---------------------------------------------------------------------- plots


def plot_forecast(forecast: Forecast, issue: str | None = None, ax: Any = None) -> Any:
    """Plot a forecast: each actor's path per round on one issue, or the forecast per issue.

    Parameters
    ----------
    forecast : Forecast
        A model's forecast.
    issue : str, optional
        An issue id: its trajectory (models that run in rounds). Default: the first issue
        with a trajectory, or, for static models, a bar per issue.
    ax : matplotlib Axes, optional
        Where to draw (a new figure's axes by default).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(7, 4))
    names = forecast.issue_names
    chosen = issue or next(
        (k for k, v in forecast.issues.items() if v.trajectory is not None), None
    )
    trajectory = forecast.issues[chosen].trajectory if chosen is not None else None
    if chosen is None or trajectory is None:
        labels = [names.get(k, k) for k in forecast.issues]
        ax.barh(labels, [v.forecast for v in forecast.issues.values()], color="#0072B2")
        ax.set_xlabel("forecast position")
        ax.set_title(f"{forecast.model}: forecast per issue")
        return ax
    rounds = range(trajectory.rounds + 1)
    for k, name in enumerate(trajectory.names):
        ax.plot(rounds, trajectory.positions[:, k], label=name, linewidth=1.2)
    ax.axhline(forecast.issues[chosen].forecast, color="black", linestyle="--", label="forecast")
    ax.set_xlabel(trajectory.step)
    ax.set_ylabel("position")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{forecast.model}: {names.get(chosen, chosen)}")
    ax.legend(fontsize="small", loc="best")
    return ax
