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
    from stratagem.analysis.levers import levers, single_levers
    from stratagem.analysis.widths import simulate_widths
    from stratagem.api import (
        CompatibilityAnalysis,
        Conversion,
        EmbeddedScenario,
        Validation,
        applicable_models,
        backtest,
        compatibility,
        conflict_analysis,
        conflict_inverse,
        convert,
        explain,
        forecast,
        input_limits,
        registered_models,
        run,
        runs,
        scenarios,
        schema,
        validate,
    )
    from stratagem.catalog import DEFAULT_SCENARIO, embedded_names, load
    from stratagem.games.analysis import solve_file as solve_game_file
    from stratagem.games.analysis import stance_game as game
    from stratagem.report.build import build_report, write_report
    from stratagem.results import Ensemble, Forecast, ForecastSet, IssueForecast, Trajectory
    from stratagem.scenario import (
        Actor,
        Branch,
        Change,
        Event,
        Issue,
        Outcome,
        ScalePoint,
        Scenario,
        Value,
    )
    from stratagem.uncertainty.montecarlo import simulate
    from stratagem.uncertainty.sensitivity import sensitivity
    from stratagem.web.serve import serve

# Names re-exported lazily, so that `import stratagem` (and `stratagem --help`) does not
# pay for numpy until something numeric is used: name -> "module" or "module:attribute".
_LAZY = {
    "game": "stratagem.games.analysis:stance_game",
    "simulate_widths": "stratagem.analysis.widths:simulate_widths",
    "single_levers": "stratagem.analysis.levers:single_levers",
    "levers": "stratagem.analysis.levers:levers",
    "solve_game_file": "stratagem.games.analysis:solve_file",
    "simulate": "stratagem.uncertainty.montecarlo:simulate",
    "sensitivity": "stratagem.uncertainty.sensitivity:sensitivity",
    "DEFAULT_SCENARIO": "stratagem.catalog",
    "embedded_names": "stratagem.catalog",
    "load": "stratagem.catalog",
    "build_report": "stratagem.report.build",
    "write_report": "stratagem.report.build",
    "serve": "stratagem.web.serve",
    **dict.fromkeys(
        ("Ensemble", "Forecast", "ForecastSet", "IssueForecast", "Trajectory"),
        "stratagem.results",
    ),
    **dict.fromkeys(
        (
            "CompatibilityAnalysis",
            "Conversion",
            "EmbeddedScenario",
            "applicable_models",
            "backtest",
            "compatibility",
            "conflict_analysis",
            "conflict_inverse",
            "convert",
            "explain",
            "forecast",
            "input_limits",
            "registered_models",
            "runs",
            "scenarios",
            "schema",
            "validate",
            "Validation",
            "run",
        ),
        "stratagem.api",
    ),
    **dict.fromkeys(
        (
            "Actor",
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
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'stratagem' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute or name)


__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Branch",
    "Change",
    "CompatibilityAnalysis",
    "Conversion",
    "EmbeddedScenario",
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
    "Validation",
    "Value",
    "__version__",
    "applicable_models",
    "backtest",
    "build_report",
    "compatibility",
    "conflict_analysis",
    "conflict_inverse",
    "convert",
    "embedded_names",
    "explain",
    "forecast",
    "game",
    "input_limits",
    "levers",
    "load",
    "registered_models",
    "run",
    "runs",
    "scenarios",
    "schema",
    "sensitivity",
    "serve",
    "simulate",
    "simulate_widths",
    "single_levers",
    "solve_game_file",
    "validate",
    "write_report",
]
