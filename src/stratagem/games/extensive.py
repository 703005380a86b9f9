"""Extensive-form games (crisis trees), solved for subgame-perfect equilibria in pure strategies.

A tree of :class:`Move` nodes (a player chooses an action) ending in :class:`End` nodes
(payoffs). Nodes that share an ``infoset`` id form one information set (the player does not
know which of them it is at). With perfect information, plain backward induction gives every
subgame-perfect equilibrium; otherwise :func:`subgame_perfect` works bottom-up over the
subgames, finding every pure Nash equilibrium of each reduced subgame. Where a player is
indifferent, every combination is kept (never an arbitrary one). Gambit's own
solve-by-subgames was removed in 16.5 and its sequence-form solver can return a Nash
equilibrium that is not subgame perfect, so this is computed here.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "End",
    "Move",
    "SubgamePerfect",
    "backward_induction",
    "crisis_game",
    "subgame_perfect",
]


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
    infoset: str | None = None

    @property
    def key(self) -> str:
        """The information set this node is in (its own label when it is alone)."""
        return self.infoset if self.infoset is not None else self.label


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


def _nodes(node: Move | End) -> list[Move]:
    if isinstance(node, End):
        return []
    out = [node]
    for _, child in node.actions:
        out.extend(_nodes(child))
    return out


def subgame_perfect(root: Move | End, tolerance: float = 1e-12) -> list[SubgamePerfect]:
    """Every subgame-perfect equilibrium in pure strategies, by backward induction over subgames.

    A subgame starts at a node alone in its information set whose subtree contains every
    member of each information set it touches. Each subgame is reduced (its inner subgames
    replaced by their equilibria, every combination kept) and all pure Nash equilibria of the
    reduced game are found by enumeration.
    """
    everything = _nodes(root)
    members: dict[str, list[Move]] = {}
    for node in everything:
        members.setdefault(node.key, []).append(node)
    if all(len(v) == 1 for v in members.values()):
        return backward_induction(root, tolerance)

    def is_root(node: Move) -> bool:
        inside = {id(n) for n in _nodes(node)}
        if len(members[node.key]) > 1:
            return False
        return all(all(id(m) in inside for m in members[n.key]) for n in _nodes(node))

    def solve(node: Move | End) -> list[tuple[dict[str, str], tuple[float, ...], tuple[str, ...]]]:
        if isinstance(node, End):
            return [({}, node.payoffs, ())]
        # the reduced game: infosets of this subgame outside nested subgames, and nested roots
        infosets: dict[str, Move] = {}
        nested: list[Move] = []

        def walk(n: Move | End, top: bool) -> None:
            if isinstance(n, End):
                return
            if not top and is_root(n):
                nested.append(n)
                return
            infosets.setdefault(n.key, n)
            for _, child in n.actions:
                walk(child, False)

        walk(node, True)
        nested_solutions = [solve(n) for n in nested]
        keys = list(infosets)
        choices = [[a for a, _ in infosets[k].actions] for k in keys]
        results = []
        for nested_pick in itertools.product(*nested_solutions):
            fixed = {id(n): sol for n, sol in zip(nested, nested_pick, strict=True)}

            def play(
                n: Move | End, plan: Mapping[str, str], fixed: Mapping[int, Any] = fixed
            ) -> tuple[tuple[float, ...], tuple[str, ...]]:
                if isinstance(n, End):
                    return n.payoffs, ()
                if id(n) in fixed:
                    _, payoffs, path = fixed[id(n)]
                    return payoffs, path
                action = plan[n.key]
                child = dict(n.actions)[action]
                payoffs, path = play(child, plan)
                return payoffs, (action, *path)

            profiles = list(itertools.product(*choices))
            value = {}
            for profile in profiles:
                plan = dict(zip(keys, profile, strict=True))
                value[profile] = play(node, plan)
            for profile in profiles:
                payoffs, path = value[profile]
                stable = True
                for player in {infosets[k].player for k in keys}:
                    own = [i for i, k in enumerate(keys) if infosets[k].player == player]
                    for alt in itertools.product(*(choices[i] for i in own)):
                        changed = list(profile)
                        for i, a in zip(own, alt, strict=True):
                            changed[i] = a
                        if value[tuple(changed)][0][player] > payoffs[player] + tolerance:
                            stable = False
                            break
                    if not stable:
                        break
                if stable:
                    plan = dict(zip(keys, profile, strict=True))
                    for sol in nested_pick:
                        plan.update(sol[0])
                    results.append((plan, payoffs, path))
        return results

    out = []
    seen = set()
    for plan, payoffs, path in solve(root):
        key = tuple(sorted(plan.items()))
        if key not in seen:
            seen.add(key)
            end = root
            for action in path:
                assert isinstance(end, Move)
                end = dict(end.actions)[action]
            label = end.label if isinstance(end, End) else "?"
            out.append(SubgamePerfect(plan, label, payoffs, path))
    return out
