r"""A graph-model analysis: stability, why, coalitions, and the road from the status quo.

* :func:`analyse` — per decision maker its ranking of the states; per concept which states
  are stable for whom and the equilibria; coalition findings; the status quo's paths.
* :func:`explain` — for one state and decision maker, its unilateral improvements and, for
  each, the sanction that blocks it under a concept (with the moves that make it), or that
  none does.
* Coalitions (Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008): from a state, a
  coalition *C* (two decision makers or more) *improves* when a legal sequence of its
  members' moves (no member twice in a row), or with ``coalition_moves="joint"`` one move
  of all of them at once, reaches a state every member strictly prefers. An equilibrium
  that some coalition can leave so is coalitionally unstable for it.
* Move agreement (:func:`move_agreement`): for decision makers *a*, *b* and a third one *m*,
  over every legal move :math:`s \to s'` of *m*, the signs of
  :math:`\Delta_a = \mathrm{score}_a(s') - \mathrm{score}_a(s)` and :math:`\Delta_b`;
  the share :math:`\#\{\Delta_a\Delta_b > 0\} / \#\{\Delta_a\Delta_b \ne 0\}` is
  how alike they judge *m*'s moves.
* Status quo analysis (Li, Kilgour & Hipel 2005; Xu, Kilgour, Hipel & Kemkes 2010): which
  states, and which equilibria, can be reached from the status quo by legal sequences of
  unilateral improvements (and of any moves), each with a shortest path — who moves, from
  which state to which.
* Preferences under uncertainty: each statement with a probability below 1 is kept in a draw
  with that probability; :func:`preference_draws` reports how often each state is an
  equilibrium, through the uncertainty engine (:func:`stratagem.uncertainty.engine.
  run_random_draws`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem._version import __version__
from stratagem.conflict.model import Conflict
from stratagem.conflict.stability import BASIC, CONCEPTS, Graph, equilibria, stability
from stratagem.errors import InvalidInputError, Problem

__all__ = [
    "CoalitionFinding",
    "ConflictAnalysis",
    "MoveAgreement",
    "Path",
    "PreferenceDraws",
    "analyse",
    "explain",
    "move_agreement",
    "preference_draws",
    "reach",
]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Path:
    """A legal sequence of moves: ``steps`` of (decision maker id, from state, to state).

    A step by several decision makers at once names them joined by ``+``.
    """

    steps: tuple[tuple[str, int, int], ...]

    def words(self, conflict: Conflict) -> str:
        """The path in words, decision makers and states by name."""
        if not self.steps:
            return "no move"
        names = {d.id: d.label for d in conflict.decision_makers}

        def step(dm: str, a: int, b: int) -> str:
            movers = dm.split("+")
            if len(movers) == 1:
                return f"{names.get(dm, dm)} {conflict.describe_move(a, b)}"
            who = " and ".join(names.get(m, m) for m in movers)
            return f"{who}, moving at once, {conflict.describe_move(a, b, plural=True)}"

        return "; then ".join(step(*s) for s in self.steps)

    def to_dict(self) -> list[dict[str, Any]]:
        """JSON-ready (ordered state numbers, 1-based)."""
        return [{"by": dm, "from": a + 1, "to": b + 1} for dm, a, b in self.steps]


def reach(graph: Graph, start: int, movers: Sequence[int], improving: bool) -> dict[int, Path]:
    """Every state reachable from ``start`` by a legal sequence of the movers' moves.

    Each with a shortest path (breadth first); with ``improving``, every move a UI of its
    mover. ``start`` itself is not included.
    """
    conflict = graph.conflict
    n = graph.n
    seen = {(start, -1)}
    frontier = [(start, -1)]
    parent: dict[tuple[int, int], tuple[tuple[int, int], int, int]] = {}
    found: dict[int, tuple[int, int]] = {}
    while frontier:
        nxt = []
        for state, last in frontier:
            for d in movers:
                if d == last:
                    continue
                # The mover's best replies first, so that a shortest path takes them.
                targets = sorted(
                    (int(x) for x in graph.moves[d][:, state] if x < n),
                    key=lambda x: -int(graph.scores[d, x]),
                )
                for t in targets:
                    if improving and graph.scores[d, t] <= graph.scores[d, state]:
                        continue
                    key = (t, d)
                    if key in seen:
                        continue
                    seen.add(key)
                    parent[key] = ((state, last), d, t)
                    nxt.append(key)
                    if t != start and t not in found:
                        found[t] = key
        frontier = nxt
    ids = [d.id for d in conflict.decision_makers]
    out = {}
    for target, key in found.items():
        steps = []
        node = key
        while node in parent:
            prev, d, t = parent[node]
            steps.append((ids[d], prev[0], t))
            node = prev
        out[target] = Path(tuple(reversed(steps)))
    return out


def explain(graph: Graph, state: int, dm: str, concept: str = "gmr", h: int = 2) -> list[str]:
    """Why ``state`` is or is not stable for ``dm`` under ``concept``, in words.

    Each unilateral improvement, and the sanction that blocks it (with the moves that make
    it) or that none does. For ``lh`` and ``nm`` the verdict alone is given.
    """
    conflict = graph.conflict
    i = conflict.dm_index(dm)
    name = conflict.decision_makers[i].label
    verdict = bool(stability(graph, concept, h)[i, state])
    head = (
        f"{conflict.describe(state)} is {'stable' if verdict else 'unstable'} for {name} "
        f"under {concept}"
    )
    rows = graph.moves[i][:, state]
    improvements = sorted(
        {int(t) for t in rows if t < graph.n and graph.scores[i, t] > graph.scores[i, state]}
    )
    if not improvements:
        return [head + f": {name} has no unilateral improvement from it."]
    lines = [head + f"; {name}'s unilateral improvements:"]
    others = [d for d in range(len(conflict.decision_makers)) if d != i]
    own = graph.scores[i, state]
    for s1 in improvements:
        text = f"  to {conflict.describe(s1)}"
        if concept in ("lh", "nm"):
            lines.append(text)
            continue
        if concept == "nash":
            lines.append(text + ": an improvement, so the state is not Nash stable")
            continue
        sanction = _sanction(graph, i, others, s1, own, concept, state)
        if sanction is None:
            lines.append(text + ": no sanction blocks it")
        else:
            lines.append(text + f": blocked, since {sanction.words(conflict)}")
    return lines


def _sanction(
    graph: Graph, i: int, others: Sequence[int], s1: int, own: int, concept: str, state: int
) -> Path | None:
    """A sanction of *i*'s move to ``s1`` under ``concept`` (the shortest), if any."""
    if concept in {"sim", "seqsim"}:
        found = _simultaneous(graph, i, others, s1, own, state)
        if found is None or concept == "sim":
            return found
    improving = concept in ("seq", "seqsim")
    for target, path in sorted(
        reach(graph, s1, others, improving).items(), key=lambda kv: len(kv[1].steps)
    ):
        if graph.scores[i, target] > own:
            continue
        if concept == "smr":
            answers = graph.moves[i][:, target]
            if any(t < graph.n and graph.scores[i, t] > own for t in answers):
                continue
        return path
    return None


def _simultaneous(
    graph: Graph, i: int, others: Sequence[int], s1: int, own: int, state: int
) -> Path | None:
    """The others' joint UIs from ``state`` that, with *i*'s move to ``s1``, hurt *i*."""
    conflict = graph.conflict
    ids = [d.id for d in conflict.decision_makers]
    codes = conflict.codes
    options = []
    for d in others:
        ups = [
            (k, int(t))
            for k, t in enumerate(graph.moves[d][:, state])
            if t < graph.n and graph.scores[d, t] > graph.scores[d, state]
        ]
        options.append([None, *ups])
    for combo in itertools.product(*options):
        if all(c is None for c in combo):
            continue
        joint = int(codes[s1])
        for d, c in zip(others, combo, strict=True):
            if c is not None:
                joint ^= int(graph.masks[d][c[0]])
        target = conflict.index_of.get(joint)
        if target is not None and graph.scores[i, target] <= own:
            # i's move and the others' at once: one joint step from the state
            movers = [ids[i], *(ids[d] for d, c in zip(others, combo, strict=True) if c)]
            return Path((("+".join(movers), state, target),))
    return None


@dataclass(frozen=True)
class CoalitionFinding:
    """A coalition's improvements from the equilibria of a concept."""

    coalition: tuple[str, ...]
    concept: str
    improvements: dict[int, tuple[int, Path]] = field(default_factory=dict)  # eq -> (to, path)

    @property
    def unstable(self) -> tuple[int, ...]:
        """The equilibria the coalition can leave to a state all its members prefer."""
        return tuple(sorted(self.improvements))

    def sentences(self, conflict: Conflict) -> list[str]:
        """The finding in words."""
        names = " and ".join(
            conflict.decision_makers[conflict.dm_index(d)].label for d in self.coalition
        )
        if not self.improvements:
            return [
                (
                    f"{names} together cannot leave any {self.concept} equilibrium for a state "
                    "they all prefer."
                )
            ]
        return [
            f"From {conflict.describe(eq)}, a {self.concept} equilibrium, {names} together reach "
            f"{conflict.describe(to)}, which they all prefer: {path.words(conflict)}."
            for eq, (to, path) in sorted(self.improvements.items())
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (ordered state numbers)."""
        return {
            "coalition": list(self.coalition),
            "concept": self.concept,
            "unstable_equilibria": [e + 1 for e in self.unstable],
            "improvements": [
                {"from": e + 1, "to": to + 1, "path": path.to_dict()}
                for e, (to, path) in sorted(self.improvements.items())
            ],
        }


COALITION_MOVES = ("sequence", "joint")
"""How a coalition moves: a legal sequence of its members' unilateral moves (no member twice
in a row; Inohara & Hipel 2008), or one joint move in which members move at once."""


def coalition_finding(
    graph: Graph,
    coalition: Sequence[str],
    concept: str,
    states: Sequence[int],
    moves: str = "sequence",
) -> CoalitionFinding:
    """The coalition's improvements from each of ``states`` (its nearest one per state).

    An improvement is a state the coalition reaches (by ``moves``: see
    :data:`COALITION_MOVES`) that every member strictly prefers.
    """
    conflict = graph.conflict
    members = [conflict.dm_index(d) for d in coalition]
    found = {}
    for s in states:
        reached = (
            _joint(graph, s, members)
            if moves == "joint"
            else reach(graph, s, members, improving=False)
        )
        better = {
            t: p
            for t, p in reached.items()
            if all(graph.scores[m, t] > graph.scores[m, s] for m in members)
        }
        if better:
            to = min(better, key=lambda t: (len(better[t].steps), t))
            found[s] = (to, better[to])
    return CoalitionFinding(tuple(coalition), concept, found)


def _joint(graph: Graph, state: int, members: Sequence[int]) -> dict[int, Path]:
    """The states the members reach from ``state`` by moving at once (each once at most)."""
    conflict = graph.conflict
    ids = [d.id for d in conflict.decision_makers]
    choices = [
        [
            None,
            *(
                (int(graph.masks[d][k]), int(t))
                for k, t in enumerate(graph.moves[d][:, state])
                if t < graph.n
            ),
        ]
        for d in members
    ]
    out: dict[int, Path] = {}
    for combo in itertools.product(*choices):
        moving = [(d, c) for d, c in zip(members, combo, strict=True) if c is not None]
        if not moving:
            continue
        code = int(conflict.codes[state])
        for _, (mask, _) in moving:
            code ^= mask
        target = conflict.index_of.get(code)
        if target is None or target in out:
            continue
        out[target] = Path((("+".join(ids[d] for d, _ in moving), state, target),))
    return out


@dataclass(frozen=True)
class MoveAgreement:
    """How alike two decision makers judge the moves of each third one.

    ``counts[a, b, m]`` holds, over every legal move of decision maker ``m`` from every
    feasible state, how many both ``a`` and ``b`` gain from or both lose from (``aligned``),
    how many one gains from and the other loses from (``opposed``), and how many leave one
    of them indifferent. ``share`` is aligned / (aligned + opposed): 1 when they always judge
    a move alike, 0 when always oppositely, NaN when they never both care.
    """

    conflict: Conflict
    aligned: npt.NDArray[np.int64]  # (a, b, mover)
    opposed: npt.NDArray[np.int64]
    indifferent: npt.NDArray[np.int64]

    def share(self, a: str, b: str, mover: str | None = None) -> float:
        """The aligned share for a pair, on one mover's moves or on every third party's."""
        c = self.conflict
        return self._share(
            c.dm_index(a), c.dm_index(b), None if mover is None else c.dm_index(mover)
        )

    def _share(self, a: int, b: int, mover: int | None = None) -> float:
        movers = [m for m in range(self.aligned.shape[2]) if m not in (a, b)]
        pick = movers if mover is None else [mover]
        same = int(self.aligned[a, b, pick].sum())
        apart = int(self.opposed[a, b, pick].sum())
        return same / (same + apart) if same + apart else float("nan")

    def matrix(self) -> npt.NDArray[np.float64]:
        """The aligned share of every pair on every third party's moves (1 on the diagonal)."""
        n = self.aligned.shape[0]
        out = np.ones((n, n))
        for a in range(n):
            for b in range(n):
                if a != b:
                    out[a, b] = self._share(a, b)
        return out

    def sentences(self, a: str, b: str) -> list[str]:
        """How a pair judges each third party's moves, in words."""
        c = self.conflict
        i, j = c.dm_index(a), c.dm_index(b)
        names = [d.label for d in c.decision_makers]
        whose = [n + ("'" if n.endswith("s") else "'s") for n in names]
        out = []
        for m in range(len(names)):
            if m in (i, j):
                continue
            same, apart = int(self.aligned[i, j, m]), int(self.opposed[i, j, m])
            idle = int(self.indifferent[i, j, m])
            if same + apart == 0:
                out.append(f"{names[i]} and {names[j]} never both care about {whose[m]} moves.")
                continue
            out.append(
                f"{names[i]} and {names[j]} judge {whose[m]} moves alike in "
                f"{same / (same + apart):.0%} of the {same + apart} moves both care about "
                f"(opposed in {apart}; {idle} leave one of them indifferent)."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the share matrix, and per pair and mover the counts."""
        ids = [d.id for d in self.conflict.decision_makers]
        n = len(ids)
        return {
            "decision_makers": ids,
            "share": [[None if np.isnan(v) else float(v) for v in row] for row in self.matrix()],
            "by_mover": [
                {
                    "pair": [ids[a], ids[b]],
                    "mover": ids[m],
                    "aligned": int(self.aligned[a, b, m]),
                    "opposed": int(self.opposed[a, b, m]),
                    "indifferent": int(self.indifferent[a, b, m]),
                }
                for a in range(n)
                for b in range(a + 1, n)
                for m in range(n)
                if m not in (a, b)
            ],
        }


def move_agreement(graph: Graph) -> MoveAgreement:
    """Count how every pair of decision makers judges each third party's legal moves."""
    n_dm = len(graph.conflict.decision_makers)
    n = graph.n
    aligned = np.zeros((n_dm, n_dm, n_dm), dtype=np.int64)
    opposed = np.zeros_like(aligned)
    indifferent = np.zeros_like(aligned)
    scores = graph.scores[:, :n]
    for m in range(n_dm):
        targets = graph.moves[m][:, :n]
        legal = targets < n
        source = np.broadcast_to(np.arange(n), targets.shape)[legal]
        to = targets[legal]
        gain = np.sign(scores[:, to] - scores[:, source])  # (decision makers, moves)
        for a in range(n_dm):
            for b in range(a + 1, n_dm):
                product = gain[a] * gain[b]
                same, apart = int((product > 0).sum()), int((product < 0).sum())
                idle = int(product.size - same - apart)
                for x, y in ((a, b), (b, a)):
                    aligned[x, y, m], opposed[x, y, m], indifferent[x, y, m] = same, apart, idle
    return MoveAgreement(graph.conflict, aligned, opposed, indifferent)


@dataclass(frozen=True)
class ConflictAnalysis:
    """A conflict's stability analysis, with rankings, coalitions and status quo paths."""

    conflict: Conflict
    concepts: tuple[str, ...]
    stable: dict[str, BoolArray]  # concept -> (decision makers, states)
    scores: npt.NDArray[np.int64]
    h: int = 2
    coalitions: tuple[CoalitionFinding, ...] = ()
    start: int | None = None
    by_improvements: dict[int, Path] = field(default_factory=dict)
    by_moves: dict[int, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    draws: PreferenceDraws | None = None
    coalition_moves: str = "sequence"
    agreement: MoveAgreement | None = None

    def explain(self, state: int | str | Sequence[str], dm: str, concept: str = "gmr") -> list[str]:
        """Why a state is or is not stable for a decision maker under a concept, in words.

        ``state``: an ordered state number (1-based) or the options taken.

        Raises
        ------
        InvalidInputError
            If the state, the decision maker or the concept is unknown.
        """
        c = self.conflict
        index = c.state_index(state, "explain")
        ids = [d.id for d in c.decision_makers]
        problems = []
        if dm not in ids:
            problems.append(
                Problem(
                    "explain", f"unknown decision maker {dm!r}; decision makers: {', '.join(ids)}"
                )
            )
        if concept not in CONCEPTS:
            problems.append(
                Problem("concept", f"unknown concept {concept!r}; one of {', '.join(CONCEPTS)}")
            )
        elif concept in ("lh", "nm") and len(ids) != 2:
            problems.append(Problem("concept", f"{concept} is defined for two decision makers"))
        if problems:
            raise InvalidInputError(problems)
        return explain(Graph.build(c).with_scores(self.scores), index, dm, concept, self.h)

    def ends_at_equilibria(self, concept: str) -> dict[str, list[int]]:
        """For each named end, the equilibria (ordered numbers) under a concept that are in it."""
        eqs = self.equilibria(concept)
        return {
            name: [e for e in eqs if mask[e - 1]] for name, mask in self.conflict.end_masks.items()
        }

    def equilibria(self, concept: str) -> list[int]:
        """The equilibria under a concept, as ordered state numbers (1-based)."""
        return [int(k) + 1 for k in equilibria(self.stable[concept])]

    def ranking(self, dm: str) -> list[list[int]]:
        """A decision maker's ranking: tiers of ordered state numbers, most preferred first."""
        row = self.scores[self.conflict.dm_index(dm)]
        tiers = sorted(set(row.tolist()), reverse=True)
        return [[int(k) + 1 for k in np.flatnonzero(row == t)] for t in tiers]

    def reachable_equilibria(self, concept: str) -> dict[str, dict[int, Path]]:
        """The equilibria reachable from the status quo: by improvements, and by any moves."""
        eqs = {e - 1 for e in self.equilibria(concept)}
        out = {}
        for kind, paths in (("improvements", self.by_improvements), ("moves", self.by_moves)):
            found = {e: paths[e] for e in sorted(eqs) if e in paths}
            if self.start is not None and self.start in eqs:
                found[self.start] = Path(())
            out[kind] = found
        return out

    def reachable_ends(self) -> dict[str, tuple[int, Path]]:
        """Each named end reached from the status quo by unilateral improvements.

        The nearest state of the end (0-based) and the path to it; an end the status quo is
        in is reached by no move. Equilibrium or not: an end passed through on the way counts.
        """
        if self.start is None:
            return {}
        paths = {self.start: Path(()), **self.by_improvements}
        out = {}
        for name, mask in self.conflict.end_masks.items():
            inside = [k for k in paths if mask[k]]
            if inside:
                k = min(inside, key=lambda x: (len(paths[x].steps), x))
                out[name] = (k, paths[k])
        return out

    def reachability_graph(self) -> dict[str, Any]:
        """The road from the status quo, as one graph.

        The shortest improvement paths to every equilibrium reached and to each named end's
        first state, merged. ``nodes``: state (1-based), depth (moves from the status quo),
        the concepts it is an equilibrium under, its named ends; ``edges``: from, to, the
        mover's id. Empty without a status quo.
        """
        if self.start is None:
            return {"nodes": [], "edges": []}
        targets = {e - 1 for x in self.concepts for e in self.equilibria(x)} & (
            set(self.by_improvements) | {self.start}
        )
        targets |= {k for k, _ in self.reachable_ends().values()}
        depth = {self.start: 0}
        edges: dict[tuple[int, int], str] = {}
        for t in sorted(targets):
            path = self.by_improvements.get(t)
            for k, (dm, a, b) in enumerate(path.steps if path else ()):
                depth[b] = min(depth.get(b, k + 1), k + 1)
                depth.setdefault(a, k)
                edges[(a, b)] = dm
        c = self.conflict
        nodes = [
            {
                "state": k + 1,
                "depth": d,
                "equilibrium_under": [x for x in self.concepts if self.stable[x][:, k].all()],
                "ends": c.ends_of(k),
                "status_quo": k == self.start,
            }
            for k, d in sorted(depth.items(), key=lambda kv: (kv[1], kv[0]))
        ]
        return {
            "nodes": nodes,
            "edges": [{"from": a + 1, "to": b + 1, "by": dm} for (a, b), dm in edges.items()],
        }

    def to_frame(self, every_state: bool = False) -> Any:
        """The stability table (:meth:`stability_rows`) as a pandas DataFrame.

        Columns ``state``, ``status_quo``, ``options_taken``, ``ends``, then one per concept
        (``EQ``, or Y/N per decision maker in order). Needs the ``pandas`` extra.
        """
        from stratagem.tables import pandas

        rows = [
            {
                "state": r["state"],
                "status_quo": r["status_quo"],
                "options_taken": ", ".join(r["taken"]),
                "ends": ", ".join(r["ends"]),
                **dict(zip(self.concepts, r["cells"], strict=True)),
            }
            for r in self.stability_rows(every_state)
        ]
        return pandas().DataFrame(rows)

    def _repr_html_(self) -> str:
        from stratagem.tables import html_table

        c = self.conflict
        rows = [
            [
                f"{r['state']}{' (status quo)' if r['status_quo'] else ''}",
                ", ".join(r["taken"]) or "no option taken",
                ", ".join(r["ends"]),
                *r["cells"],
            ]
            for r in self.stability_rows()
        ]
        makers = ", ".join(d.label for d in c.decision_makers)
        caption = (
            f"Graph model: the equilibria and the status quo of {c.n_states} feasible states "
            f"(per concept: EQ, or Y/N for {makers})"
        )
        return html_table(caption, ["state", "options taken", "named ends", *self.concepts], rows)

    def stability_rows(self, every_state: bool = False) -> list[dict[str, Any]]:
        """The rows of a stability table: the equilibria and the status quo, or every state.

        Each row: ``state`` (1-based), ``status_quo``, ``taken`` (the options' names),
        ``pattern`` (Y/N per option, in order), ``ends``, and ``cells``: per concept ``EQ``
        when stable for everyone, else Y/N per decision maker in order.
        """
        c = self.conflict
        if every_state:
            shown = set(range(c.n_states))
        else:
            shown = {e - 1 for x in self.concepts for e in self.equilibria(x)}
            if self.start is not None:
                shown.add(self.start)
        rows = []
        for k in sorted(shown):
            cells = []
            for concept in self.concepts:
                flags = self.stable[concept][:, k]
                cells.append("EQ" if flags.all() else "".join("Y" if f else "N" for f in flags))
            rows.append(
                {
                    "state": k + 1,
                    "status_quo": k == self.start,
                    "taken": [o.label for o, t in zip(c.options, c.taken[k], strict=True) if t],
                    "pattern": "".join("Y" if t else "N" for t in c.taken[k]),
                    "ends": c.ends_of(k),
                    "cells": cells,
                }
            )
        return rows

    def states(self) -> list[dict[str, Any]]:
        """Every feasible state: ordered number, decimal code and the options taken."""
        c = self.conflict
        return [
            {
                "state": k + 1,
                "decimal": int(code),
                "taken": [o.id for o, t in zip(c.options, c.taken[k], strict=True) if t],
            }
            for k, code in enumerate(c.codes)
        ]

    def sentences(self) -> list[str]:
        """The main findings in words: equilibria, reachability, coalitions."""
        c = self.conflict
        out = []
        for concept in self.concepts:
            found = self.equilibria(concept)
            listed = "; ".join(_named(c, k - 1) for k in found) if found else "none"
            out.append(f"{concept} equilibria: {listed}.")
        for name in c.end_masks:
            under = [x for x in self.concepts if self.ends_at_equilibria(x)[name]]
            out.append(
                f"'{name}' is an equilibrium under {', '.join(under)}."
                if under
                else f"'{name}' is an equilibrium under no concept."
            )
        if self.start is not None:
            for concept in self.concepts[:1] + tuple(x for x in self.concepts if x == "seq"):
                reached = self.reachable_equilibria(concept)
                by = reached["improvements"]
                if by:
                    for e, path in by.items():
                        out.append(
                            f"From the status quo, {c.describe(self.start)}, the {concept} "
                            f"equilibrium {c.describe(e)} is reached by unilateral "
                            f"improvements: {path.words(c)}."
                        )
                else:
                    out.append(
                        f"No {concept} equilibrium is reached from the status quo by unilateral "
                        "improvements."
                    )
        for finding in self.coalitions:
            out.extend(finding.sentences(c))
            if self.agreement is not None and len(finding.coalition) == 2:
                out.extend(self.agreement.sentences(*finding.coalition))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        c = self.conflict
        ids = [d.id for d in c.decision_makers]
        doc: dict[str, Any] = {
            "conflict": c.name,
            "decision_makers": [{"id": d.id, "name": d.label} for d in c.decision_makers],
            "options": [
                {"id": o.id, "name": o.label, "by": o.by, "direction": o.direction}
                for o in c.options
            ],
            "states": self.states(),
            "rankings": {d: self.ranking(d) for d in ids},
            "equilibria": {concept: self.equilibria(concept) for concept in self.concepts},
            "stability": {
                concept: {d: self.stable[concept][k].tolist() for k, d in enumerate(ids)}
                for concept in self.concepts
            },
            "coalitions": [f.to_dict() for f in self.coalitions],
            "sentences": self.sentences(),
        }
        if "lh" in self.concepts:
            doc["h"] = self.h
        if self.start is not None:
            doc["status_quo"] = self.start + 1
            doc["from_status_quo"] = {
                concept: {
                    kind: {str(e + 1): p.to_dict() for e, p in paths.items()}
                    for kind, paths in self.reachable_equilibria(concept).items()
                }
                for concept in self.concepts
            }
        if c.ends:
            doc["ends"] = [
                {
                    "name": e.name,
                    "when": e.when,
                    "description": e.description,
                    "states": [int(k) + 1 for k in np.flatnonzero(c.end_masks[e.name])],
                    "equilibrium_under": {
                        concept: self.ends_at_equilibria(concept)[e.name]
                        for concept in self.concepts
                    },
                }
                for e in c.ends
            ]
        if self.start is not None and c.ends:
            doc["ends_reached_from_status_quo"] = {
                name: {"state": k + 1, "path": p.to_dict()}
                for name, (k, p) in self.reachable_ends().items()
            }
        if self.start is not None:
            doc["reachability_graph"] = self.reachability_graph()
        if self.agreement is not None:
            doc["move_agreement"] = self.agreement.to_dict()
        if self.draws is not None:
            doc["preference_draws"] = self.draws.to_dict()
        if self.notes:
            doc["notes"] = list(self.notes)
        doc["model"] = "gmcr"
        doc["parameters"] = {
            "concepts": list(self.concepts),
            "h": self.h,
            "coalitions": [list(f.coalition) for f in self.coalitions],
            "coalition_moves": self.coalition_moves,
            "start": None if self.start is None else self.start + 1,
            "draws": 0 if self.draws is None else self.draws.draws,
            "seed": None if self.draws is None else self.draws.seed,
        }
        doc["version"] = __version__
        return doc


def _named(conflict: Conflict, index: int) -> str:
    """A state in words, with the named ends it belongs to."""
    ends = conflict.ends_of(index)
    text = conflict.describe(index)
    return f"{text} — {', '.join(ends)}" if ends else text


def _coalitions(conflict: Conflict, asked: Sequence[Sequence[str]] | None) -> list[tuple[str, ...]]:
    ids = [d.id for d in conflict.decision_makers]
    if asked is not None:
        problems = [
            Problem("coalition", f"unknown decision maker {d!r}; decision makers: {', '.join(ids)}")
            for group in asked
            for d in group
            if d not in ids
        ]
        problems += [
            Problem("coalition", "a coalition needs two decision makers or more")
            for group in asked
            if len(set(group)) < 2
        ]
        if problems:
            raise InvalidInputError(problems)
        return [tuple(dict.fromkeys(g)) for g in asked]
    return [
        tuple(combo) for r in range(2, len(ids) + 1) for combo in itertools.combinations(ids, r)
    ]


def analyse(
    conflict: Conflict,
    concepts: Sequence[str] = BASIC,
    h: int = 2,
    coalitions: Sequence[Sequence[str]] | None = None,
    start: int | None = None,
    coalition_concept: str | None = None,
    coalition_moves: str = "sequence",
    draws: int = 0,
    seed: int = 0,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> ConflictAnalysis:
    """The stability analysis of a conflict.

    Parameters
    ----------
    conflict : Conflict
        The conflict.
    concepts : sequence of str
        Solution concepts (:data:`stratagem.conflict.stability.CONCEPTS`); ``lh`` and ``nm``
        need two decision makers.
    h : int
        The horizon of ``lh``.
    coalitions : sequence of decision-maker groups, optional
        The coalitions to test; default every coalition of two or more.
    start : int, optional
        The state (0-based ordered index) the status quo analysis starts from; default
        the conflict's status quo.
    coalition_concept : str, optional
        Whose equilibria the coalitions are tested on (default the first concept).
    coalition_moves : {"sequence", "joint"}
        How a coalition moves (:data:`COALITION_MOVES`); default a legal sequence of its
        members' moves.
    draws, seed, executor, progress
        Draws of the uncertain statements (:func:`preference_draws`; 0: none).

    Raises
    ------
    InvalidInputError
        If a concept or a coalition member is unknown, or ``lh``/``nm`` is asked of other
        than two decision makers.
    """
    unknown = [c for c in concepts if c not in CONCEPTS]
    if unknown:
        raise InvalidInputError(
            [
                Problem("concept", f"unknown concept {c!r}; one of {', '.join(CONCEPTS)}")
                for c in unknown
            ]
        )
    two = len(conflict.decision_makers) == 2
    notes = []
    chosen = list(dict.fromkeys(concepts))
    if not two and any(c in ("lh", "nm") for c in chosen):
        notes.append("limited-move and non-myopic stability are defined for two decision makers")
        chosen = [c for c in chosen if c not in ("lh", "nm")]
    if h < 1:
        raise InvalidInputError([Problem("h", f"the horizon must be at least 1, got {h}")])
    if coalition_moves not in COALITION_MOVES:
        raise InvalidInputError(
            [
                Problem(
                    "coalition_moves",
                    f"{coalition_moves!r} is not one of {', '.join(COALITION_MOVES)}",
                )
            ]
        )
    graph = Graph.build(conflict)
    stable = {c: stability(graph, c, h) for c in chosen}
    base = coalition_concept or (chosen[0] if chosen else "nash")
    if base not in stable:
        stable[base] = stability(graph, base, h)
    eqs = [int(e) for e in equilibria(stable[base])]
    findings = tuple(
        coalition_finding(graph, group, base, eqs, coalition_moves)
        for group in _coalitions(conflict, coalitions)
    )
    origin = conflict.status_quo_index if start is None else start
    everyone = list(range(len(conflict.decision_makers)))
    drawn = (
        preference_draws(conflict, draws, seed, tuple(chosen), h, executor, progress)
        if draws
        else None
    )
    return ConflictAnalysis(
        conflict,
        tuple(chosen),
        stable,
        graph.scores[:, : graph.n],
        h,
        findings,
        origin,
        reach(graph, origin, everyone, improving=True) if origin is not None else {},
        reach(graph, origin, everyone, improving=False) if origin is not None else {},
        tuple(notes),
        coalition_moves=coalition_moves,
        agreement=move_agreement(graph),
        draws=drawn,
    )


@dataclass(frozen=True)
class PreferenceDraws:
    """How often each state is an equilibrium when uncertain statements are drawn."""

    conflict: Conflict
    concepts: tuple[str, ...]
    draws: int
    seed: int
    shares: dict[str, npt.NDArray[np.float64]]  # concept -> (states,) share of draws
    end_shares: dict[str, dict[str, float]] = field(default_factory=dict)  # concept -> end
    none_shares: dict[str, float] = field(default_factory=dict)  # concept -> no equilibrium

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per concept, each state's share of draws in which it is an equilibrium.

        ``end_share``: per concept and named end, the share of draws with an equilibrium in
        the end; ``no_equilibrium_share``: the share of draws with none.
        """
        return {
            "draws": self.draws,
            "seed": self.seed,
            "equilibrium_share": {
                concept: {str(k + 1): float(v) for k, v in enumerate(share) if v > 0}
                for concept, share in self.shares.items()
            },
            "end_share": self.end_shares,
            "no_equilibrium_share": self.none_shares,
        }


@dataclass(frozen=True)
class _PreferenceEvaluator:
    conflict: Conflict
    concepts: tuple[str, ...]
    h: int

    def __call__(self, size: int, first_draw: int, rng: np.random.Generator) -> list[Any]:
        graph = Graph.build(self.conflict)
        # draws that keep the same statements have the same equilibria: solve each set once
        solved: dict[tuple[tuple[bool, ...], ...], npt.NDArray[np.bool_]] = {}
        out = []
        for _ in range(size):
            kept = tuple(
                tuple(s.probability >= 1.0 or rng.random() < s.probability for s in d.statements)
                for d in self.conflict.decision_makers
            )
            if kept not in solved:
                statements = [
                    tuple(s for s, keep in zip(d.statements, mask, strict=True) if keep)
                    for d, mask in zip(self.conflict.decision_makers, kept, strict=True)
                ]
                drawn = graph.with_scores(self.conflict.scores(statements))
                solved[kept] = np.stack(
                    [stability(drawn, c, self.h).all(axis=0) for c in self.concepts]
                )
            out.append(solved[kept])
        return out


def preference_draws(
    conflict: Conflict,
    draws: int,
    seed: int,
    concepts: Sequence[str] = ("nash", "gmr", "seq"),
    h: int = 2,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> PreferenceDraws:
    """Draw the uncertain statements (each kept with its probability); count equilibria.

    Runs through the uncertainty engine: per-chunk seeds, any executor, the same numbers
    for the same seed.
    """
    from stratagem.uncertainty.engine import run_random_draws

    chosen = tuple(c for c in concepts if c in BASIC or len(conflict.decision_makers) == 2)
    run = run_random_draws(
        _PreferenceEvaluator(conflict, chosen, h), draws, seed, executor, progress=progress
    )
    stacked: BoolArray = (
        np.stack(run.results[None]).astype(bool)
        if run.results[None]
        else np.zeros((0, len(chosen), conflict.n_states), dtype=bool)
    )
    shares = {c: stacked[:, k].mean(axis=0) for k, c in enumerate(chosen)}
    n = max(len(stacked), 1)
    end_shares = {
        c: {
            name: float((stacked[:, k] & mask[None, :]).any(axis=1).sum() / n)
            for name, mask in conflict.end_masks.items()
        }
        for k, c in enumerate(chosen)
    }
    none_shares = {c: float((~stacked[:, k].any(axis=1)).sum() / n) for k, c in enumerate(chosen)}
    return PreferenceDraws(conflict, chosen, run.draws, seed, shares, end_shares, none_shares)
