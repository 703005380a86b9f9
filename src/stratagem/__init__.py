"""stratagem: model conflicts among many actors and forecast how they end.

The public API: the domain (:class:`Scenario` and its parts), the results
(:class:`Forecast`, :class:`ForecastSet`, :class:`Ensemble`), reading and writing files
(:mod:`stratagem.io`), the embedded scenarios (:func:`load`), and one function per command
of the command line (:mod:`stratagem.api`: :func:`run`, :func:`forecast`, :func:`simulate`,
:func:`sensitivity`, :func:`compatibility`, :func:`game`, :func:`backtest`, ...).
Importing this package has no side effects and does not import numpy-heavy modules
beyond the domain until something numeric is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stratagem._version import __version__
from stratagem.errors import InvalidInputError, Problem, StratagemError

if TYPE_CHECKING:
    from stratagem.api import (
        CompatibilityAnalysis,
        applicable_models,
        backtest,
        compatibility,
        explain,
        forecast,
        game,
        run,
        sensitivity,
        simulate,
        solve_game_file,
    )
    from stratagem.catalog import DEFAULT_SCENARIO, embedded_names, load
    from stratagem.report.build import build_report
    from stratagem.results import Ensemble, Forecast, ForecastSet, IssueForecast, Trajectory
    from stratagem.scenario import (
        Actor,
        Bound,
        Branch,
        Change,
        Event,
        Issue,
        Outcome,
        ScalePoint,
        Scenario,
        Value,
    )

# Names re-exported lazily, so that `import stratagem` (and `stratagem --help`) does not
# pay for numpy until something numeric is used.
_LAZY = {
    "DEFAULT_SCENARIO": "stratagem.catalog",
    "embedded_names": "stratagem.catalog",
    "load": "stratagem.catalog",
    "build_report": "stratagem.report.build",
    **dict.fromkeys(
        ("Ensemble", "Forecast", "ForecastSet", "IssueForecast", "Trajectory"),
        "stratagem.results",
    ),
    **dict.fromkeys(
        (
            "CompatibilityAnalysis",
            "applicable_models",
            "backtest",
            "compatibility",
            "explain",
            "forecast",
            "game",
            "run",
            "sensitivity",
            "simulate",
            "solve_game_file",
        ),
        "stratagem.api",
    ),
    **dict.fromkeys(
        (
            "Actor",
            "Bound",
            "Branch",
            "Change",
            "Event",
            "Issue",
            "Outcome",
            "ScalePoint",
            "Scenario",
            "Value",
        ),
        "stratagem.scenario",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stratagem' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Bound",
    "Branch",
    "Change",
    "CompatibilityAnalysis",
    "Ensemble",
    "Event",
    "Forecast",
    "ForecastSet",
    "InvalidInputError",
    "Issue",
    "IssueForecast",
    "Outcome",
    "Problem",
    "ScalePoint",
    "Scenario",
    "StratagemError",
    "Trajectory",
    "Value",
    "__version__",
    "applicable_models",
    "backtest",
    "build_report",
    "compatibility",
    "embedded_names",
    "explain",
    "forecast",
    "game",
    "load",
    "run",
    "sensitivity",
    "simulate",
    "solve_game_file",
]
