"""stratagem: model conflicts among many actors and forecast how they end.

The public API: the domain (:class:`Scenario` and its parts), the results
(:class:`Forecast`), reading and writing files (:mod:`stratagem.io`), the embedded
scenarios (:func:`load`) and the model registry (:func:`run`, :mod:`stratagem.models`).
Importing this package has no side effects and does not import numpy-heavy modules
beyond the domain.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stratagem._version import __version__
from stratagem.errors import InvalidInputError, Problem, StratagemError

if TYPE_CHECKING:
    from stratagem.catalog import DEFAULT_SCENARIO, embedded_names, load
    from stratagem.results import Forecast, IssueForecast
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
    "Forecast": "stratagem.results",
    "IssueForecast": "stratagem.results",
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
    "Event",
    "Forecast",
    "InvalidInputError",
    "Issue",
    "IssueForecast",
    "Outcome",
    "Problem",
    "ScalePoint",
    "Scenario",
    "StratagemError",
    "Value",
    "__version__",
    "embedded_names",
    "load",
    "run",
]


def run(
    scenario: Scenario,
    model: str = "compromise",
    params: dict[str, Any] | None = None,
    seed: int | None = None,
    branch: str | None = None,
) -> Forecast:
    """Run a registered model on a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    model : str
        Registry name (see ``stratagem models``).
    params : dict, optional
        Parameter overrides.
    seed : int, optional
        Seed for stochastic models.
    branch : str, optional
        The scenario's branch to apply.

    Returns
    -------
    Forecast
        The frozen forecast, recording model, parameters, seed and version.
    """
    from stratagem import models

    return models.get(model).run(scenario, params, seed=seed, branch=branch)
