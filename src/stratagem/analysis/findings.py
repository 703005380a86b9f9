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
from stratagem.conflict.analysis import ConflictAnalysis, analyse
from stratagem.games.analysis import StanceGame, games_per_issue
from stratagem.limits import limit
from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = ["Findings", "findings"]


@dataclass(frozen=True)
class Findings:
    """The analyses beside the forecasts.

    Compatibility of every pair, the pivotal actor per issue, the stance game per issue, and
    the graph model's analysis of the scenario's conflict (and of each branch that adds to
    it), as ``(branch or None, analysis)``.
    """

    compatibility: Compatibility | None = None
    pivots: tuple[Pivot, ...] = ()
    games: tuple[StanceGame, ...] = ()
    conflicts: tuple[tuple[str | None, ConflictAnalysis], ...] = ()


def findings(
    scenario: Scenario,
    forecasts: Sequence[Forecast],
    conflict_draws: int = 0,
    seed: int = 0,
    processes: int = 1,
) -> Findings:
    """The analyses for these forecasts' narrative.

    Pivotal actors are found under the compromise model when it is among the forecasts. The
    conflict, when the scenario has one, is analysed with the defaults of
    :func:`stratagem.conflict_analysis`, with ``conflict_draws`` draws of its uncertain
    statements. ``processes`` > 1 plays the per-issue stance games in forked workers.
    """
    pairwise = 2 <= scenario.n_actors <= limit("pairwise_actors")
    with_compromise = any(f.model == "compromise" for f in forecasts)
    conflicts: list[tuple[str | None, ConflictAnalysis]] = []
    if scenario.conflict is not None:
        worlds = [None, *(b.name for b in scenario.branches if b.conflict is not None)]
        for b in worlds:
            conflict = scenario.with_branch(b).conflict
            if conflict is not None:
                conflicts.append(
                    (b, analyse(conflict, draws=conflict_draws, seed=seed, executor="serial"))
                )
    return Findings(
        compatibility=compatibility(scenario) if pairwise else None,
        pivots=tuple(pivotal_actors(scenario)) if with_compromise else (),
        games=games_per_issue(scenario, processes=processes) if pairwise else (),
        conflicts=tuple(conflicts),
    )
