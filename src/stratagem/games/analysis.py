"""The stance game of a scenario, analysed: equilibria, regrets, other worlds, uncertainty.

:func:`stance_game` is what ``stratagem game`` prints: the game in which the named actors
choose a stance on an issue before a model forecasts it (:func:`stratagem.games.normal.
from_scenario`), in the scenario as given and in each world without one of the named actors;
per world its pure equilibria with each player's regret, optionally a Gambit solver's
equilibria, and how often each pure equilibrium survives under input uncertainty.
:func:`solve_file` solves a Gambit ``.nfg``/``.efg`` file made elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratagem.errors import InvalidInputError, Problem
from stratagem.games.normal import (
    STANCES,
    NormalForm,
    dominant,
    equilibrium_survival,
    from_scenario,
    indifference,
    most_salient_issue,
    pure_equilibria,
    regret,
    weightiest_actors,
)
from stratagem.results import Forecast
from stratagem.scenario import Scenario

DEFAULT_MODEL = "smp"
"""The model that settles stance games unless another is asked for. The compromise model
settles them by construction (moving away from the weighted mean always pulls it toward
you, so escalating dominates) and a median often hardly moves (so most profiles are
equilibria); KTAB's spatial model bargains over every issue at once, so a stance's worth
is not fixed in advance."""
INDIFFERENT = 0.5
"""A player indifferent between stances against at least this share of the others'
profiles is said to be so."""

__all__ = [
    "DEFAULT_MODEL",
    "GameFileSolution",
    "GameWorld",
    "StanceGame",
    "games_per_issue",
    "solve_file",
    "stance_game",
    "stance_games_to_play",
]


@dataclass(frozen=True)
class GameWorld:
    """The stance game in one world (the scenario as given, or without an actor)."""

    label: str
    game: NormalForm
    pure: tuple[tuple[tuple[str, ...], tuple[float, ...]], ...]  # (profile labels, regrets)
    equilibria: tuple[dict[str, Any], ...] | None = None  # a Gambit solver's, when asked
    survival: dict[tuple[str, ...], float] | None = None  # share of draws, when asked
    model: str = DEFAULT_MODEL

    def explanations(self) -> list[str]:
        """What settles the game, in words.

        Dominant stances, and players whose stance hardly matters (ties), so that a reader
        does not take the model's construction for strategy.
        """
        g = self.game
        out = []
        for p, s, strictly in dominant(g):
            text = (
                f"For {g.players[p]}, '{g.strategies[p][s]}' "
                f"{'strictly' if strictly else 'weakly'} dominates: it pays "
                f"{'more' if strictly else 'at least as much'} whatever the others do"
            )
            if self.model == "compromise" and g.strategies[p][s] == "escalate" and strictly:
                text += (
                    " — by the model's construction: the weighted mean moves toward any "
                    "position that moves away from it"
                )
            out.append(text + ".")
        for p, share in enumerate(indifference(g)):
            same = _same_moves(g, p)
            if same:
                out.append(
                    f"For {g.players[p]}, {same} are the same move: it already stands at the "
                    "end of the scale, so it cannot move further away."
                )
            elif share >= INDIFFERENT:
                out.append(
                    f"{g.players[p]} is indifferent between stances against {share:.0%} of the "
                    f"others' choices: the {self.model} model's forecast hardly responds to its "
                    "stance, so many profiles are equilibria and they say little."
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the layout ``stratagem game --json`` prints per world)."""
        out: dict[str, Any] = {
            "world": self.label,
            "game": self.game.to_dict(),
            "pure_equilibria": [
                {"profile": list(profile), "regret": list(r)} for profile, r in self.pure
            ],
            "explanations": self.explanations(),
        }
        if self.equilibria is not None:
            out["equilibria"] = list(self.equilibria)
        if self.survival is not None:
            out["survival"] = [{"profile": list(k), "share": v} for k, v in self.survival.items()]
        return out


def _same_moves(game: NormalForm, player: int) -> str:
    """Stances of a player that take the same position, in words ('' if none)."""
    if not game.moves:
        return ""
    by_position: dict[float, list[str]] = {}
    for stance, x in zip(game.strategies[player], game.moves[player], strict=True):
        by_position.setdefault(x, []).append(f"'{stance}'")
    tied = [" and ".join(v) for v in by_position.values() if len(v) > 1]
    return "; ".join(tied)


@dataclass(frozen=True)
class StanceGame:
    """The stance game of a scenario in every world asked for, with how it was made."""

    actors: tuple[str, ...]
    issue: str
    model: str
    worlds: tuple[GameWorld, ...]
    method: str | None = None
    draws: int = 0
    seed: int = 0
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (what ``stratagem game --json`` prints)."""
        return {
            "actors": list(self.actors),
            "issue": self.issue,
            "model": self.model,
            "worlds": [w.to_dict() for w in self.worlds],
            **({"notes": list(self.notes)} if self.notes else {}),
        }


def stance_game(
    scenario: Scenario,
    actors: Sequence[str] = (),
    issue: str | None = None,
    model: str = DEFAULT_MODEL,
    stances: Sequence[str] = STANCES,
    without: Sequence[str] = (),
    branch: str | None = None,
    draws: int = 0,
    seed: int = 0,
    method: str | None = None,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    baseline: Forecast | None = None,
) -> StanceGame:
    """The game of stances among ``actors`` on ``issue``, in every world asked for.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    actors : sequence of str
        Players (two or more); default the two with the most capability × salience on the
        issue (or, without an issue, over every issue).
    issue : str, optional
        The issue the stances are taken on; default the one the players care most about
        together (the choice is said in the result's notes).
    model : str
        The model that turns stances into a forecast (:data:`DEFAULT_MODEL`).
    stances : sequence of {"concede", "hold", "escalate"}
        Each player's strategies.
    without : sequence of str
        Also solve the game in the world without each of these actors.
    branch : str, optional
        The scenario's branch to apply first.
    draws : int
        Draws of the uncertain inputs (0: none): how often each pure equilibrium survives.
    seed : int
        Seed of the draws.
    method : str, optional
        Also solve with this Gambit method (needs the ``games`` extra).
    executor : str
        Where the draws run (see :func:`stratagem.uncertainty.engine.run_draws`).
    progress : callable, optional
        Called with (draws done, draws in all) while drawing.
    baseline : Forecast, optional
        ``model``'s forecast of the scenario as given, when the caller has it (used only
        without ``branch``): the world "as given" then runs the model only for the stances
        played.

    Raises
    ------
    InvalidInputError
        If the issue, an actor or a stance is unknown, or fewer than two players are named.

    Examples
    --------
    >>> import stratagem
    >>> game = stratagem.game(stratagem.load(), ["us", "iran"], "iraq_order", model="compromise")
    >>> game.worlds[0].game.strategies[0]
    ('concede', 'hold', 'escalate')
    """
    scenario = scenario.with_branch(branch)
    notes = []
    if issue is None:
        named = tuple(actors) or tuple(weightiest_actors(scenario, None))
        unknown_players = [a for a in named if a not in scenario.actor_ids]
        if unknown_players:
            raise InvalidInputError(
                [Problem("actors", f"unknown actor {a!r}") for a in unknown_players]
            )
        issue = most_salient_issue(scenario, named)
        notes.append(
            f"no issue given: {scenario.issue(issue).name} ({issue}), the one "
            f"{' and '.join(scenario.actor(a).name for a in named)} care most about together"
        )
    if issue not in scenario.issue_ids:
        raise InvalidInputError(
            [Problem("issue", f"unknown issue {issue!r}; issues: {', '.join(scenario.issue_ids)}")]
        )
    players = tuple(actors) or tuple(weightiest_actors(scenario, issue))
    chosen = tuple(stances) or STANCES  # (): every stance
    unknown = [a for a in without if a not in scenario.actor_ids]
    if unknown:
        raise InvalidInputError([Problem("without", f"unknown actor {a!r}") for a in unknown])
    worlds = [("as given", scenario)] + [
        (f"without {a}", scenario.without_actors([a])) for a in without
    ]
    out = []
    for label, world in worlds:
        game = from_scenario(
            world,
            players,
            issue,
            model,
            chosen,
            baseline=baseline if world is scenario and branch is None else None,
        )
        pure = []
        for profile in pure_equilibria(game):
            mixed = [[1.0 if k == s else 0.0 for k in range(len(chosen))] for s in profile]
            pure.append((tuple(game.profile_label(profile)), tuple(regret(game, mixed).tolist())))
        equilibria = None
        if method is not None:
            from stratagem.games.gambit import solve

            equilibria = tuple(e.to_dict(game) for e in solve(game, method))
        survival = None
        if draws:
            survival = equilibrium_survival(
                world,
                players,
                issue,
                draws,
                seed,
                model,
                chosen,
                executor=executor,
                progress=progress,
            )
        out.append(GameWorld(label, game, tuple(pure), equilibria, survival, model))
    return StanceGame(players, issue, model, tuple(out), method, draws, seed, tuple(notes))


def games_per_issue(
    scenario: Scenario, model: str = DEFAULT_MODEL, processes: int = 1
) -> tuple[StanceGame, ...]:
    """Per issue, the stance game between its two weightiest actors (both taking a position).

    Events and branches are left out (the games are of the starting positions). The games
    are independent: ``processes`` > 1 plays them in that many forked workers
    (:func:`stratagem.parallel.fork_map`), with the same results.
    """
    from stratagem.parallel import fork_map

    play, pairs = stance_games_to_play(scenario, model)
    return tuple(fork_map(play, pairs, processes))


def stance_games_to_play(
    scenario: Scenario, model: str = DEFAULT_MODEL
) -> tuple[Callable[[tuple[Sequence[str], str]], StanceGame], list[tuple[Sequence[str], str]]]:
    """:func:`games_per_issue`'s games: their (players, issue), and the function playing one."""
    from stratagem.models import get

    start = scenario.evolve(events=(), branches=())
    pairs: list[tuple[Sequence[str], str]] = []
    for j, issue in enumerate(scenario.issues):
        players = weightiest_actors(scenario, issue.id)
        rows = [scenario.actor_index(a) for a in players]
        if len(rows) < 2 or not scenario.has_position[rows, j].all():
            continue
        pairs.append((players, issue.id))

    # every game's "all hold" profile is the scenario as given: one run for all of them
    baseline = get(model).run(start) if pairs else None

    def play(pair: tuple[Sequence[str], str]) -> StanceGame:
        return stance_game(start, pair[0], pair[1], model, baseline=baseline)  # every stance

    return play, pairs


@dataclass(frozen=True)
class GameFileSolution:
    """The equilibria of a game read from a Gambit file."""

    path: str
    kind: str  # "strategic" or "extensive"
    method: str
    equilibria: tuple[dict[str, Any], ...]
    game: NormalForm | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (what ``stratagem game FILE --json`` prints)."""
        if self.game is not None:
            return {
                "file": self.path,
                "kind": self.kind,
                "method": self.method,
                "game": self.game.to_dict(),
                "equilibria": list(self.equilibria),
            }
        return {
            "file": self.path,
            "kind": self.kind,
            "method": self.method,
            "subgame_perfect_equilibria": list(self.equilibria),
        }


def solve_file(path: str | Path, method: str = "enumpure") -> GameFileSolution:
    """Solve a Gambit ``.nfg`` (with ``method``) or ``.efg`` (subgame perfection) file.

    Raises
    ------
    InvalidInputError
        If the file cannot be read as a game.
    """
    from stratagem.games.extensive import subgame_perfect
    from stratagem.games.gambit import read_game, solve

    loaded = read_game(path)
    if isinstance(loaded, NormalForm):
        found = tuple(e.to_dict(loaded) for e in solve(loaded, method))
        return GameFileSolution(str(path), "strategic", method, found, loaded)
    perfect = tuple(e.to_dict() for e in subgame_perfect(loaded))
    return GameFileSolution(str(path), "extensive", "backward induction over subgames", perfect)
