"""The analyses a narrative draws on beside the forecasts: compatibility, pivots, games.

:func:`findings` runs them once, through the library's public functions and with their
parameters recorded in their results, so that the report and the dashboard tell the same
story from the same numbers. Analyses of every pair of actors are left out above the
``pairwise_actors`` limit (:mod:`stratagem.limits`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from stratagem.analysis.compatibility import Compatibility, compatibility
from stratagem.analysis.pivotal import Pivot, pivotal_actors
from stratagem.conflict.analysis import ConflictAnalysis, analyse
from stratagem.conflict.model import Conflict
from stratagem.games.analysis import StanceGame, games_per_issue, stance_games_to_play
from stratagem.limits import limit
from stratagem.parallel import Begun, begin_map
from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = ["BegunFindings", "Findings", "begin_findings", "findings"]


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
    begun: BegunFindings | None = None,
) -> Findings:
    """The analyses for these forecasts' narrative.

    Pivotal actors are found under the compromise model when it is among the forecasts. The
    conflict, when the scenario has one, is analysed with the defaults of
    :func:`stratagem.conflict_analysis`, with ``conflict_draws`` draws of its uncertain
    statements. ``processes`` > 1 plays the per-issue stance games in forked workers;
    ``begun``, the games and conflict analyses :func:`begin_findings` began earlier (with
    the same scenario, draws and seed), are finished instead.
    """
    pairwise = _pairwise(scenario)
    with_compromise = any(f.model == "compromise" for f in forecasts)
    if begun is not None:
        done = begun.work.result()
        conflicts = tuple(zip(begun.worlds, done[: len(begun.worlds)], strict=True))
        games = tuple(done[len(begun.worlds) :])
    else:
        conflicts = tuple(
            (b, analyse(conflict, draws=conflict_draws, seed=seed, executor="serial"))
            for b, conflict in _conflicts(scenario)
        )
        games = games_per_issue(scenario, processes=processes) if pairwise else ()
    return Findings(
        compatibility=compatibility(scenario) if pairwise else None,
        pivots=tuple(pivotal_actors(scenario)) if with_compromise else (),
        games=games,
        conflicts=conflicts,
    )


@dataclass(frozen=True)
class BegunFindings:
    """The slow findings begun by :func:`begin_findings`: graph-model analyses, then games."""

    work: Begun[Any]
    worlds: tuple[str | None, ...]

    def cancel(self) -> None:
        """Stop the helper (the caller will not ask for the findings)."""
        self.work.cancel()


def begin_findings(scenario: Scenario, conflict_draws: int = 0, seed: int = 0) -> BegunFindings:
    """The stance games and the graph model's analyses of :func:`findings`, begun now.

    They need no forecast, and are the slowest findings (a dynamic model's run per stance
    profile; the conflict's preference draws): a forked helper begins them while the
    caller runs its models and simulations (:class:`stratagem.parallel.Begun`); pass the
    result to :func:`findings`, which returns the same findings as without it.
    """
    worlds = _conflicts(scenario)
    tasks: list[Callable[[], Any]] = [
        functools.partial(analyse, conflict, draws=conflict_draws, seed=seed, executor="serial")
        for _b, conflict in worlds
    ]
    if _pairwise(scenario):
        play, pairs = stance_games_to_play(scenario)
        tasks += [functools.partial(play, pair) for pair in pairs]
    return BegunFindings(begin_map(_call, tasks), tuple(b for b, _c in worlds))


def _call(task: Callable[[], Any]) -> Any:
    return task()


def _conflicts(scenario: Scenario) -> list[tuple[str | None, Conflict]]:
    """The scenario's conflict, then each branch's that adds to it: (branch or None, it)."""
    if scenario.conflict is None:
        return []
    out: list[tuple[str | None, Conflict]] = []
    for b in [None, *(b.name for b in scenario.branches if b.conflict is not None)]:
        conflict = scenario.with_branch(b).conflict
        if conflict is not None:
            out.append((b, conflict))
    return out


def _pairwise(scenario: Scenario) -> bool:
    return 2 <= scenario.n_actors <= limit("pairwise_actors")
