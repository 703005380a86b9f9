r"""Position exchange model (Stokman & Van Oosten 1994): logrolling across pairs of issues.

Citation
--------
Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP. The equal-gain solution and its randomized
variant follow the decide exchange-model package (GPL-3.0), read to understand the
algorithm; this is an independent implementation.

Equations
---------
Per issue :math:`d`, positions are normalised to 0–100 and the compromise ("Nash
bargaining solution", NBS) is :math:`O_d = \sum_i c_{id} s_{id} x_{id} / \sum_i c_{id} s_{id}`.

* **Groups.** For each pair of issues :math:`(p, q)` actors are grouped by side of the NBS
  on each issue (an actor on it counts as left, as in decide: option ``on_nbs``);
  exchanges are possible between the two groups that disagree on both (left/left with
  right/right, left/right with right/left).
* **Roles.** Of actors :math:`i, j`, the one with the smaller salience ratio
  :math:`s_p / s_q` supplies (moves) on :math:`p` and demands on :math:`q`; the other the
  reverse.
* **Exchange ratios.** A move :math:`\Delta x` of actor :math:`k` on issue :math:`d` shifts the
  NBS by :math:`\Delta O = \Delta x\, c_{kd} s_{kd} / \sum_l c_{ld} s_{ld}` (the exchange ratio).
  Supplier :math:`i` gains :math:`\Delta O_{dem} s_{i,dem} - \Delta O_{sup} s_{i,sup}`.
* **Equal gain.** The shifts satisfy :math:`\Delta O_q = \frac{s_{j,sup} + s_{i,dem}}
  {s_{j,dem} + s_{i,sup}} \Delta O_p`, so both gain the same; one actor moves all the way to
  the other's position, the other as far as equal gain requires (swapped if that would
  overshoot). Moves are capped so the NBS does not cross the partner's demand position
  (option ``nbs_cap``).
* **Execution.** Exchanges are executed highest gain first (equal gains: option
  ``ties``, which can follow decide's own list and its draws); each executed exchange moves
  its actors' voting positions, and the exchanges that share an actor and issue with it are
  recalculated from the new positions (or become invalid: a move must keep the direction of
  the actor's earlier moves on that issue and stay within 0–100).
* **Next round.** Voting positions give the round's voting NBS; each actor that exchanged
  starts the next round at :math:`x' = x + (w_s (1 - s) + w_f)(y - x)` (``salience_weight``
  :math:`w_s = 0.4`, ``fixed_weight`` :math:`w_f = 0.1`): it keeps part of its preference.
* **Randomized equal gain** (``p > 0``, decide's randomized model): with draws
  :math:`u, v, z`, side :math:`A` (:math:`i` if :math:`u < 0.5`) gains
  :math:`EU + p z (EU^{max}_A - EU)` if :math:`v < 0.5`, else :math:`EU - p z EU`, and the
  moves follow from that split (:meth:`_Round.maximum_utility`, :meth:`_Round.randomize`;
  option ``random_cap``).

Every executed exchange, the preference and voting NBS per round and the externalities
(the expected-utility change of actors outside an exchange) are kept in the forecast.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stratagem.errors import StratagemError
from stratagem.models.registry import ModelResult, ModelSpec, Param, details_wanted, register
from stratagem.results import Forecast, IssueForecast, Series, Trajectory
from stratagem.scenario import Issue, Scenario

__all__ = ["PARAMS", "explain", "run_exchange"]

TINY_GAIN = 1e-290
"""Gains below this are not rounded (``10 ** (11 - exponent)`` would overflow); they are
far below any valid exchange's."""
EPS = 1e-9
"""Positions (on 0–100) closer than this to the NBS count as on it: sums taken in another
order differ in the last bits, and a side of the NBS must not depend on the actors' order."""

PARAMS: tuple[Param, ...] = (
    Param("rounds", 10, "Maximum number of rounds.", minimum=1, limit="rounds"),
    Param(
        "stop",
        "rounds",
        "Stopping rule: 'rounds' runs exactly `rounds` rounds (decide has "
        "no other); 'stable' stops when no preference NBS moved more than `tolerance` "
        "(0–100 scale) in a round.",
        choices=("rounds", "stable"),
    ),
    Param(
        "tolerance",
        0.01,
        "NBS movement counted as none by the 'stable' rule (0–100 scale).",
        minimum=0.0,
    ),
    Param(
        "p",
        0.0,
        "Randomization of the equal gain (0: the equal-gain model).",
        minimum=0.0,
        maximum=1.0,
    ),
    Param(
        "salience_weight",
        0.4,
        "How far an actor's next start position follows its voting "
        "position, per unit of (1 - salience).",
        minimum=0.0,
        maximum=1.0,
    ),
    Param(
        "fixed_weight",
        0.1,
        "How far every exchanging actor's start position follows its voting position.",
        minimum=0.0,
        maximum=1.0,
    ),
    Param(
        "nbs_cap",
        "exact",
        "Cap when an exchange would push the NBS past the partner's demand position: the "
        "supplier moves to where the NBS reaches it, measured from its current position "
        "('exact') or, as the decide package does, from its own entry in the exchange's "
        "partners' updates when it has one ('decide'; that entry can be older).",
        choices=("exact", "decide"),
    ),
    Param(
        "ties",
        "first",
        "Exchanges with equal gain: execute the one first in an order fixed by their data "
        "('first'); pick between the two best at random ('random'); or follow decide's own "
        "list ('decide': sorted stably by gain, the first two swapped or the second put in "
        "twice on a draw, invalid exchanges taken and dropped). Draws come from the run's "
        "seeded stream.",
        choices=("first", "random", "decide"),
    ),
    Param(
        "random_cap",
        "capped",
        "Randomized model (p > 0), when the perturbed side's move would push the NBS past "
        "its partner's position: it moves to where the NBS reaches that position ('capped'), "
        "or, as decide's code does, keeps its whole move with its direction reversed "
        "('decide').",
        choices=("capped", "decide"),
    ),
    Param(
        "on_nbs",
        "left",
        "The side of the NBS of an actor on it (within 1e-9 on the 0–100 scale), which "
        "decides its group: 'left', as decide groups it (position <= NBS), or 'right'.",
        choices=("left", "right"),
    ),
    Param(
        "engine",
        "auto",
        "How a round is executed: 'compiled' (numba, the optional extra 'fast'; the "
        "equal-gain model with ties=first), 'python' (the reference implementation; both "
        "give identical runs), or 'auto': compiled, where numba is installed, once the "
        "kernel is compiled in this process or when the case is large enough to repay "
        "compiling it (actors² × issues² of at least 500,000, some 10 s of the Python "
        "engine; compiling takes about a minute once per installation, for small cases "
        "and again for large ones, whose kernel runs on every core).",
        choices=("auto", "compiled", "python"),
    ),
)


@dataclass
class _Side:
    """One actor in one exchange: supplies (moves) on one issue, demands on the other."""

    actor: int
    supply: int
    demand: int
    x: float  # current position on the supply issue
    start: float  # position at the start of the round
    moves: list[float] = field(default_factory=list)
    move: float = 0.0
    y: float = 0.0
    eu: float = 0.0
    nbs_0: float = 0.0
    nbs_1: float = 0.0


@dataclass
class _Exchange:
    i: _Side
    j: _Side
    groups: str
    gain: float = 0.0
    valid: bool = True
    dp: float = 0.0
    dq: float = 0.0
    updates: dict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))


def _divide(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` with numpy's rules for zero (inf or nan, no exception).

    An actor without capability moves no NBS: the vectorised construction finds its
    exchanges invalid through these values, and the scalar arithmetic must agree.
    """
    if denominator == 0.0:
        return math.nan if numerator == 0.0 or math.isnan(numerator) else math.inf * numerator
    return numerator / denominator


def _passes(nbs_0: float, nbs_1: float, target: float) -> bool:
    """Whether the NBS moving from ``nbs_0`` to ``nbs_1`` passes ``target``.

    decide's test: strictly, so an NBS starting on the target may leave it; within EPS
    counts as on it.
    """
    return not (
        (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS)
        or (target - nbs_0 <= EPS and target - nbs_1 <= EPS)
    )


def _nbs(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights ``c·s`` of the present, their sums per issue, ``Σ c·s·x``, and the NBS."""
    w_arr = np.where(present, c * s, 0.0)
    denominator = w_arr.sum(axis=0)
    sums = (w_arr * x).sum(axis=0)
    nbs = np.where(denominator > 0, sums / np.where(denominator > 0, denominator, 1.0), 0.0)
    return w_arr, denominator, sums, nbs


class _Round:
    """The state of one round: positions, saliences, powers and the exchanges."""

    def __init__(
        self,
        x: np.ndarray,
        s: np.ndarray,
        c: np.ndarray,
        present: np.ndarray,
        opts: Mapping[str, Any],
        rng: np.random.Generator,
    ) -> None:
        w_arr, denominator, sums, self.nbs = _nbs(x, s, c, present)
        # plain floats: the exchange arithmetic is scalar and numpy scalars are slow
        self.x: list[list[float]] = x.tolist()
        self.s: list[list[float]] = s.tolist()
        self.c: list[list[float]] = c.tolist()
        self.w: list[list[float]] = w_arr.tolist()
        self.present = present
        self.denominator: list[float] = denominator.tolist()
        self.sums: list[float] = sums.tolist()
        self.opts = opts
        self.rng = rng

    # -- the exchange arithmetic ------------------------------------------------------

    def ratio(self, side: _Side, delta: float) -> float:
        """NBS shift on side's supply issue when it moves by ``delta``."""
        a, d = side.actor, side.supply
        return _divide(delta * self.s[a][d] * self.c[a][d], self.denominator[d])

    def reverse(self, side: _Side, ratio: float) -> float:
        """Move on side's supply issue that shifts the NBS by ``ratio``."""
        a, d = side.actor, side.supply
        return _divide(ratio * self.denominator[d], self.c[a][d] * self.s[a][d])

    def by_ratio(self, side: _Side, other: _Side, ratio: float) -> float:
        """Shift on the other issue giving equal gain, from a shift ``ratio`` on side's supply."""
        return (
            (self.s[side.actor][side.supply] + self.s[other.actor][side.supply])
            / (self.s[side.actor][side.demand] + self.s[other.actor][other.supply])
        ) * ratio

    def utility(self, side: _Side, demand_ratio: float, supply_ratio: float) -> float:
        """Expected-utility gain: NBS moving toward the side on its demand issue, away on supply."""
        return abs(
            demand_ratio * self.s[side.actor][side.supply]
            - supply_ratio * self.s[side.actor][side.demand]
        )

    def _others(self, ex: _Exchange, side: _Side) -> float:
        """Sum of c·s·x on side's supply issue over the other actors, partners' updates applied."""
        d, a = side.supply, side.actor
        total = self.sums[d] - self.w[a][d] * self.x[a][d]
        for actor, value in ex.updates[d].items():
            if actor != a:
                total += self.w[actor][d] * (value - self.x[actor][d])
        return total

    def adjusted_nbs(self, ex: _Exchange, side: _Side, position: float) -> float:
        """The NBS of side's supply issue with side at ``position`` (partners' updates applied)."""
        d = side.supply
        if self.denominator[d] <= 0:
            return 0.0
        return (self._others(ex, side) + self.w[side.actor][d] * position) / self.denominator[d]

    def position_for_nbs(self, ex: _Exchange, side: _Side, target: float) -> float:
        """Where side must stand on its supply issue for the NBS to equal ``target``."""
        d = side.supply
        return _divide(target * self.denominator[d] - self._others(ex, side), self.w[side.actor][d])

    def cap_delta(self, ex: _Exchange, side: _Side, target: float) -> float:
        """The capped move: from side's position to where the NBS reaches ``target``.

        ``nbs_cap=decide`` measures it from side's own entry in the exchange's partners'
        updates when it has one (decide sums every actor, itself included, with its
        update, because its test for "the actor itself" compares deep copies by
        identity); that entry can be older than side's current position.
        """
        position = self.position_for_nbs(ex, side, target)
        if self.opts["nbs_cap"] == "decide":
            return abs(position - ex.updates.get(side.supply, {}).get(side.actor, side.x))
        return abs(position - side.x)

    @staticmethod
    def move_valid(side: _Side, move: float) -> bool:
        if abs(move) > 100 or abs(move) <= 1e-10:
            return False
        if not 0 <= side.x + move <= 100:
            return False
        if sum(side.moves) > 100:
            return False
        lo, hi = min(side.moves), max(side.moves)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)

    def calculate(self, ex: _Exchange) -> None:
        i, j = ex.i, ex.j
        # j moves fully to i's position on j's supply issue
        dp = _divide(
            abs(self.x[i.actor][j.supply] - j.x)
            * self.s[j.actor][j.supply]
            * self.c[j.actor][j.supply],
            self.denominator[j.supply],
        )
        dq = self.by_ratio(j, i, dp)
        i.move = self.reverse(i, dq)
        j.move = abs(self.x[i.actor][j.supply] - j.x)
        if abs(i.move) > abs(self.x[j.actor][i.supply] - i.x):  # i would overshoot: swap
            dq = _divide(
                abs(self.x[j.actor][i.supply] - i.x)
                * self.s[i.actor][i.supply]
                * self.c[i.actor][i.supply],
                self.denominator[i.supply],
            )
            dp = self.by_ratio(i, j, dq)
            i.move = abs(self.x[j.actor][i.supply] - i.x)
            j.move = self.reverse(j, dp)
        if i.x > self.x[j.actor][i.supply]:
            i.move = -i.move
        if j.x > self.x[i.actor][j.supply]:
            j.move = -j.move
        i.moves.append(i.move)
        j.moves.append(j.move)
        i.y, j.y = i.x + i.move, j.x + j.move
        ex.dp, ex.dq = dp, dq
        ex.gain = self.utility(i, dq, dp)
        i.eu = j.eu = ex.gain
        ex.valid = self.move_valid(i, i.move) and self.move_valid(j, j.move) and ex.gain >= 1e-10
        if not ex.valid:
            return
        self.check_nbs(ex, i, j)
        self.check_nbs(ex, j, i)
        i.eu = j.eu = ex.gain
        ex.valid = self.move_valid(i, i.move) and self.move_valid(j, j.move)
        if self.opts["p"] > 0:  # decide draws here whether or not the caps left it valid
            self.randomize(ex)

    def check_nbs(self, ex: _Exchange, side: _Side, other: _Side) -> None:
        """Cap the exchange when the NBS would cross ``other``'s demand position."""
        side.nbs_0 = self.adjusted_nbs(ex, side, side.x)
        side.nbs_1 = self.adjusted_nbs(ex, side, side.y)
        target = self.x[other.actor][side.supply]
        if not _passes(side.nbs_0, side.nbs_1, target):
            return
        delta = self.cap_delta(ex, side, target)
        ratio_side = self.ratio(side, delta)
        ratio_other = self.by_ratio(side, other, ratio_side)
        other.move = abs(self.reverse(other, ratio_other))
        side.move = delta
        if other.x > self.x[side.actor][other.supply]:
            other.move = -other.move
        if side.x > target:
            side.move = -side.move
        other.moves[-1] = other.move
        side.moves[-1] = side.move
        other.y, side.y = other.x + other.move, side.x + side.move
        ex.gain = self.utility(other, ratio_other, ratio_side)
        side.nbs_1 = self.adjusted_nbs(ex, side, side.y)

    def maximum_utility(self, ex: _Exchange) -> dict[int, float]:
        """Each side's largest gain for the randomized model (decide's ``eu_max``), by actor.

        The NBS shift on each supply issue if the side moved all the way to its partner's
        position (or stays at its voting position when that equals its own position on its
        demand issue — decide compares those two, though they lie on different issues) is
        valued with both sides' saliences; the side that gains less on its demand issue
        keeps its gain net of its partner's loss shares, the other the rest.
        """
        i, j = ex.i, ex.j
        x, s = self.x, self.s
        i_stays = abs(x[i.actor][i.demand] - i.y) <= EPS
        j_stays = abs(x[j.actor][j.demand] - j.y) <= EPS
        shift_q = abs(
            self.adjusted_nbs(ex, i, i.x)
            - self.adjusted_nbs(ex, i, i.y if i_stays else x[j.actor][i.supply])
        )
        shift_p = abs(
            self.adjusted_nbs(ex, j, j.x)
            - self.adjusted_nbs(ex, j, j.y if j_stays else x[i.actor][j.supply])
        )
        loss_j, gain_i = shift_p * s[j.actor][j.supply], shift_p * s[i.actor][i.demand]
        loss_i, gain_j = shift_q * s[i.actor][i.supply], shift_q * s[j.actor][j.demand]
        overwrite = 0.0
        if i_stays and gain_j - loss_j > 0:
            overwrite = gain_i - (loss_j / s[j.actor][j.demand]) * s[i.actor][i.supply]
        if j_stays and gain_i - loss_i > 0:
            overwrite = gain_j - (loss_i / s[i.actor][i.demand]) * s[j.actor][j.supply]
        if gain_i > gain_j:
            side, other, gain, loss = j, i, gain_j, loss_i
        else:
            side, other, gain, loss = i, j, gain_i, loss_j
        s_side, s_other = s[side.actor][side.supply], s[other.actor][other.demand]
        share = s_side / (s_side + s_other)
        return {
            side.actor: gain - share * s_side * (loss / (share * s_other)),
            other.actor: overwrite or share * s_other * (gain / (share * s_side)) - loss,
        }

    def randomize(self, ex: _Exchange) -> None:
        """Randomized equal gain (decide's model): one side's gain is perturbed by p·z.

        Draws u, v, z: side A (i when u < 0.5, else j) gains ``eu + p z (eu_max - eu)``
        when v < 0.5, else ``eu - p z eu``. A moves all the way to its partner B's position
        and B as far as A's new gain requires; if B would overshoot, B moves all the way and
        A as far as required. Otherwise, if A's move would push the NBS past B's position,
        B's move is set by A's capped move, and A moves to where the NBS reaches B's
        position (``random_cap=capped``) or, as decide's code does, keeps its whole move
        with its direction reversed (``random_cap=decide``).
        """
        u, v, z = self.rng.uniform(size=3)
        eu_max = self.maximum_utility(ex)
        a, b = (ex.i, ex.j) if u < 0.5 else (ex.j, ex.i)
        p = float(self.opts["p"])
        s, x = self.s, self.x
        eu = ex.gain
        eu_a = eu + p * z * (eu_max[a.actor] - eu) if v < 0.5 else eu - p * z * eu
        target_a, target_b = x[b.actor][a.supply], x[a.actor][b.supply]
        move_a = abs(a.x - target_a)
        ratio_a = self.ratio(a, move_a)
        ratio_b = (eu_a + ratio_a * s[a.actor][a.supply]) / s[a.actor][a.demand]
        move_b = self.reverse(b, ratio_b)
        eu_b = self.utility(b, ratio_b, ratio_a)
        flip_a = a.x > target_a
        room_b = abs(b.x - target_b)
        if abs(move_b) > room_b:  # B would overshoot: B moves all the way
            ratio_b = self.ratio(b, room_b)
            ratio_a = abs((eu_a - ratio_b * s[a.actor][a.demand]) / s[a.actor][a.supply])
            move_b = room_b
            move_a = self.reverse(a, ratio_a)
            if abs(move_a) < abs(a.x - target_a):
                eu_b = self.utility(b, ratio_b, ratio_a)
        else:
            signed_a = -move_a if flip_a else move_a
            nbs_0 = self.adjusted_nbs(ex, a, a.x)
            nbs_1 = self.adjusted_nbs(ex, a, a.x + signed_a)
            if _passes(nbs_0, nbs_1, target_a):
                capped = self.cap_delta(ex, a, target_a)
                ratio_a = self.ratio(a, capped)
                ratio_b = (eu_a + ratio_a * s[a.actor][a.supply]) / s[a.actor][a.demand]
                move_b = self.reverse(b, ratio_b)
                eu_b = self.utility(b, ratio_b, ratio_a)
                # decide keeps the whole move, already signed, and reverses it again below
                move_a = signed_a if self.opts["random_cap"] == "decide" else capped
        move_a = -move_a if flip_a else move_a
        move_b = -move_b if b.x > target_b else move_b
        a.move, b.move = move_a, move_b
        a.moves[-1], b.moves[-1] = move_a, move_b
        a.y, b.y = a.x + move_a, b.x + move_b
        a.eu, b.eu = eu_a, eu_b
        ex.valid = self.move_valid(a, move_a) and self.move_valid(b, move_b)

    # -- execution ----------------------------------------------------------------------

    def recalculate(self, ex: _Exchange, done: _Exchange) -> None:
        """Bring ``ex`` up to date after ``done`` was executed (decide's rules)."""
        hit = False
        for mine in (ex.i, ex.j):
            for theirs in (done.i, done.j):
                if mine.actor == theirs.actor and mine.supply == theirs.supply:
                    mine.x = theirs.y
                    mine.moves.append(theirs.moves[-1])
                    hit = True
                    break
        if hit:
            ex.i.moves.pop()
            ex.j.moves.pop()
        for moved, demander in ((done.i, done.j), (done.j, done.i)):
            if any(demander.actor == s.actor and demander.demand == s.demand for s in (ex.i, ex.j)):
                previous = ex.updates[demander.demand].get(moved.actor)
                if previous is None:
                    ex.updates[demander.demand][moved.actor] = moved.y
                elif moved.start <= previous:  # keep the smaller move, as decide does
                    ex.updates[demander.demand][moved.actor] = min(previous, moved.y)
                else:
                    ex.updates[demander.demand][moved.actor] = max(previous, moved.y)
                if not hit:
                    ex.i.moves.pop()
                    ex.j.moves.pop()
                    hit = True
        if hit:
            self.calculate(ex)


def _left_of_nbs(x: np.ndarray, rnd: _Round) -> np.ndarray:
    """Who is left of each issue's NBS (``on_nbs`` says where an actor on it stands)."""
    if rnd.opts["on_nbs"] == "left":
        return np.asarray(x <= rnd.nbs[None, :] + EPS)
    return np.asarray(x < rnd.nbs[None, :] - EPS)


def _actor_pairs(
    rnd: _Round, x: np.ndarray, pp: np.ndarray, qq: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (issue pair, actor a, actor b) that can exchange, in decide's order.

    Per issue pair (in the given order): actors right of the NBS on both issues with those
    left of both ("ad"), then left on p and right on q with the reverse ("bc"), each by
    actor. Returns the pair's index, its issues p and q, a, b and the kind.
    """
    n = x.shape[0]
    left = _left_of_nbs(x, rnd)
    group = left[:, pp].astype(np.int64) | (left[:, qq].astype(np.int64) << 1)  # (n, P)
    both = rnd.present[:, pp] & rnd.present[:, qq]
    found: list[tuple[np.ndarray, ...]] = []
    block = max(1, (1 << 24) // max(1, n * n))
    for start in range(0, len(pp), block):
        cols = slice(start, start + block)
        for kind, (lo, hi) in enumerate(((0, 3), (1, 2))):
            side_a = ((group[:, cols] == lo) & both[:, cols]).T
            side_b = ((group[:, cols] == hi) & both[:, cols]).T
            pair, a, b = np.nonzero(side_a[:, :, None] & side_b[:, None, :])
            found.append((pair + start, a, b, np.full(len(a), kind)))
    pair, a, b, kinds = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((kinds, pair))  # stable: by actor within each pair and kind
    pair, a, b, kinds = pair[order], a[order], b[order], kinds[order]
    return pair, a, b, kinds, np.asarray(pp)[pair]


def _candidate_arrays(
    rnd: _Round, x: np.ndarray, pp: np.ndarray, qq: np.ndarray
) -> dict[str, np.ndarray] | None:
    """The valid exchanges on the issue pairs ``(pp[k], qq[k])``, all actor pairs at once.

    The arithmetic is :meth:`_Round.calculate` (before any execution, so without partners'
    updates) over arrays. Side i supplies ``q`` and demands ``p``; side j the reverse. Only
    valid exchanges are kept, since an invalid exchange is never executed or recalculated.
    """
    pair, a, b, kinds, p = _actor_pairs(rnd, x, pp, qq)
    if not len(a):
        return None
    q = np.asarray(qq)[pair]
    sal = np.asarray(rnd.s)
    cap = np.asarray(rnd.c)
    w = sal * cap
    den = np.asarray(rnd.denominator)
    sums = np.asarray(rnd.sums)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        swap = sal[a, p] / sal[a, q] < sal[b, p] / sal[b, q]
    ia, ja = np.where(swap, b, a), np.where(swap, a, b)  # i supplies q, j supplies p
    xi_p, xi_q, xj_p, xj_q = x[ia, p], x[ia, q], x[ja, p], x[ja, q]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dp = np.abs(xi_p - xj_p) * sal[ja, p] * cap[ja, p] / den[p]
        dq = (sal[ja, p] + sal[ia, p]) / (sal[ja, q] + sal[ia, q]) * dp
        i_move = dq * den[q] / (cap[ia, q] * sal[ia, q])
        j_move = np.abs(xi_p - xj_p)
        over = np.abs(i_move) > np.abs(xj_q - xi_q)
        dq2 = np.abs(xj_q - xi_q) * sal[ia, q] * cap[ia, q] / den[q]
        dp2 = (sal[ia, q] + sal[ja, q]) / (sal[ia, p] + sal[ja, p]) * dq2
        dq, dp = np.where(over, dq2, dq), np.where(over, dp2, dp)
        i_move = np.where(over, np.abs(xj_q - xi_q), i_move)
        j_move = np.where(over, dp2 * den[p] / (cap[ja, p] * sal[ja, p]), j_move)
        i_move = np.where(xi_q > xj_q, -i_move, i_move)
        j_move = np.where(xj_p > xi_p, -j_move, j_move)
        gain = np.abs(dq * sal[ia, q] - dp * sal[ia, p])

        def ok(x0: np.ndarray, move: np.ndarray) -> np.ndarray:
            return np.asarray(
                (np.abs(move) <= 100)
                & (np.abs(move) > 1e-10)
                & (x0 + move >= 0)
                & (x0 + move <= 100)
            )

        valid = ok(xi_q, i_move) & ok(xj_p, j_move) & (gain >= 1e-10)
        # check_nbs for i (issue q, target j's position), then for j (issue p, target i's)
        for side_x, side_issue, side_actor, other_x, other_issue, other_actor, target in (
            (xi_q, q, ia, xj_p, p, ja, xj_q),
            (xj_p, p, ja, xi_q, q, ia, xi_p),
        ):
            side_move = i_move if side_actor is ia else j_move
            nbs0 = (
                sums[side_issue]
                - w[side_actor, side_issue] * side_x
                + w[side_actor, side_issue] * side_x
            ) / den[side_issue]
            nbs1 = (
                sums[side_issue]
                - w[side_actor, side_issue] * side_x
                + w[side_actor, side_issue] * (side_x + side_move)
            ) / den[side_issue]
            crossing = valid & ~(
                ((target - nbs0 >= -EPS) & (target - nbs1 >= -EPS))
                | ((target - nbs0 <= EPS) & (target - nbs1 <= EPS))
            )
            position = (
                target * den[side_issue] - (sums[side_issue] - w[side_actor, side_issue] * side_x)
            ) / w[side_actor, side_issue]
            delta = np.abs(position - side_x)  # no updates yet: both caps agree
            ratio_side = (
                delta * sal[side_actor, side_issue] * cap[side_actor, side_issue] / den[side_issue]
            )
            ratio_other = (
                (sal[side_actor, side_issue] + sal[other_actor, side_issue])
                / (sal[side_actor, other_issue] + sal[other_actor, other_issue])
                * ratio_side
            )
            new_other = np.abs(
                ratio_other
                * den[other_issue]
                / (cap[other_actor, other_issue] * sal[other_actor, other_issue])
            )
            new_other = np.where(other_x > x[side_actor, other_issue], -new_other, new_other)
            new_side = np.where(side_x > target, -delta, delta)
            new_gain = np.abs(
                ratio_other * sal[other_actor, other_issue]
                - ratio_side * sal[other_actor, side_issue]
            )
            if side_actor is ia:
                i_move = np.where(crossing, new_side, i_move)
                j_move = np.where(crossing, new_other, j_move)
            else:
                j_move = np.where(crossing, new_side, j_move)
                i_move = np.where(crossing, new_other, i_move)
            gain = np.where(crossing, new_gain, gain)
        valid &= ok(xi_q, i_move) & ok(xj_p, j_move)
    keep = np.flatnonzero(valid)
    return {
        "ia": ia[keep],
        "ja": ja[keep],
        "xi": xi_q[keep],
        "xj": xj_p[keep],
        "mi": i_move[keep],
        "mj": j_move[keep],
        "gain": gain[keep],
        "kind": np.array(["ad", "bc"])[kinds[keep]],
        "p": p[keep],
        "q": q[keep],
    }


def _candidates(rnd: _Round, x: np.ndarray, p: int, q: int) -> list[_Exchange]:
    """The valid exchanges on issues (p, q) as objects (the Python engine)."""
    arrays = _candidate_arrays(rnd, x, np.array([p]), np.array([q]))
    if arrays is None:
        return []
    out = []
    for k in range(len(arrays["ia"])):
        xi, xj = float(arrays["xi"][k]), float(arrays["xj"][k])
        mi, mj = float(arrays["mi"][k]), float(arrays["mj"][k])
        gain = float(arrays["gain"][k])
        i = _Side(int(arrays["ia"][k]), q, p, xi, xi, moves=[mi], move=mi, y=xi + mi, eu=gain)
        j = _Side(int(arrays["ja"][k]), p, q, xj, xj, moves=[mj], move=mj, y=xj + mj, eu=gain)
        out.append(_Exchange(i, j, str(arrays["kind"][k]), gain=gain))
    return out


def _build(
    rnd: _Round, x: np.ndarray, issues: list[int], actors: int, vectorised: bool = True
) -> list[_Exchange]:
    if vectorised and rnd.opts["p"] == 0:
        return [
            ex for p, q in itertools.combinations(issues, 2) for ex in _candidates(rnd, x, p, q)
        ]
    left = _left_of_nbs(x, rnd)
    exchanges: list[_Exchange] = []
    for p, q in itertools.combinations(issues, 2):
        both = [a for a in range(actors) if rnd.present[a, p] and rnd.present[a, q]]
        group = {a: int(left[a, p]) | (int(left[a, q]) << 1) for a in both}
        pairs = [(a, b, "ad") for a in both if group[a] == 0 for b in both if group[b] == 3]
        pairs += [(a, b, "bc") for a in both if group[a] == 1 for b in both if group[b] == 2]
        for a, b, kind in pairs:
            if rnd.s[a][p] / rnd.s[a][q] < rnd.s[b][p] / rnd.s[b][q]:
                i = _Side(b, supply=q, demand=p, x=rnd.x[b][q], start=rnd.x[b][q])
                j = _Side(a, supply=p, demand=q, x=rnd.x[a][p], start=rnd.x[a][p])
            else:
                i = _Side(a, supply=q, demand=p, x=rnd.x[a][q], start=rnd.x[a][q])
                j = _Side(b, supply=p, demand=q, x=rnd.x[b][p], start=rnd.x[b][p])
            ex = _Exchange(i, j, kind)
            rnd.calculate(ex)
            exchanges.append(ex)
    return exchanges


def quantise(gain: float) -> float:
    """Round a gain to 12 significant digits.

    Gains equal but for the order of their sums then tie; the compiled engine computes the
    same (``_exchange_kernel.quantise``).
    """
    if gain == 0.0 or not math.isfinite(gain) or abs(gain) < TINY_GAIN:
        return gain
    exponent = math.floor(math.log10(abs(gain)))
    scale = 10.0 ** (11 - exponent)
    return float(np.rint(gain * scale)) / scale


def _execute(rnd: _Round, exchanges: list[_Exchange]) -> list[_Exchange]:
    """Execute exchanges highest gain first; recalculate those an execution touches.

    Equal gains are taken in an order fixed by the exchanges' data (issue pair, positions,
    saliences, capabilities), or at random between the two best with ``ties=random``. An
    exchange that becomes invalid stays invalid (decide drops it from its list).
    """
    realized: list[_Exchange] = []
    # an execution touches the exchanges where one of its actors supplies on the same issue,
    # or demands on the same issue (decide's two recalculation rules)
    by_supply: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_demand: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, ex in enumerate(exchanges):
        for side in (ex.i, ex.j):
            by_supply[(side.actor, side.supply)].append(k)
            by_demand[(side.actor, side.demand)].append(k)
    version = [0] * len(exchanges)
    alive = [ex.valid for ex in exchanges]

    # Equal gains are ordered by the exchanges' own data, never by the actors' order in the
    # file, so that relabelling or reordering actors cannot change the result; gains are
    # compared to 12 significant digits because sums in another order differ in the last bits.
    fingerprint = [(*rnd.x[a], *rnd.s[a], *rnd.c[a]) for a in range(len(rnd.x))]

    def canonical(ex: _Exchange) -> tuple[Any, ...]:
        i, j = ex.i, ex.j
        return (i.supply, j.supply, i.x, j.x, fingerprint[i.actor], fingerprint[j.actor])

    order = sorted(range(len(exchanges)), key=lambda k: canonical(exchanges[k]))
    rank = [0] * len(exchanges)
    for position, k in enumerate(order):
        rank[k] = position

    def key(k: int) -> tuple[float, int, int, int]:
        return (-quantise(exchanges[k].gain), rank[k], version[k], k)

    heap = [key(k) for k, ex in enumerate(exchanges) if ex.valid]
    heapq.heapify(heap)

    def pop() -> int | None:
        while heap:
            _, _, ver, k = heapq.heappop(heap)
            if alive[k] and ver == version[k]:
                return k
        return None

    while True:
        best = pop()
        if best is None:
            break
        if rnd.opts["ties"] == "random":
            runner = pop()
            if runner is not None:
                if key(runner)[0] == key(best)[0] and rnd.rng.uniform() >= 0.5:
                    best, runner = runner, best
                heapq.heappush(heap, key(runner))
        chosen = exchanges[best]
        alive[best] = False
        realized.append(chosen)
        touched = {
            k
            for index, key in (
                (by_supply, (chosen.i.actor, chosen.i.supply)),
                (by_supply, (chosen.j.actor, chosen.j.supply)),
                (by_demand, (chosen.i.actor, chosen.i.demand)),
                (by_demand, (chosen.j.actor, chosen.j.demand)),
            )
            for k in index[key]
            if alive[k]
        }
        for k in sorted(touched):
            ex = exchanges[k]
            before = (ex.gain, ex.valid)
            rnd.recalculate(ex, chosen)
            if not ex.valid:
                alive[k] = False
            elif (ex.gain, ex.valid) != before:
                version[k] += 1
                heapq.heappush(heap, key(k))
    return realized


@dataclass
class _Executed:
    """The exchanges a round executed, in order, as arrays (both engines produce this).

    ``ia``/``ja``: the actors; ``q``/``p``: the issues they supply (i supplies q, j
    supplies p); ``xi``/``xj`` their positions there when executed, ``yi``/``yj`` after;
    ``start_i``/``start_j`` at the start of the round; ``gain`` and each side's ``eu``;
    ``nbs``: the NBS of q before and after, then of p before and after.
    """

    ia: np.ndarray
    ja: np.ndarray
    q: np.ndarray
    p: np.ndarray
    xi: np.ndarray
    xj: np.ndarray
    yi: np.ndarray
    yj: np.ndarray
    start_i: np.ndarray
    start_j: np.ndarray
    gain: np.ndarray
    eu_i: np.ndarray
    eu_j: np.ndarray
    nbs: np.ndarray

    def __len__(self) -> int:
        return len(self.ia)

    @classmethod
    def from_table(cls, table: np.ndarray) -> _Executed:
        """From rows of the fields in declaration order (the four NBS values last)."""
        ints = table[:, :4].astype(np.int64)
        f = table[:, 4:13].T
        return cls(
            ints[:, 0],
            ints[:, 1],
            ints[:, 2],
            ints[:, 3],
            f[0],
            f[1],
            f[2],
            f[3],
            f[4],
            f[5],
            f[6],
            f[7],
            f[8],
            table[:, 13:17],
        )


def _execute_as_decide(rnd: _Round, exchanges: list[_Exchange]) -> list[_Exchange]:
    """Execute as the decide package's list does (``ties=decide``), with seeded draws.

    The list starts in construction order, invalid exchanges included. Each step sorts it
    by gain (stably, best first) and takes the first; when the next has the same gain, a
    draw ``u`` decides: ``u >= 0.5`` puts the first at the end and takes the next, otherwise
    the next is appended to the end *as well* (decide's slip: it then sits in the list
    twice and is recalculated twice per execution). An invalid exchange taken is dropped;
    a valid one is executed, and every valid exchange left is recalculated, in list order,
    and dropped if it became invalid. Gains are compared as :func:`quantise` rounds them
    (decide compares exact decimals: where two equal gains differ in its 28th digit, its
    order can differ from this one). The executed exchanges are returned as they were when
    executed: a copy left in the list goes on changing.
    """
    queue = list(exchanges)
    realized: list[_Exchange] = []
    while queue:
        queue.sort(key=lambda ex: -quantise(ex.gain))
        best = queue.pop(0)
        if queue and quantise(queue[0].gain) == quantise(best.gain):
            if rnd.rng.random() >= 0.5:
                queue.append(best)
                best = queue.pop(0)
            else:
                queue.append(queue[0])
        if not best.valid:
            continue
        realized.append(copy.deepcopy(best))
        kept = []
        for ex in queue:
            if ex.valid:
                rnd.recalculate(ex, best)
                if ex.valid:
                    kept.append(ex)
        queue = kept
    return realized


def _python_round(rnd: _Round, x: np.ndarray, issues: list[int], n: int) -> _Executed:
    if rnd.opts["ties"] == "decide":
        realized = _execute_as_decide(rnd, _build(rnd, x, issues, n, vectorised=False))
    else:
        realized = _execute(rnd, _build(rnd, x, issues, n))
    rows = [
        (
            ex.i.actor,
            ex.j.actor,
            ex.i.supply,
            ex.j.supply,
            ex.i.x,
            ex.j.x,
            ex.i.y,
            ex.j.y,
            ex.i.start,
            ex.j.start,
            ex.gain,
            ex.i.eu,
            ex.j.eu,
            rnd.adjusted_nbs(ex, ex.i, ex.i.x),
            rnd.adjusted_nbs(ex, ex.i, ex.i.y),
            rnd.adjusted_nbs(ex, ex.j, ex.j.x),
            rnd.adjusted_nbs(ex, ex.j, ex.j.y),
        )
        for ex in realized
    ]
    return _Executed.from_table(np.array(rows, dtype=float).reshape(len(rows), 17))


def _compiled_round(rnd: _Round, x: np.ndarray, issues: list[int], n: int) -> _Executed:
    from stratagem.models import _exchange_kernel as kernel  # numba: imported when used

    combos = np.array(list(itertools.combinations(issues, 2)), dtype=np.int64).reshape(-1, 2)
    sal = np.asarray(rnd.s, dtype=float)
    cap = np.asarray(rnd.c, dtype=float)
    w = np.asarray(rnd.w, dtype=float)
    x0 = np.asarray(rnd.x, dtype=float)
    m = x0.shape[1]
    # equal gains: the order of the exchanges' data (issues, positions, then the actors'
    # whole rows of positions, saliences and capabilities), as the Python engine's sort;
    # positions and actors are replaced by their ranks, which order the same, so that one
    # integer key sorts it
    ranks = np.empty((n, m + 1), dtype=np.int64)
    for d in range(m):
        ranks[:, d] = _ranks(x0[:, d : d + 1])
    ranks[:, m] = _ranks(np.concatenate([x0, sal, cap], axis=1))
    serial = one_thread(n, m)
    act, sup, move, gain, tie = (kernel.candidates_serial if serial else kernel.candidates)(
        np.ascontiguousarray(x, dtype=float),
        np.ascontiguousarray(rnd.present),
        np.ascontiguousarray(_left_of_nbs(x, rnd)),
        sal,
        cap,
        w,
        np.asarray(rnd.denominator, dtype=float),
        np.asarray(rnd.sums, dtype=float),
        combos[:, 0].copy(),
        combos[:, 1].copy(),
        ranks,
    )
    if not len(gain):
        return _Executed.from_table(np.zeros((0, 17)))
    ia, ja, q_arr, p_arr = act[:, 0], act[:, 1], sup[:, 0], sup[:, 1]
    if float(m) ** 2 * float(n) ** 4 < 2.0**62:
        by_rank = np.argsort(tie, kind="stable")
    else:  # too many actors and issues for one integer key
        by_rank = np.lexsort(
            (ranks[ja, m], ranks[ia, m], ranks[ja, p_arr], ranks[ia, q_arr], p_arr, q_arr)
        )
    # the kernel's fifth plane holds the current positions
    model = np.stack([x0, sal, cap, w, x0])
    sums = np.stack([np.asarray(rnd.denominator, dtype=float), np.asarray(rnd.sums, dtype=float)])
    execute = kernel.execute_round_serial if serial else kernel.execute_round
    executed = execute(
        kernel.aligned_records(len(gain)),
        act,
        sup,
        move,
        gain,
        by_rank,
        model,
        sums,
        n,
        m,
        rnd.opts["nbs_cap"] == "decide",
    )
    r, nbs, xcur_r, y_r, gain_r = executed
    ia_r, ja_r, q_r, p_r = ia[r], ja[r], q_arr[r], p_arr[r]
    return _Executed(
        ia_r,
        ja_r,
        q_r,
        p_r,
        xcur_r[:, 0],
        xcur_r[:, 1],
        y_r[:, 0],
        y_r[:, 1],
        x0[ia_r, q_r],
        x0[ja_r, p_r],
        gain_r,
        gain_r,
        gain_r,
        nbs,
    )


def _ranks(rows: np.ndarray) -> np.ndarray:
    """Dense ranks of the rows in lexicographic order (equal rows share a rank)."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.empty(len(rows), dtype=bool)
    new[:1] = True
    # a difference, not !=: equal infinities differ here as they did through np.diff
    new[1:] = ((ordered[1:] - ordered[:-1]) != 0).any(axis=1)
    ranks = np.empty(len(rows), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks


def _externalities(
    done: _Executed, x: np.ndarray, s: np.ndarray, present: np.ndarray
) -> dict[int, float]:
    """Externalities: per actor outside an exchange, its expected-utility changes summed.

    The actors come in the order they were first affected by the round's exchanges.
    """
    n = x.shape[0]
    if not len(done):
        return {}
    total = np.zeros(n)
    first = np.full(n, len(done))
    block = max(1, (1 << 20) // max(n, 1))
    for start in range(0, len(done), block):
        r = np.arange(start, min(len(done), start + block))
        q, p = done.q[r], done.p[r]
        eligible = present[:, q].T & present[:, p].T
        eligible[np.arange(len(r)), done.ia[r]] = False
        eligible[np.arange(len(r)), done.ja[r]] = False
        xq, xp = x[:, q].T, x[:, p].T
        nb = done.nbs[r]
        term_i = (np.abs(nb[:, 0:1] - xq) - np.abs(nb[:, 1:2] - xq)) * s[:, q].T
        term_j = (np.abs(nb[:, 2:3] - xp) - np.abs(nb[:, 3:4] - xp)) * s[:, p].T
        gains = np.where(eligible, term_i + term_j, 0.0)
        # running sums in execution order, as the scalar loop adds them
        stacked = np.ascontiguousarray(np.concatenate([total[None, :], gains], axis=0))
        total = np.add.reduce(stacked, axis=0)
        hit = eligible.any(axis=0)
        first_here = start + np.argmax(eligible, axis=0)
        first = np.where(hit & (first == len(done)), first_here, first)
    affected = np.flatnonzero(first < len(done))
    affected = affected[np.lexsort((affected, first[affected]))]
    return {int(a): float(total[a]) for a in affected}


ONE_THREAD_SIZE = 50_000
"""actors² × issues² below which the compiled engine runs its kernel on one thread: a
small round's recalculations take less time than waking numba's threads (and far less than
waiting for them on cores other work holds), and a process that has not started them can
fork workers that run the kernel (a lever search splits its runs between the cores)."""


def one_thread(n_actors: int, n_issues: int) -> bool:
    """Whether the compiled engine runs this size on one thread (see ONE_THREAD_SIZE)."""
    return n_actors * n_actors * n_issues * n_issues < ONE_THREAD_SIZE


AUTO_COMPILE_SIZE = 500_000
"""actors² × issues² from which ``engine=auto`` compiles the kernel (see the parameter)."""


def _use_compiled(engine: str, n_actors: int, n_issues: int) -> bool:
    from stratagem.parallel import forked_after_threads

    if engine == "compiled" and not _numba_installed():
        raise StratagemError(
            "engine=compiled needs numba, the optional extra: pip install 'stratagem[fast]'"
        )
    if forked_after_threads():  # the kernel would abort this forked worker; same runs
        return False
    if engine != "auto":
        return engine == "compiled"
    if not _numba_installed():
        return False
    kernel = sys.modules.get("stratagem.models._exchange_kernel")
    if kernel is not None:
        one = one_thread(n_actors, n_issues)
        if (kernel.execute_round_serial if one else kernel.execute_round).signatures:
            return True
    return n_actors**2 * n_issues**2 >= AUTO_COMPILE_SIZE


def _numba_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def run_exchange(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator, lean: bool = False
) -> dict[str, Any]:
    """Run the model; positions per round on the issues' own scales, exchanges and externalities.

    ``lean`` leaves out what only the run's details show (the voting positions, the
    exchanges' records, the externalities): the same compromises, round by round.
    """
    lo, hi = scenario.scale[:, 0], scenario.scale[:, 1]
    span = hi - lo
    present = scenario.has_position & (scenario.salience > 0)
    x = (scenario.positions - lo[None, :]) * 100.0 / span[None, :]
    s, c = scenario.salience, scenario.capability
    n, m = x.shape
    issues = list(range(m))
    compiled = _use_compiled(str(params.get("engine", "auto")), n, m) and (
        float(params["p"]) == 0 and params["ties"] == "first"
    )
    history_pref, history_vote = [], []
    pref_positions, vote_positions = [], []
    executed: list[dict[str, Any]] = []
    externalities: list[dict[str, Any]] = []
    stop_rule = "rounds"
    rounds_run = 0
    schedule = {e.round: e for e in scenario.event_schedule()}
    last_event = max(schedule, default=0)
    applied: dict[int, tuple[str, ...]] = {}
    ever_present = present.copy()
    for rnd_no in range(int(params["rounds"])):
        if rnd_no + 1 in schedule:  # events act at the start of their round
            now = schedule[rnd_no + 1]
            x = np.where(now.moved, (now.positions - lo[None, :]) * 100.0 / span[None, :], x)
            s, c = now.salience, now.capability
            present = scenario.has_position & (s > 0)
            ever_present |= present
            applied[rnd_no + 1] = now.events
        rnd = _Round(x.copy(), s, c, present, params, rng)
        history_pref.append(rnd.nbs.copy())
        pref_positions.append(x.copy())
        done = (_compiled_round if compiled else _python_round)(rnd, x, issues, n)
        moved_at, last_y, start = _last_moves(done, m)
        if not lean:
            voting = x.copy()
            voting.flat[moved_at] = last_y
            vote_round = _Round(voting, s, c, present, params, rng)
            history_vote.append(vote_round.nbs.copy())
            vote_positions.append(voting.copy())
            executed.extend(_exchange_records(scenario, rnd_no, done, lo, span))
            round_ext = _externalities(done, x, s, present)
            externalities.append({scenario.actors[a].name: v for a, v in round_ext.items()})
        new_x = x.copy()
        sw, fw = float(params["salience_weight"]), float(params["fixed_weight"])
        sal = s.flat[moved_at]
        new_x.flat[moved_at] = start + ((1 - sal) * sw + fw) * (last_y - start)
        rounds_run = rnd_no + 1
        moved = np.abs(_nbs(new_x, s, c, present)[3] - rnd.nbs).max() if m else 0.0
        x = new_x
        if (
            params["stop"] == "stable"
            and moved <= float(params["tolerance"])
            and rounds_run >= last_event
        ):
            stop_rule = "stable"
            break
    history_pref.append(_nbs(x, s, c, present)[3])
    pref_positions.append(x.copy())

    return {
        "pref": np.array(history_pref),
        "vote": np.array(history_vote),
        "pref_positions": pref_positions,
        "vote_positions": vote_positions,
        "executed": executed,
        "externalities": externalities,
        "rounds": rounds_run,
        "stop_rule": stop_rule,
        "lo": lo,
        "span": span,
        "present": ever_present,
        "events": applied,
    }


def _last_moves(done: _Executed, n_issues: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (actor, issue) that moved in the round: its flat index, last position, start.

    Executions move an actor on an issue in turn, so the last one gives its voting
    position.
    """
    flat = np.empty(2 * len(done), dtype=np.int64)
    flat[0::2] = done.ia * n_issues + done.q
    flat[1::2] = done.ja * n_issues + done.p
    y = np.empty(2 * len(done))
    y[0::2], y[1::2] = done.yi, done.yj
    start = np.empty(2 * len(done))
    start[0::2], start[1::2] = done.start_i, done.start_j
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    last = len(flat) - 1 - first_from_end
    return flat[last], y[last], start[last]


def _exchange_records(
    scenario: Scenario, rnd_no: int, done: _Executed, lo: np.ndarray, span: np.ndarray
) -> list[dict[str, Any]]:
    actors = [a.name for a in scenario.actors]
    issues = [i.id for i in scenario.issues]

    def scaled(position: np.ndarray, issue: np.ndarray) -> list[float]:
        return list((position * span[issue] / 100 + lo[issue]).tolist())

    i_from, i_to = scaled(done.xi, done.q), scaled(done.yi, done.q)
    j_from, j_to = scaled(done.xj, done.p), scaled(done.yj, done.p)
    gain, eu_i, eu_j = done.gain.tolist(), done.eu_i.tolist(), done.eu_j.tolist()
    ia, ja, q, p = done.ia.tolist(), done.ja.tolist(), done.q.tolist(), done.p.tolist()

    def side(actor: int, supply: int, demand: int, frm: float, to: float, eu: float) -> Any:
        who = (actors[actor], issues[supply], issues[demand])
        return dict(
            zip(
                ("actor", "supply", "demand", "from", "to", "gain"),
                (*who, frm, to, eu),
                strict=True,
            )
        )

    return [
        {
            "round": rnd_no + 1,
            "gain": gain[k],
            "i": side(ia[k], q[k], p[k], i_from[k], i_to[k], eu_i[k]),
            "j": side(ja[k], p[k], q[k], j_from[k], j_to[k], eu_j[k]),
        }
        for k in range(len(done))
    ]


def _run(scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator) -> ModelResult:
    lean = not details_wanted()
    out = run_exchange(scenario, params, rng, lean)
    issues: dict[str, IssueForecast] = {}
    names = [a.name for a in scenario.actors]
    for j, issue in enumerate(scenario.issues):

        def back(unit: np.ndarray, j: int = j, issue: Issue = issue) -> np.ndarray:
            """From the model's 0-100 scale; clipped, as rounding can step past an end."""
            on_scale = unit * out["span"][j] / 100 + out["lo"][j]
            return np.asarray(np.clip(on_scale, issue.min, issue.max), dtype=float)

        if lean:
            issues[issue.id] = IssueForecast(float(back(out["pref"][-1:, j])[0]))
            continue
        pref, vote = back(out["pref"][:, j]), back(out["vote"][:, j])
        present = [k for k in range(scenario.n_actors) if out["present"][k, j]]

        def scaled(
            rounds: list[np.ndarray],
            j: int = j,
            rows: list[int] = present,
            back: Callable[[np.ndarray], np.ndarray] = back,
        ) -> np.ndarray:
            return back(np.array([p[rows, j] for p in rounds], dtype=float))

        path = Trajectory(
            actors=tuple(scenario.actors[k].id for k in present),
            names=tuple(names[k] for k in present),
            positions=scaled(out["pref_positions"]),
            mean=Series("compromise_by_round", "compromise (NBS)", pref),
            others=(Series("voting_compromise_by_round", "voting compromise", vote),),
            events={
                r: names_
                for r, names_ in out["events"].items()
                if r in scenario.events_by_round(issue.id)
            },
        )
        issues[issue.id] = IssueForecast(
            float(pref[-1]),
            {
                "voting_positions_by_round": scaled(out["vote_positions"]).tolist(),
                "rounds": out["rounds"],
                "stop_rule": out["stop_rule"],
            },
            path,
        )
    if lean:
        return ModelResult(issues)
    return ModelResult(
        issues, {"exchanges": out["executed"], "externalities_by_round": out["externalities"]}
    )


def explain(forecast: Forecast, issue_id: str, round_: int) -> list[str]:
    """The exchanges executed in a round (involving the issue), in words."""
    lines = []
    for ex in forecast.details.get("exchanges", []):
        if ex["round"] != round_ or issue_id not in (ex["i"]["supply"], ex["j"]["supply"]):
            continue
        i, j = ex["i"], ex["j"]
        if math.isclose(i["gain"], j["gain"], rel_tol=1e-9):
            gains = f"each gains {ex['gain']:.4g}"
        else:  # the randomized model splits the gain unequally
            gains = f"{i['actor']} gains {i['gain']:.4g}, {j['actor']} {j['gain']:.4g}"
        lines.append(
            f"  {i['actor']} moves on {i['supply']} ({i['from']:.3g} → {i['to']:.3g}) for "
            f"{j['actor']} moving on {j['supply']} ({j['from']:.3g} → {j['to']:.3g}); {gains}"
        )
    path = forecast.trajectory(issue_id)
    assert path is not None
    assert path.mean is not None
    comp = path.mean.values
    if not 1 <= round_ < len(comp):
        return [f"{issue_id}: the run has rounds 1 to {len(comp) - 1}; there is no round {round_}."]
    header = (
        f"{issue_id}, round {round_}: compromise {comp[round_ - 1]:.4g} → {comp[round_]:.4g}, "
        f"{len(lines)} exchanges involve it"
    )
    return [header, *(lines or ["  no exchange involves this issue"])]


def _every_core(scenario: Scenario) -> bool:
    """Whether the compiled kernel runs this scenario on every core.

    A named function, not a lambda, so that the model's spec pickles.
    """
    return not one_thread(scenario.n_actors, scenario.n_issues)


def _two_issues(scenario: Scenario) -> str | None:
    return None if scenario.n_issues >= 2 else "the exchange model needs at least two issues"


register(
    ModelSpec(
        name="exchange",
        summary="Stokman–Van Oosten position exchange: actors trade moves across pairs of "
        "issues (equal gain), in rounds.",
        function=_run,
        params=PARAMS,
        dynamic=True,
        stochastic=True,
        requires=_two_issues,
        explain=explain,
        # its compiled kernel (engine=compiled, which lever searches use) runs a large case
        # on every core
        multicore=_every_core,
        citation="Stokman & Van Oosten 1994; decide exchange-model package",
    )
)
