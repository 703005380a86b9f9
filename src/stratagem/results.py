"""Frozen results of a model run, recording what produced them.

A :class:`Forecast` carries the forecast position per issue, the named outcome it
falls in, and the model, parameters, seed, branch and package version that produced
it, so a result can always be traced back and reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from stratagem._version import __version__
from stratagem.jsonable import plain

__all__ = ["SUMMARY_KEYS", "Forecast", "IssueForecast"]

SUMMARY_KEYS = ("turns", "fractional_change", "prob_by_turn")
"""Run-level facts a model may record in its details that ``--json`` gives at the top level
of the forecast (the spatial model's turn count, KTAB's fractional changes and "prob" table)."""


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class IssueForecast:
    """The forecast on one issue.

    Parameters
    ----------
    forecast : float
        The forecast position on the issue's scale.
    details : mapping
        Model-specific, JSON-serialisable extras (e.g. ``median_by_round``).
    """

    forecast: float
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "forecast", float(self.forecast))
        object.__setattr__(self, "details", _freeze(self.details))

    def __reduce__(self) -> tuple[Any, ...]:
        return (IssueForecast, (self.forecast, dict(self.details)))


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))
        object.__setattr__(self, "issues", _freeze(self.issues))
        object.__setattr__(self, "details", _freeze(self.details))

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
            ),
        )

    def positions(self) -> dict[str, float]:
        """The forecast position per issue id."""
        return {k: v.forecast for k, v in self.issues.items()}

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
            "issues": {
                k: {"forecast": v.forecast, **plain(v.details)} for k, v in self.issues.items()
            },
            **summary,
            **({"details": plain(rest)} if rest else {}),
        }
