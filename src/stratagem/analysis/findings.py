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
from stratagem.games.analysis import StanceGame, begin_games_per_issue, games_per_issue
from stratagem.limits import limit
from stratagem.parallel import Begun, begin_map
from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = ["Findings", "begin_games", "findings"]


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
    games: Begun[StanceGame] | None = None,
) -> Findings:
    """The analyses for these forecasts' narrative.

    Pivotal actors are found under the compromise model when it is among the forecasts. The
    conflict, when the scenario has one, is analysed with the defaults of
    :func:`stratagem.conflict_analysis`, with ``conflict_draws`` draws of its uncertain
    statements. ``processes`` > 1 plays the per-issue stance games in forked workers;
    ``games``, the games :func:`begin_games` began earlier, are finished instead.
    """
    pairwise = _pairwise(scenario)
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
        games=(
            tuple(games.result())
            if games is not None
            else games_per_issue(scenario, processes=processes)
            if pairwise
            else ()
        ),
        conflicts=tuple(conflicts),
    )


def begin_games(scenario: Scenario) -> Begun[StanceGame]:
    """The stance games :func:`findings` plays, begun now by a forked helper.

    The slowest of the findings (a dynamic model's run per stance profile) can so go on
    while the caller runs its simulations; pass the result to :func:`findings`.
    """
    if _pairwise(scenario):
        return begin_games_per_issue(scenario)
    return begin_map(_no_game, [])


def _no_game(_item: object) -> StanceGame:
    raise AssertionError("no game to play")  # pragma: no cover - called on no item


def _pairwise(scenario: Scenario) -> bool:
    return 2 <= scenario.n_actors <= limit("pairwise_actors")
