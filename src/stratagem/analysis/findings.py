"""The analyses a narrative draws on beside the forecasts: compatibility, pivots, games.

:func:`findings` runs them once, through the library's public functions and with their
parameters recorded in their results, so that the report and the dashboard tell the same
story from the same numbers. Analyses of every pair of actors are left out above the
``pairwise_actors`` limit (:mod:`stratagem.limits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stratagem.analysis.compatibility import Compatibility, compatibility
from stratagem.analysis.pivotal import Pivot, pivotal_actors
from stratagem.games.analysis import StanceGame, games_per_issue
from stratagem.limits import limit
from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = ["Findings", "findings"]


@dataclass(frozen=True)
class Findings:
    """Compatibility of every pair, the pivotal actor per issue, the stance game per issue."""

    compatibility: Compatibility | None = None
    pivots: tuple[Pivot, ...] = ()
    games: tuple[StanceGame, ...] = ()


def findings(scenario: Scenario, forecasts: Sequence[Forecast]) -> Findings:
    """The analyses for these forecasts' narrative.

    Pivotal actors are found under the compromise model when it is among the forecasts.
    """
    pairwise = 2 <= scenario.n_actors <= limit("pairwise_actors")
    with_compromise = any(f.model == "compromise" for f in forecasts)
    return Findings(
        compatibility=compatibility(scenario) if pairwise else None,
        pivots=tuple(pivotal_actors(scenario)) if with_compromise else (),
        games=games_per_issue(scenario) if pairwise else (),
    )
