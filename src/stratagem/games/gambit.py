"""The one module that talks to pygambit (the optional ``games`` extra, ``>=16.7,<17``).

It builds Gambit games from stratagem's, runs Gambit's solvers, and normalises what comes
back: every returned profile is checked (its maximum regret must not exceed the
tolerance), payoffs are rescaled to [0, 1] before float solvers (a float LCP has silently
returned nothing on large payoffs), and an empty result is a failure, not "no equilibrium".
pygambit's API changed within 16.x and changes again in 17.0: nothing else in stratagem
imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stratagem.errors import InvalidInputError, Problem, StratagemError
from stratagem.games.extensive import End, Move
from stratagem.games.normal import NormalForm, expected_payoffs, regret

__all__ = ["METHODS", "Equilibrium", "read_game", "solve", "to_gambit", "tree_to_gambit"]

METHODS = ("enumpure", "enummixed", "lcp", "gnm", "ipa", "simpdiv", "logit")
TWO_PLAYER_ONLY = {"enummixed", "lcp"}


def _gbt() -> Any:
    try:
        import pygambit
    except ImportError as exc:
        raise StratagemError(
            "this needs the optional extra: pip install 'stratagem[games]' (pygambit builds "
            "from source, about 16 minutes the first time)"
        ) from exc
    return pygambit


@dataclass(frozen=True)
class Equilibrium:
    """A mixed profile (one probability vector per player), with payoffs and regrets."""

    mixed: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    regret: tuple[float, ...]

    def to_dict(self, game: NormalForm) -> dict[str, Any]:
        """JSON-ready, with strategy labels."""
        return {
            "strategies": [
                dict(zip(game.strategies[k], probs, strict=True))
                for k, probs in enumerate(self.mixed)
            ],
            "payoffs": list(self.payoffs),
            "regret": list(self.regret),
        }


def to_gambit(game: NormalForm) -> Any:
    """The game as a pygambit table."""
    gbt = _gbt()
    arrays = [np.asarray(game.payoffs[..., p], dtype=float) for p in range(len(game.players))]
    g = gbt.Game.from_arrays(*arrays, title=game.title or "stratagem game")
    for k, player in enumerate(g.players):
        player.label = game.players[k]
        for s, strategy in enumerate(player.strategies):
            strategy.label = game.strategies[k][s]
    return g


def _profile_vectors(profile: Any, g: Any) -> tuple[tuple[float, ...], ...]:
    return tuple(
        tuple(float(profile[strategy]) for strategy in player.strategies) for player in g.players
    )


def solve(game: NormalForm, method: str = "enumpure", tolerance: float = 1e-9) -> list[Equilibrium]:
    """Equilibria of ``game`` by a Gambit solver, each verified by its regret.

    Parameters
    ----------
    game : NormalForm
        The game.
    method : str
        One of :data:`METHODS` (``enummixed``/``lcp`` need two players; ``logit`` gives the
        limiting logit quantal-response equilibrium).
    tolerance : float
        Largest regret accepted (payoffs rescaled to [0, 1]).

    Raises
    ------
    InvalidInputError
        If the method does not apply to the game.
    StratagemError
        If the solver returns nothing, or a profile whose regret exceeds the tolerance.
    """
    if method not in METHODS:
        raise InvalidInputError(
            [Problem("method", f"{method!r} is not one of {', '.join(METHODS)}")]
        )
    if method in TWO_PLAYER_ONLY and len(game.players) != 2:
        raise InvalidInputError([Problem("method", f"{method} solves two-player games only")])
    gbt = _gbt()
    lo, hi = float(game.payoffs.min()), float(game.payoffs.max())
    scaled = NormalForm(
        game.players,
        game.strategies,
        (game.payoffs - lo) / (hi - lo) if hi > lo else game.payoffs * 0.0,
        game.title,
    )
    g = to_gambit(scaled)
    solver = {
        "enumpure": lambda: gbt.nash.enumpure_solve(g),
        "enummixed": lambda: gbt.nash.enummixed_solve(g, rational=False),
        "lcp": lambda: gbt.nash.lcp_solve(g, rational=False),
        "gnm": lambda: gbt.nash.gnm_solve(g),
        "ipa": lambda: gbt.nash.ipa_solve(g),
        "simpdiv": lambda: gbt.nash.simpdiv_solve(g.mixed_strategy_profile(rational=True)),
        "logit": lambda: gbt.nash.logit_solve(g),
    }[method]
    result = solver()
    profiles = list(result.equilibria)
    if not profiles and method != "enumpure":
        raise StratagemError(f"Gambit's {method} returned no equilibrium for {game.title!r}")
    out = []
    for profile in profiles:
        mixed = _profile_vectors(profile, g)
        r = regret(scaled, mixed)
        if method != "logit" and float(r.max()) > tolerance:
            raise StratagemError(f"Gambit's {method} returned a profile with regret {r.max():.3g}")
        payoff = tuple(float(v) for v in expected_payoffs(game, mixed))
        out.append(Equilibrium(mixed, payoff, tuple(float(v) for v in regret(game, mixed))))
    return out


def read_game(path: str | Path) -> NormalForm | Move:
    """Read a Gambit ``.nfg`` (strategic form) or ``.efg`` (game tree) file.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, or the tree has chance moves.
    """
    gbt = _gbt()
    source = str(path)
    reader = gbt.read_efg if source.endswith(".efg") else gbt.read_nfg
    try:
        g = reader(source)
    except Exception as exc:  # noqa: BLE001 - Gambit's parser raises assorted errors
        raise InvalidInputError(
            [Problem("file", f"is not a valid Gambit game: {exc}", None, source)]
        ) from None
    if source.endswith(".efg"):
        return _tree(g, source)
    shape = [len(p.strategies) for p in g.players]
    payoffs = np.empty((*shape, len(g.players)))
    for profile in np.ndindex(*shape):
        gp = g[tuple(profile)]
        payoffs[profile] = [float(gp[player]) for player in g.players]
    return NormalForm(
        tuple(p.label for p in g.players),
        tuple(tuple(s.label for s in p.strategies) for p in g.players),
        payoffs,
        g.title,
    )


def _tree(g: Any, source: str) -> Move:
    players = list(g.players)

    def convert(node: Any, path: str) -> Move | End:
        if node.is_terminal:
            outcome = node.outcome
            payoffs = tuple(float(outcome[p]) if outcome is not None else 0.0 for p in players)
            return End(node.label or path or "end", payoffs)
        if node.player is None or node.player.is_chance:
            raise InvalidInputError(
                [Problem("file", "chance moves are not supported", None, source)]
            )
        label = node.label or f"{node.player.label}@{path or 'root'}"
        actions = tuple(
            (action.label, convert(child, f"{path}/{action.label}"))
            for action, child in zip(node.infoset.actions, node.children, strict=True)
        )
        infoset = node.infoset
        shared = (
            f"{node.player.label}:{infoset.label or infoset.number}"
            if len(infoset.members) > 1
            else None
        )
        return Move(players.index(node.player), label, actions, shared)

    root = convert(g.root, "")
    if isinstance(root, End):
        raise InvalidInputError([Problem("file", "the game tree has no move", None, source)])
    return root


def tree_to_gambit(root: Move, players: Sequence[str], title: str = "stratagem game") -> Any:
    """A stratagem tree as a pygambit extensive game (write it with ``.to_efg()``)."""
    gbt = _gbt()
    g = gbt.Game.new_tree(players=list(players), title=title)
    infosets: dict[str, Any] = {}

    def build(node: Move | End, at: Any) -> None:
        if isinstance(node, End):
            at.label = node.label
            label = node.label
            k = 1
            while any(o.label == label for o in g.outcomes):
                k += 1
                label = f"{node.label} ({k})"
            g.set_outcome(at, g.add_outcome(label, list(node.payoffs)))
            return
        if node.infoset is not None and node.infoset in infosets:
            g.append_infoset(at, infosets[node.infoset])
        else:
            g.append_move(at, players[node.player], [a for a, _ in node.actions])
            if node.infoset is not None:
                infosets[node.infoset] = at.infoset
        at.label = node.label
        for (_, child), child_at in zip(node.actions, at.children, strict=True):
            build(child, child_at)

    build(root, g.root)
    return g
