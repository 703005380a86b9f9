r"""Inverse graph model: which preference change of which decision maker makes a state stable.

The inverse problem of the graph model (Kinsara, Petersons, Hipel & Kilgour 2015,
"Advanced decision support for the graph model for conflict resolution", *J. Decision
Systems* 24(2); Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph model for
conflict resolution", *IEEE Trans. SMC: Systems* 45(5)) asks, for a desired state
:math:`s` and a solution concept, what preferences would make :math:`s` an equilibrium.
This module answers the smallest version of that question that a decision-maker can act on:

for each decision maker :math:`i`, the fewest places :math:`s` must rise in :math:`i`'s
ranking — every other state keeping its order — for :math:`s` to be stable for :math:`i`
under the concept, the other decision makers' preferences unchanged. Raising :math:`s` to
tie with the state :math:`t` is written :math:`P'_i(s) = P_i(t)`; the candidates are the
tiers above :math:`s`, tried from the nearest up, and the first that works is the answer
(a *lift* of :math:`k` tiers). Then all the decision makers' lifts are applied together
and the state is checked again: the combined change makes :math:`s` an equilibrium (it may
fail under SEQ, where a lift can change which sanctions are credible; the result says so).

Scores are integers, higher is better; a tie with :math:`t` is made by doubling every score
and giving :math:`s` twice :math:`t`'s, so that no other pair of states changes order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.conflict.model import Conflict
from stratagem.conflict.stability import Graph, stability
from stratagem.errors import InvalidInputError, Problem

__all__ = ["InverseResult", "Lift", "inverse"]

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim")
SHOWN = 6
"""States named in a sentence before "and N more" (the JSON lists them all)."""


@dataclass(frozen=True)
class Lift:
    """How far a state must rise in one decision maker's ranking to be stable for it.

    ``tiers``: how many tiers it climbs (0: already stable); ``level_with``: the ordered
    numbers (1-based) of the states it then ties with; ``possible``: whether any lift works
    (a state can be unstable for a decision maker whatever its own preference, under SEQ).
    ``blocking``: the decision maker's unilateral improvements from the state before the
    change (ordered numbers).
    """

    decision_maker: str
    tiers: int
    level_with: tuple[int, ...]
    possible: bool
    blocking: tuple[int, ...]

    def words(self, conflict: Conflict, state: int) -> str:
        """The change in words."""
        name = conflict.decision_makers[conflict.dm_index(self.decision_maker)].name
        if self.tiers == 0:
            return f"{name}: already stable at state {state}; no change needed"
        if not self.possible:
            return f"{name}: no change of its own preference makes state {state} stable for it"
        shown = [str(t) for t in self.level_with[:SHOWN]]
        more = len(self.level_with) - len(shown)
        others = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        return (
            f"{name} would have to value state {state} as highly as state(s) {others} "
            f"(a rise of {self.tiers} tier(s) in its ranking), so that its unilateral "
            f"improvement(s) to {', '.join(str(b) for b in self.blocking)} no longer tempt it"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "decision_maker": self.decision_maker,
            "tiers": self.tiers,
            "level_with": list(self.level_with),
            "possible": self.possible,
            "blocking": list(self.blocking),
        }


@dataclass(frozen=True)
class InverseResult:
    """Per decision maker, the smallest lift of ``state`` (1-based) that makes it stable."""

    conflict: Conflict
    state: int
    concept: str
    lifts: tuple[Lift, ...]
    equilibrium_before: bool
    equilibrium_after: bool

    def sentences(self) -> list[str]:
        """The result in words."""
        c = self.conflict
        ends = c.ends_of(self.state - 1)
        described = c.describe(self.state - 1) + (f" [{', '.join(ends)}]" if ends else "")
        head = f"To make {described} a {self.concept} equilibrium:"
        if self.equilibrium_before:
            return [
                f"{described[0].upper()}{described[1:]} already is a {self.concept} equilibrium."
            ]
        out = [head]
        out += [f"  {lift.words(self.conflict, self.state)}" for lift in self.lifts]
        if all(lift.possible for lift in self.lifts):
            out.append(
                "  With all these changes together it "
                + ("is" if self.equilibrium_after else "is still not")
                + f" a {self.concept} equilibrium (checked)."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "state": self.state,
            "concept": self.concept,
            "equilibrium_before": self.equilibrium_before,
            "equilibrium_after": self.equilibrium_after,
            "lifts": [lift.to_dict() for lift in self.lifts],
            "sentences": self.sentences(),
        }


def inverse(
    conflict: Conflict,
    state: int | str,
    concept: str = "nash",
    scores: npt.NDArray[np.int64] | None = None,
) -> InverseResult:
    """The smallest rise of ``state`` in each decision maker's ranking that makes it stable.

    Parameters
    ----------
    conflict : Conflict
        The conflict.
    state : int or str
        An ordered state number (1-based) or the options taken.
    concept : str
        One of nash, gmr, smr, seq, sim, seqsim.
    scores : array, optional
        Preference scores ``(decision makers, states)`` (default the conflict's own).

    Returns
    -------
    InverseResult
        Per decision maker, its lift (verified by recomputing the stability), and whether
        all the lifts together make the state an equilibrium.

    Raises
    ------
    InvalidInputError
        If the state or the concept is unknown.
    """
    if concept not in CONCEPTS:
        raise InvalidInputError(
            [Problem("concept", f"unknown concept {concept!r}; one of {', '.join(CONCEPTS)}")]
        )
    s = conflict.state_index(state, "state")
    base = np.asarray(conflict.scores() if scores is None else scores, dtype=np.int64)
    graph = Graph.build(conflict, base)
    before = stability(graph, concept)[:, s]
    improvements = [graph.improvements(d)[:, s] for d in range(len(conflict.decision_makers))]
    lifts = []
    final = base * 2
    for d, dm in enumerate(conflict.decision_makers):
        ui = np.unique(graph.moves[d][improvements[d], s])
        blocking = tuple(int(t) + 1 for t in ui if t < conflict.n_states)
        if before[d]:
            lifts.append(Lift(dm.id, 0, (), True, blocking))
            continue
        tiers = np.unique(base[d][base[d] > base[d, s]])  # ascending: nearest tier first
        found = None
        for k, tier in enumerate(tiers, start=1):
            trial = base * 2
            trial[d, s] = 2 * tier
            if stability(graph.with_scores(trial), concept)[d, s]:
                found = (k, tier)
                break
        if found is None:
            lifts.append(Lift(dm.id, len(tiers), (), False, blocking))
            continue
        k, tier = found
        final[d, s] = 2 * tier
        level = tuple(int(t) + 1 for t in np.flatnonzero(base[d] == tier))
        lifts.append(Lift(dm.id, k, level, True, blocking))
    after = bool(stability(graph.with_scores(final), concept)[:, s].all())
    return InverseResult(conflict, s + 1, concept, tuple(lifts), bool(before.all()), after)
