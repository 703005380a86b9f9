r"""Strategic (normal-form) games built from scenarios, and their pure equilibria.

A game from a scenario: a few named actors each choose a stance on one issue — by default
``concede`` (move a step toward the current forecast), ``hold`` (keep the position) or
``escalate`` (move a step away from it); the chosen model forecasts the issue with those
stances applied, and each actor's payoff is its utility for that forecast measured from its
*own* position, :math:`u_i = s_i (1 - |x_i - \hat x| / \Delta)`. Pure equilibria and every
profile's regret are computed here with arrays; mixed, n-player and quantal-response
equilibria go through :mod:`stratagem.games.gambit` (the optional ``games`` extra).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.results import Forecast
from stratagem.scenario import Change, Scenario

__all__ = [
    "STANCES",
    "NormalForm",
    "dominant",
    "equilibrium_survival",
    "expected_payoffs",
    "from_scenario",
    "indifference",
    "most_salient_issue",
    "pure_equilibria",
    "regret",
    "weightiest_actors",
]

FloatArray = npt.NDArray[np.float64]
STANCES = ("concede", "hold", "escalate")


@dataclass(frozen=True)
class NormalForm:
    """A finite game in strategic form.

    Parameters
    ----------
    players : tuple of str
        Player names.
    strategies : tuple of tuple of str
        Each player's strategy labels.
    payoffs : ndarray, shape (*strategy counts, n_players)
        Payoff of each player at each pure profile.
    title : str
        What the game is.
    moves : tuple of tuple of float
        For a stance game, the position each of a player's strategies takes (empty otherwise).
    """

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: FloatArray
    title: str = ""
    moves: tuple[tuple[float, ...], ...] = ()

    def profile_label(self, profile: Sequence[int]) -> list[str]:
        """Strategy labels of a pure profile."""
        return [self.strategies[p][s] for p, s in enumerate(profile)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready payoff table."""
        return {
            "title": self.title,
            "players": list(self.players),
            "strategies": [list(s) for s in self.strategies],
            "payoffs": [
                {"profile": self.profile_label(profile), "payoffs": self.payoffs[profile].tolist()}
                for profile in itertools.product(*(range(len(s)) for s in self.strategies))
            ],
        }


def regret(game: NormalForm, mixed: Sequence[Sequence[float]]) -> FloatArray:
    """Each player's regret at a mixed profile: best deviation payoff minus its payoff."""
    n = len(game.players)
    probs = [np.asarray(m, dtype=float) for m in mixed]
    out = np.empty(n)
    for p in range(n):
        table = game.payoffs[..., p]
        # contract every other player's mixture, highest axis first so indices stay valid;
        # what is left is the payoff of each pure strategy of p
        for q in reversed(range(n)):
            if q != p:
                table = np.tensordot(table, probs[q], axes=([q], [0]))
        values = np.asarray(table, dtype=float).reshape(-1)
        out[p] = float(values.max() - values @ probs[p])
    return out


def expected_payoffs(game: NormalForm, mixed: Sequence[Sequence[float]]) -> FloatArray:
    """Each player's expected payoff at a mixed profile."""
    table = game.payoffs
    for q in reversed(range(len(game.players))):
        table = np.tensordot(table, np.asarray(mixed[q], dtype=float), axes=([q], [0]))
    return np.asarray(table, dtype=float)


def pure_equilibria(game: NormalForm, tolerance: float = 1e-12) -> list[tuple[int, ...]]:
    """Every pure-strategy Nash equilibrium (profiles where nobody gains by deviating)."""
    n = len(game.players)
    stable = np.ones(game.payoffs.shape[:-1], dtype=bool)
    for p in range(n):
        own = game.payoffs[..., p]
        best = own.max(axis=p, keepdims=True)
        stable &= own >= best - tolerance
    return [tuple(int(k) for k in idx) for idx in np.argwhere(stable)]


def dominant(game: NormalForm, tolerance: float = 1e-12) -> list[tuple[int, int, bool]]:
    """Each player's dominant strategy, if it has one: ``(player, strategy, strictly)``.

    A strategy dominates when against every profile of the others it pays at least as much
    as every other strategy (strictly: more).
    """
    out = []
    for p in range(len(game.players)):
        own = np.moveaxis(game.payoffs[..., p], p, 0)  # (strategies, the others' profiles)
        rows = own.reshape(own.shape[0], -1)
        for s in range(rows.shape[0]):
            others = np.delete(rows, s, axis=0)
            if others.size == 0:
                continue
            if (rows[s] >= others - tolerance).all():
                out.append((p, s, bool((rows[s] > others + tolerance).all())))
                break
    return out


def indifference(game: NormalForm, tolerance: float = 1e-9) -> list[float]:
    """Per player, the share of the others' profiles against which its best stance is tied.

    A player indifferent between stances against most profiles makes most profiles
    equilibria: the model's forecast barely responds to what it does.
    """
    out = []
    for p in range(len(game.players)):
        own = np.moveaxis(game.payoffs[..., p], p, 0).reshape(len(game.strategies[p]), -1)
        best = own.max(axis=0)
        tied = (own >= best - tolerance).sum(axis=0) >= 2
        out.append(float(tied.mean()))
    return out


def weightiest_actors(scenario: Scenario, issue: str | None, count: int = 2) -> list[str]:
    """The actors with the most capability × salience on an issue, ties in file order.

    With ``issue=None`` the weight is summed over every issue.
    """
    weight = scenario.capability * scenario.salience
    total = weight.sum(axis=1) if issue is None else weight[:, scenario.issue_index(issue)]
    order = sorted(range(scenario.n_actors), key=lambda k: (-total[k], k))
    return [scenario.actors[k].id for k in order[:count]]


def most_salient_issue(scenario: Scenario, actors: Sequence[str]) -> str:
    """The issue the actors care most about together (summed salience; ties: file order)."""
    rows = [scenario.actor_index(a) for a in actors]
    total = scenario.salience[rows].sum(axis=0)
    return scenario.issues[int(np.argmax(total))].id


def from_scenario(
    scenario: Scenario,
    actors: Sequence[str],
    issue: str,
    model: str = "compromise",
    stances: Sequence[str] = STANCES,
    step: float = 0.25,
    params: dict[str, Any] | None = None,
    baseline: Forecast | None = None,
) -> NormalForm:
    """The game in which ``actors`` choose their stance on ``issue`` before ``model`` forecasts.

    Parameters
    ----------
    scenario : Scenario
        The scenario (branch already applied).
    actors : sequence of str
        Actor ids (2 or more).
    issue : str
        The issue the stances are taken on.
    model : str
        The model that turns stances into a forecast.
    stances : sequence of {"concede", "hold", "escalate"}
        Each actor's strategies.
    step : float
        How far conceding or escalating moves a position, as a fraction of the scale.
    params : dict, optional
        Model parameters.
    baseline : Forecast, optional
        ``model``'s forecast of ``scenario`` as given (with ``params``), when the caller has
        it already: the games of several issues share it.
    """
    from stratagem.models import get
    from stratagem.models.registry import forecasts_only

    problems = [
        Problem("actors", f"unknown actor {a!r}") for a in actors if a not in scenario.actor_ids
    ]
    if issue not in scenario.issue_ids:
        problems.append(
            Problem("issue", f"unknown issue {issue!r}; issues: {', '.join(scenario.issue_ids)}")
        )
    problems += [
        Problem("strategies", f"unknown stance {s!r}; one of {', '.join(STANCES)}")
        for s in stances
        if s not in STANCES
    ]
    if len(actors) < 2:
        problems.append(Problem("actors", "a game needs at least two actors"))
    if problems:
        raise InvalidInputError(problems)
    spec = get(model)
    j = scenario.issue_index(issue)
    scale = scenario.issue(issue)
    first = baseline if baseline is not None else spec.run(scenario, params)
    base = first.issues[issue].forecast
    own = {a: float(scenario.positions[scenario.actor_index(a), j]) for a in actors}
    sal = {a: float(scenario.salience[scenario.actor_index(a), j]) for a in actors}

    def stance_position(actor: str, stance: str) -> float:
        x = own[actor]
        direction = 1.0 if x >= base else -1.0
        move = step * scale.range * {"concede": -1.0, "hold": 0.0, "escalate": 1.0}[stance]
        return float(np.clip(x + direction * move, scale.min, scale.max))

    shape = (*(len(stances) for _ in actors), len(actors))
    payoffs = np.empty(shape)
    # profiles that put every player where another profile does (a stance clipped at an end
    # of the scale) are that profile's run: the same scenario, the same forecast
    outcomes: dict[tuple[float, ...], float] = {tuple(own[a] for a in actors): base}
    for profile in itertools.product(range(len(stances)), repeat=len(actors)):
        placed = tuple(stance_position(a, stances[k]) for a, k in zip(actors, profile, strict=True))
        if placed not in outcomes:
            played = scenario.apply(
                Change(a, "position", x, issue) for a, x in zip(actors, placed, strict=True)
            )
            with forecasts_only():  # the forecast is all a payoff needs
                outcomes[placed] = spec.run(played, params).issues[issue].forecast
        outcome = outcomes[placed]
        payoffs[profile] = [sal[a] * (1.0 - abs(own[a] - outcome) / scale.range) for a in actors]
    names = {a.id: a.name for a in scenario.actors}
    moves = tuple(tuple(stance_position(a, s) for s in stances) for a in actors)
    return NormalForm(
        players=tuple(names[a] for a in actors),
        strategies=tuple(tuple(stances) for _ in actors),
        payoffs=payoffs,
        title=f"{scenario.name}: stances on {issue} ({model})",
        moves=moves,
    )


@dataclass(frozen=True)
class _EquilibriaDraws:
    """The engine's evaluator: each draw's pure equilibria, as stance labels."""

    actors: tuple[str, ...]
    issue: str
    model: str
    stances: tuple[str, ...]
    step: float

    def __call__(
        self, scenario: Scenario, draws: Any, first_draw: int, seed: int
    ) -> list[list[tuple[str, ...]]]:
        out = []
        for d in range(draws.n):
            one = scenario.with_inputs(draws.positions[d], draws.salience[d], draws.capability[d])
            game = from_scenario(
                one.evolve(events=(), branches=()),
                self.actors,
                self.issue,
                self.model,
                self.stances,
                self.step,
            )
            out.append([tuple(game.profile_label(p)) for p in pure_equilibria(game)])
        return out


def equilibrium_survival(
    scenario: Scenario,
    actors: Sequence[str],
    issue: str,
    draws: int,
    seed: int,
    model: str = "compromise",
    stances: Sequence[str] = STANCES,
    step: float = 0.25,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> dict[tuple[str, ...], float]:
    """How often each pure equilibrium appears when the inputs are drawn from their uncertainty.

    Each draw perturbs the scenario's uncertain inputs (its distributions and default spread)
    through the uncertainty engine (:func:`stratagem.uncertainty.engine.run_draws`: per-chunk
    seeds, any executor, the same numbers for the same seed), rebuilds the game and finds its
    pure equilibria. Returns the share of draws in which each profile (as stance labels) is
    an equilibrium, most frequent first.
    """
    from stratagem.uncertainty.engine import run_draws

    evaluate = _EquilibriaDraws(tuple(actors), issue, model, tuple(stances), step)
    run = run_draws(scenario, evaluate, draws, seed, executor=executor, progress=progress)
    counts: dict[tuple[str, ...], int] = {}
    for found in run.results[None]:
        for key in found:
            counts[key] = counts.get(key, 0) + 1
    return {k: v / run.draws for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}
