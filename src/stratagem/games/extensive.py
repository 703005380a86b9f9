"""Extensive-form crisis games with perfect information, solved by backward induction.

A tree of :class:`Move` nodes (a player chooses an action) ending in :class:`End` nodes
(payoffs). Backward induction gives every subgame-perfect equilibrium: where a player is
indifferent between actions, every combination is kept (never an arbitrary one). Gambit's
own solve-by-subgames was removed in 16.5 and its sequence-form solver can return a Nash
equilibrium that is not subgame perfect, so this is computed here.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["End", "Move", "SubgamePerfect", "backward_induction", "crisis_game"]


@dataclass(frozen=True)
class End:
    """A terminal node: the outcome's label and each player's payoff."""

    label: str
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class Move:
    """A decision node: ``player`` (index) chooses among labelled actions."""

    player: int
    label: str
    actions: tuple[tuple[str, Move | End], ...]


@dataclass(frozen=True)
class SubgamePerfect:
    """One subgame-perfect equilibrium: a plan (node label → action) and its outcome."""

    plan: Mapping[str, str]
    outcome: str
    payoffs: tuple[float, ...]
    path: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "plan": dict(self.plan),
            "outcome": self.outcome,
            "payoffs": list(self.payoffs),
            "path": list(self.path),
        }


def _solve(node: Move | End, tolerance: float) -> list[tuple[dict[str, str], End, tuple[str, ...]]]:
    if isinstance(node, End):
        return [({}, node, ())]
    # every combination of the children's equilibria, for the plans off the path too
    child_solutions = [(action, _solve(child, tolerance)) for action, child in node.actions]
    results = []
    for combo in itertools.product(*(sols for _, sols in child_solutions)):
        merged: dict[str, str] = {}
        for plan, _, _ in combo:
            merged.update(plan)
        values = [end.payoffs[node.player] for _, end, _ in combo]
        best = max(values)
        for k, (action, _) in enumerate(child_solutions):
            if values[k] >= best - tolerance:
                _, end, path = combo[k]
                results.append(({**merged, node.label: action}, end, (action, *path)))
    return results


def backward_induction(root: Move | End, tolerance: float = 1e-12) -> list[SubgamePerfect]:
    """Every subgame-perfect equilibrium in pure strategies of a perfect-information tree."""
    seen = set()
    out = []
    for plan, end, path in _solve(root, tolerance):
        key = tuple(sorted(plan.items()))
        if key in seen:
            continue
        seen.add(key)
        out.append(SubgamePerfect(plan, end.label, end.payoffs, path))
    return out


def crisis_game(players: Sequence[str], payoffs: Mapping[str, Sequence[float]]) -> Move:
    """The classic crisis tree: challenge, resist or concede, then fight or back down.

    The challenger challenges or stays; the defender resists or concedes; if resisted, the
    challenger fights (war) or backs down.

    Parameters
    ----------
    players : (challenger, defender)
        Names, for labels only.
    payoffs : mapping of outcome to (challenger, defender) payoffs
        Outcomes ``status quo``, ``defender concedes``, ``challenger backs down``, ``war``.
    """
    c, d = players

    def end(name: str) -> End:
        return End(name, tuple(float(v) for v in payoffs[name]))

    fight = Move(
        0,
        f"{c}: after resistance",
        (("fight", end("war")), ("back down", end("challenger backs down"))),
    )
    respond = Move(
        1, f"{d}: after challenge", (("resist", fight), ("concede", end("defender concedes")))
    )
    return Move(0, f"{c}: start", (("challenge", respond), ("stay", end("status quo"))))
