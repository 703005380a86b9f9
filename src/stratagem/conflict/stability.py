r"""Stability of every state for every decision maker, under the graph model's concepts.

Notation (Xu, Hipel, Kilgour & Fang 2018): :math:`R_i(s)` the states decision maker *i*
reaches from *s* in one move (changing only its own options, to a feasible state, within the
options' permitted directions); :math:`R_i^+(s) = \{s_1 \in R_i(s) : s_1 \succ_i s\}` its
unilateral improvements (UIs); for a group *H*, :math:`R_H(s)` the states reached by legal
sequences of its members' moves (no member moving twice in a row) and :math:`R_H^+(s)` the
same with every move a UI for its mover.

=========  =================================================================================
concept    *s* is stable for *i* iff every :math:`s_1 \in R_i^+(s)` ...
=========  =================================================================================
``nash``   — there is none (:math:`R_i^+(s) = \emptyset`; Nash 1950)
``gmr``    has an :math:`s_2 \in R_{N-i}(s_1)` with :math:`s_2 \preceq_i s` (Howard 1971)
``smr``    has such an :math:`s_2` from which every :math:`s_3 \in R_i(s_2)` is
           :math:`\preceq_i s` too (Howard 1971)
``seq``    has an :math:`s_2 \in R^+_{N-i}(s_1)` with :math:`s_2 \preceq_i s` (credible
           sanctions; Fraser & Hipel 1979)
``sim``    is met by a simultaneous move of the others from *s*: some choice, by each other
           decision maker, of a UI or of staying (one at least moving), whose joint result
           with *i*'s move is :math:`\preceq_i s` (Fang, Hipel & Kilgour 1993)
``seqsim`` both ``seq`` and ``sim``
``lh``     limited-move stability of horizon *h* (Kilgour 1985; Zagare 1984): two decision
           makers, backward induction over *h* alternating moves
``nm``     non-myopic stability: the limit of ``lh`` as *h* grows (Brams & Wittman 1981)
=========  =================================================================================

Computation
-----------
Moves are not an :math:`S \times S` matrix: for each decision maker and each subset of its
options (a *move mask*) one array gives, for every state, the state that move leads to (or
none), so memory and time grow with states × moves. "Some :math:`s_2` reachable by legal
sequences with a property" is a minimum over the reachable set, computed by a fixed point:
:math:`f_c(s)` is the lowest preference of *i* among the states reachable from *s* when the
last mover was *c*, updated along every member's moves until nothing changes (the number of
sweeps is the length of the longest shortest sanctioning sequence). Limited-move stability
iterates the anticipated outcome :math:`G_h` of every state by backward induction.

Ties in ``lh``: a decision maker stays unless a move's anticipated result is strictly
preferred to staying; among equally good moves it takes the lowest-numbered resulting state.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.conflict.model import Conflict

__all__ = ["CONCEPTS", "Graph", "equilibria", "stability"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim", "lh", "nm")
BASIC = ("nash", "gmr", "smr", "seq", "sim", "seqsim")
_HIGH = np.iinfo(np.int64).max
_LOW = np.iinfo(np.int64).min


@dataclass(frozen=True, eq=False)
class Graph:
    """The states, every decision maker's moves, and the preference scores.

    ``moves[d]`` is ``(masks, states + 1)``: for each of *d*'s move masks, the index of the
    state each state moves to, or ``n`` (a sentinel column) where the move is not possible.
    ``scores`` is ``(decision makers, states + 1)`` with the sentinel column holding the
    lowest score (so that a missing move is never an improvement).
    """

    conflict: Conflict
    scores: npt.NDArray[np.int64]
    moves: tuple[npt.NDArray[np.int64], ...]
    masks: tuple[IntArray, ...]
    memo: dict[tuple[str, int], BoolArray] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of states."""
        return int(self.scores.shape[1] - 1)

    @classmethod
    def build(cls, conflict: Conflict, scores: npt.NDArray[Any] | None = None) -> Graph:
        """The graph of a conflict (``scores``: replace the decision makers' preferences)."""
        codes = conflict.codes
        n = len(codes)
        dense = np.full(1 << len(conflict.options), n, dtype=np.int64)
        dense[codes] = np.arange(n)
        take = sum(1 << k for k, o in enumerate(conflict.options) if o.direction == "take")
        withdraw = sum(1 << k for k, o in enumerate(conflict.options) if o.direction == "withdraw")
        moves, masks = [], []
        for dm in conflict.decision_makers:
            bits = conflict.controlled(dm.id)
            subsets = [
                sum(1 << b for b in combo)
                for r in range(1, len(bits) + 1)
                for combo in itertools.combinations(bits, r)
            ]
            rows = np.empty((len(subsets), n + 1), dtype=np.int64)
            for k, mask in enumerate(subsets):
                dst = dense[codes ^ mask]
                ok = (codes & (mask & take)) == 0
                ok &= (codes & (mask & withdraw)) == (mask & withdraw)
                rows[k, :n] = np.where(ok, dst, n)
                rows[k, n] = n
            moves.append(rows)
            masks.append(np.array(subsets, dtype=np.int64))
        graph = cls(conflict, np.zeros((0, n + 1), dtype=np.int64), tuple(moves), tuple(masks))
        return graph.with_scores(conflict.scores() if scores is None else scores)

    def with_scores(self, scores: npt.NDArray[Any]) -> Graph:
        """The same graph with other preference scores ``(decision makers, states)``."""
        raw = np.asarray(scores, dtype=np.int64)
        ext = np.concatenate([raw, np.full((raw.shape[0], 1), _LOW, dtype=np.int64)], axis=1)
        return Graph(self.conflict, ext, self.moves, self.masks)

    # ------------------------------------------------------------------ building blocks

    def improvements(self, d: int) -> BoolArray:
        """``(masks, states)``: whether each of *d*'s moves is a UI for *d* from each state."""
        rows = self.moves[d][:, : self.n]
        return np.asarray(self.scores[d, rows] > self.scores[d, : self.n][None, :])

    def reach_min(
        self, members: Sequence[int], values: npt.NDArray[np.int64], improving: bool = False
    ) -> npt.NDArray[np.int64]:
        """Per state, the lowest ``values`` among the states the members can reach from it.

        Reached by a legal sequence (one move or more) of the members' moves, each a UI of
        its mover when ``improving``; the highest integer where none is reachable.
        """
        n, k = self.n, len(members)
        vals = np.concatenate([np.asarray(values, dtype=np.int64), [_HIGH]])
        f = np.full((k + 1, n + 1), _HIGH, dtype=np.int64)  # row k: no last mover yet
        allowed = [self.improvements(d) if improving else self.moves[d][:, :n] < n for d in members]
        changed = True
        while changed:
            changed = False
            for a, d in enumerate(members):
                rows = self.moves[d][:, :n]
                best = np.minimum(vals[rows], f[a, rows])
                best = np.where(allowed[a], best, _HIGH).min(axis=0)
                for c in range(k + 1):
                    if c == a:
                        continue
                    lower = best < f[c, :n]
                    if lower.any():
                        f[c, :n] = np.where(lower, best, f[c, :n])
                        changed = True
        return f[k, :n]

    def _sanctioned(self, i: int, reachable_low: npt.NDArray[np.int64]) -> BoolArray:
        """Stable for *i*: every UI's sanction value is at most *i*'s score at the state."""
        own = self.scores[i, : self.n]
        rows = self.moves[i][:, : self.n]
        ui = self.improvements(i)
        low = np.concatenate([reachable_low, [_HIGH]])[rows]
        return np.asarray(~(ui & (low > own[None, :])).any(axis=0))

    # ------------------------------------------------------------------ concepts

    def nash(self) -> BoolArray:
        """``(decision makers, states)``: Nash stability."""
        return np.stack([~self.improvements(d).any(axis=0) for d in range(len(self.moves))])

    def gmr(self) -> BoolArray:
        """General metarationality."""
        return self._general(improving=False, symmetric=False)

    def smr(self) -> BoolArray:
        """Symmetric metarationality."""
        return self._general(improving=False, symmetric=True)

    def seq(self) -> BoolArray:
        """Sequential stability."""
        return self._general(improving=True, symmetric=False)

    def _general(self, improving: bool, symmetric: bool) -> BoolArray:
        out = []
        dms = range(len(self.moves))
        for i in dms:
            values = self.scores[i, : self.n]
            if symmetric:  # i's best answer to a sanction: stay, or any move it has
                rows = self.moves[i][:, : self.n]
                values = np.maximum(values, self.scores[i, rows].max(axis=0))
            others = [d for d in dms if d != i]
            out.append(self._sanctioned(i, self.reach_min(others, values, improving)))
        return np.stack(out)

    def sim(self) -> BoolArray:
        """Simultaneous sanctioning: the others' joint UIs (or staying) from the state.

        Every UI of *i* starts unanswered; the others' joint choices are tried from the
        fewest movers up, and a UI leaves the search as soon as one sanctions it, so the
        work shrinks as the sanctions are found.
        """
        n, dms = self.n, range(len(self.moves))
        codes = self.conflict.codes
        dense = np.full(1 << len(self.conflict.options), n, dtype=np.int64)
        dense[codes] = np.arange(n)
        out = []
        for i in dms:
            own = self.scores[i, :n]
            score = np.concatenate([own, [_HIGH]])
            ui = self.improvements(i)  # (masks_i, n)
            move, state = np.nonzero(ui)  # the UIs not yet sanctioned
            others = [d for d in dms if d != i]
            uis = [self.improvements(d) for d in others]
            choices = [[-1, *range(len(self.masks[d]))] for d in others]
            combos = sorted(
                (c for c in itertools.product(*choices) if any(x >= 0 for x in c)),
                key=lambda c: sum(x >= 0 for x in c),
            )
            for combo in combos:
                if not len(state):
                    break
                ok = np.ones(len(state), dtype=bool)
                joint = 0
                for k, c in enumerate(combo):
                    if c >= 0:
                        ok &= uis[k][c, state]
                        joint ^= int(self.masks[others[k]][c])
                if not ok.any():
                    continue
                result = dense[codes[state] ^ self.masks[i][move] ^ joint]
                answered = ok & (score[result] <= own[state])
                if answered.any():
                    move, state = move[~answered], state[~answered]
            unsanctioned = np.zeros(n, dtype=bool)
            unsanctioned[state] = True
            out.append(~unsanctioned)
        return np.stack(out)

    def limited(self, h: int) -> BoolArray:
        """Limited-move stability of horizon ``h`` (two decision makers)."""
        return self._anticipation(h)[0]

    def nonmyopic(self) -> tuple[BoolArray, int]:
        """Non-myopic stability, and the horizon at which the anticipation stopped changing."""
        return self._anticipation(None)

    def _anticipation(self, h: int | None) -> tuple[BoolArray, int]:
        if len(self.moves) != 2:
            raise ValueError("limited-move and non-myopic stability need two decision makers")
        n = self.n
        result = np.tile(np.arange(n + 1), (2, 1))  # G_0: every state stays where it is
        horizon = h if h is not None else 2 * n + 2
        reached = 0
        for step in range(1, horizon + 1):
            new = np.empty_like(result)
            for i in (0, 1):
                j = 1 - i
                rows = self.moves[i][:, :n]
                ends = result[j][rows]  # the other's anticipated result after each move
                value = self.scores[i][ends]
                best = value.max(axis=0)
                better = best > self.scores[i, :n]
                chosen = np.where(value == best[None, :], ends, n + 1).min(axis=0)
                new[i, :n] = np.where(better, chosen, np.arange(n))
                new[i, n] = n
            reached = step
            if h is None and np.array_equal(new, result):
                break
            result = new
        stable = result[:, :n] == np.arange(n)[None, :]
        return np.asarray(stable), reached


def stability(graph: Graph, concept: str, h: int = 2) -> BoolArray:
    """``(decision makers, states)``: whether each state is stable for each decision maker.

    Raises
    ------
    ValueError
        If the concept is unknown, or ``lh``/``nm`` is asked of other than two decision
        makers.
    """
    if concept not in CONCEPTS:
        raise ValueError(f"unknown concept {concept!r}; one of {', '.join(CONCEPTS)}")
    key = (concept, h if concept == "lh" else 0)
    if key not in graph.memo:
        if concept == "seqsim":
            found = stability(graph, "seq") & stability(graph, "sim")
        elif concept == "lh":
            found = graph.limited(h)
        elif concept == "nm":
            found = graph.nonmyopic()[0]
        else:
            found = getattr(graph, concept)()
        graph.memo[key] = np.asarray(found)
    return graph.memo[key]


def equilibria(stable: BoolArray) -> IntArray:
    """The states stable for every decision maker (0-based ordered indices)."""
    return np.flatnonzero(stable.all(axis=0))
