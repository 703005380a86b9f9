r"""Spatial model of politics (KTAB's SMP): probabilistic Condorcet elections over vector positions.

Citation
--------
Wise, B., Lester, S., Efird, B. et al. (2015–2019), *KTAB: KAPSARC Toolkit for Behavioral
Analysis*, KAPSARC, MIT licence (``examples/smp`` and ``KTAB/kmodel``); Efird, B., Lester, S.
& Wise, B. (2016), "The evolution of China's oil and gas industry", KAPSARC. Read from the
source to understand the algorithm (``smp.cpp``, ``smpbcn.cpp``, ``kmodel.cpp``); this is an
independent, vectorised implementation.

Equations
---------
Positions :math:`x_i \in [0,1]^D` (issue scales mapped to [0, 1]), saliences :math:`s_{id}`
with :math:`\sum_d s_{id} \le 1`, scalar capabilities :math:`c_i`; ideals :math:`\hat x_i`
(equal to the positions unless an accommodation matrix is given).

* **Distance and utility** (``bvDiff``, ``bsUtil``):
  :math:`\delta_{ij} = \sqrt{\sum_d ((\hat x_{id} - x_{jd}) s_{id})^2 / \sum_d s_{id}^2}`,
  :math:`u_{ij} = (1 - \delta_{ij})(1 + \delta_{ij} R_i)` (and :math:`(1-\delta)(1+R)` past 1).
* **Votes** (``Model::vote``, ``VotingRule``) of actor :math:`k` with weight :math:`w` between
  options :math:`i, j`, :math:`\Delta = u_{ki} - u_{kj}`:
  Binary :math:`w\,\mathrm{clip}(\Delta/10^{-8})`,
  PropBin :math:`w(0.8\Delta + 0.2\,\mathrm{bin})`, Prop :math:`w\Delta`, PropCbc
  :math:`w(\Delta + \Delta^3)/2`, Cubic :math:`w\Delta^3`, ASymProsp (losses :math:`w\Delta`,
  gains :math:`2w\Delta/3`).
* **Coalitions and victory** (``coalitions``, ``vProb``, ``VictoryProbModel``):
  :math:`C_{ij} = 10^{-8} + \sum_{k: v_{kij} > 0} v_{kij}`;
  :math:`P_{ij} = f(C_{ij}) / (f(C_{ij}) + f(C_{ji}))` with :math:`f` the identity (Linear), the
  2nd, 4th or 8th power, or Binary (a 10% advantage wins; linear in between).
* **Option probabilities** (``PCEModel``): Conditional :math:`p_i \propto \prod_j P_{ij}`;
  MarkovUniform, the fixed point of :math:`p_i = \frac1n \sum_j P_{ij}(p_i + p_j)`;
  MarkovIncentive, challenges in proportion to :math:`C_{ij} P_{ij}`.
* **Risk** (``bigRfromProb``, ``BigRRange``): a risk-neutral election (weights :math:`c_k`)
  gives :math:`p_i`; Min :math:`R = (p - p_{min})/(p_{max}-p_{min})`, Mid
  :math:`(3p - p_{max} - 2p_{min}) / (2(p_{max} - p_{min}))`, Max
  :math:`(2p - p_{max} - p_{min})/(p_{max}-p_{min})`. Actor :math:`h` estimates :math:`i`'s risk as
  :math:`r^h_i = (1-a) R_h + a R_i` with :math:`a` = 0, 1/3, 1/2, 2/3, 1 (``BigRAdjust``);
  :math:`U^h_{ij} = u(\delta_{ij}, r^h_i)`.
* **Challenges** (``probEduChlg``): in :math:`h`'s view, principals vote with weight
  :math:`c s` (:math:`s = \sum_d s_d`); each third party :math:`n` votes in the "little
  contest" (``vProbLittle``, ``thirdPartyVoteSU``, ``ThirdPartyCommit``);
  :math:`P^h_{ij} = C_{ij}/(C_{ij} + C_{ji})`, and for the affected actor :math:`k`
  :math:`\Delta EU = (1 - s_j) 2U_{ki} + s_j [P\,2U_{ki} + (1-P)\,2U_{kj}] - (U_{ki} + U_{kj})`.
  Each actor targets the :math:`j` with the largest gain above :math:`10^{-5}`.
* **Bargains** (``interpolateBrgn``, ``InterVecBrgn``): per dimension,
  :math:`b = ((w_i + 10^{-6}) x_i + w_j x_j) / (w_i + 10^{-6} + w_j)`, :math:`w = s^n p^m` (S1P1,
  S2P2) rounded to 4 decimals, or S2PMax; ``BargnModel`` picks the initiator's bargain, both
  sides', or their power-weighted compromise.
* **Choice** (``doBCN``): every actor's bargains (its status quo first) are put to a
  Conditional/Markov election over :math:`\bar U_k(\text{state after bargain})`, the mean
  utility of all positions; ``StateTransitions`` Deterministic (first maximum) or
  Stochastic (sampled, seeded). Ideals then move: :math:`\hat x_i' = \sum_j A_{ij} x_j' +
  (1 - \min(1, \sum_j A_{ij})) \hat x_i` (``IdealAdjustment``; identity by default).
* **Stopping** (``smpStopFn``): after at least 2 and at most 100 turns, stop when
  :math:`\sum_i \lVert x_i^t - x_i^{t-1} \rVert / (\sum_i \lVert x_i^1 - x_i^0 \rVert + 10^{-4})
  < 0.02`.

The forecast of each turn is KTAB's "prob" table (each actor's own-utility election over the
distinct positions; positions closer than 0.001 count as one), and per issue the
probability-weighted and capability-weighted positions.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stratagem.errors import InvalidInputError, Problem
from stratagem.models.registry import ModelResult, ModelSpec, Param, details_wanted, register
from stratagem.results import Forecast, IssueForecast, Series, Trajectory
from stratagem.scenario import Scenario

__all__ = [
    "PARAMS",
    "SMPOptions",
    "SMPRun",
    "explain",
    "run_smp",
    "scalar_pce",
    "vote",
]

FloatArray = NDArray[np.float64]

VOTING_RULES = ("Binary", "PropBin", "Prop", "Proportional", "PropCbc", "Cubic", "ASymProsp")
VICTORY_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
BIG_R_ADJUST = {
    "None": 0.0,
    "No": 0.0,
    "OneThird": 1 / 3,
    "Half": 0.5,
    "TwoThirds": 2 / 3,
    "Full": 1.0,
}

MIN_COALITION = 1e-8  # Model::coalitions
MIN_CHALLENGE_COALITION = 1e-10  # SMPState::probEduChlg
MIN_GAIN = 1e-5  # SMPState::bestChallenge: gains below this are no reason to challenge
MIN_BARGAIN_WEIGHT = 1e-6  # SMPActor::interpBrgnSnPm
POSITION_TOLERANCE = 1e-3  # SMPModel::posTol: positions closer than this (on [0, 1]) are one


PARAMS: tuple[Param, ...] = (
    Param(
        "VictoryProbModel",
        "Linear",
        "How coalition strengths become victory odds: Linear (2:1 gives 2/3), Square, "
        "Quartic, Octic, or Binary (a 10% advantage wins). KTAB's default.",
        choices=VICTORY_MODELS,
    ),
    Param(
        "VotingRule",
        "Prop",
        "How a utility difference becomes a vote (KTAB's vrCltn; 'Proportional' is the XSD's "
        "spelling of 'Prop'). KTAB's default.",
        choices=VOTING_RULES,
    ),
    Param(
        "PCEModel",
        "Conditional",
        "Probabilistic Condorcet election: Conditional (one step), MarkovUniform or "
        "MarkovIncentive (stationary distributions). KTAB's default.",
        choices=PCE_MODELS,
    ),
    Param(
        "StateTransitions",
        "Deterministic",
        "Each actor adopts its most probable bargain (Deterministic, first one on ties) or "
        "one drawn with those probabilities (Stochastic, from the run's seed).",
        choices=("Deterministic", "Stochastic"),
    ),
    Param(
        "BigRRange",
        "Mid",
        "Range of inferred risk attitudes: Min [0, 1], Mid [-1/2, 1], Max [-1, 1].",
        choices=("Min", "Mid", "Max"),
    ),
    Param(
        "BigRAdjust",
        "OneThird",
        "How far an actor's estimate of another's risk attitude moves from its own toward the "
        "other's: None (0), OneThird, Half, TwoThirds, Full ('No' is the XSD's 'None').",
        choices=tuple(BIG_R_ADJUST),
    ),
    Param(
        "ThirdPartyCommit",
        "SemiCommit",
        "What a third party expects when it joins a side: NoCommit, SemiCommit, FullCommit.",
        choices=("NoCommit", "SemiCommit", "FullCommit"),
    ),
    Param(
        "InterVecBrgn",
        "S2P2",
        "Bargain interpolation weights: salience^n × probability^m (S1P1, S2P2) or S2PMax.",
        choices=("S1P1", "S2P2", "S2PMax"),
    ),
    Param(
        "BargnModel",
        "InitOnlyInterp",
        "Which bargains are proposed: the initiator's interpolation (InitOnlyInterp), both "
        "sides' (InitRcvrInterp) or their power-weighted compromise (PWCompInterp).",
        choices=("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
    ),
    Param("min_turns", 2, "Fewest turns before the stopping rule may fire (KTAB: 2).", minimum=1),
    Param("max_turns", 100, "Most turns (KTAB: 100).", minimum=1, maximum=100_000),
    Param(
        "stop_ratio",
        0.02,
        "Stop when a turn's total movement is below this fraction of the first turn's (KTAB: 2%).",
        minimum=0.0,
    ),
    Param(
        "salience_rule",
        "auto",
        "KTAB needs each actor's saliences to sum to at most 1 over the issues: 'as-is' uses "
        "them unchanged (refusing larger sums), 'mean' divides them by the number of issues, "
        "'auto' (default) is 'as-is' when every sum is at most 1 and 'mean' otherwise.",
        choices=("auto", "as-is", "mean"),
    ),
    Param(
        "distinct_positions",
        "actor-order",
        "Positions closer than 0.001 (on [0, 1]) count as one in the 'prob' table's election; "
        "as closeness is not transitive, the classes depend on the scan: 'actor-order' "
        "(default) scans the actors as listed, as KTAB does; 'sorted' scans them by position. "
        "The forecast's probability-weighted position always uses 'sorted', so that "
        "reordering the actors cannot change it.",
        choices=("actor-order", "sorted"),
    ),
    Param(
        "actor_order",
        "as-given",
        "The order in which the actors are taken, which breaks exact ties (between equal "
        "gains, equally probable bargains): 'as-given' (default), the scenario's order, as "
        "KTAB does; 'by-content', an order fixed by the actors' own numbers (positions, then "
        "saliences, then capability, then what the events set), so that neither renaming "
        "nor reordering the actors can change a forecast.",
        choices=("as-given", "by-content"),
    ),
    Param(
        "ktab_receiver_slips",
        True,
        "Reproduce two slips in KTAB's receiver-side bargain (used only by InitRcvrInterp and "
        "PWCompInterp): the receiver's expected gain stands in for its probability, and the "
        "initiator's capability for the receiver's in the compromise weights. False corrects "
        "both.",
    ),
)


@dataclass(frozen=True)
class SMPOptions:
    """The model's options, resolved (see :data:`PARAMS` for their meaning)."""

    victory: str = "Linear"
    voting: str = "Prop"
    pce: str = "Conditional"
    stochastic: bool = False
    big_r_range: str = "Mid"
    big_r_adjust: float = 1 / 3
    third_party: str = "SemiCommit"
    interpolation: str = "S2P2"
    bargains: str = "InitOnlyInterp"
    min_turns: int = 2
    max_turns: int = 100
    stop_ratio: float = 0.02
    receiver_slips: bool = True
    distinct_scan: str = "actor-order"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SMPOptions:
        """Options from resolved model parameters."""
        voting = str(params["VotingRule"])
        return cls(
            victory=str(params["VictoryProbModel"]),
            voting="Prop" if voting == "Proportional" else voting,
            pce=str(params["PCEModel"]),
            stochastic=params["StateTransitions"] == "Stochastic",
            big_r_range=str(params["BigRRange"]),
            big_r_adjust=BIG_R_ADJUST[str(params["BigRAdjust"])],
            third_party=str(params["ThirdPartyCommit"]),
            interpolation=str(params["InterVecBrgn"]),
            bargains=str(params["BargnModel"]),
            min_turns=int(params["min_turns"]),
            max_turns=int(params["max_turns"]),
            stop_ratio=float(params["stop_ratio"]),
            receiver_slips=bool(params["ktab_receiver_slips"]),
            distinct_scan=str(params["distinct_positions"]),
        )


# --------------------------------------------------------------------------- elections


def _seqsum(a: FloatArray, axis: int = -1, start: FloatArray | float | None = None) -> FloatArray:
    """Sum along ``axis`` strictly in order, from ``start`` (as KTAB's loops add).

    numpy's ``sum`` adds a contiguous axis in pairs, so the last bits differ from a running
    sum, and a target or bargain chosen on a near-tie can differ with them. Reducing over the
    leading axis of a C-contiguous array adds whole slabs one after another, which is a
    running sum for every element; a one-dimensional sum goes through ``cumsum``. (The
    summed axis is moved first by a plain transpose and ``start`` written into one buffer
    with the slabs: this runs some 200,000 times in a cop21 report.)
    """
    arr = np.asarray(a, dtype=float)
    ndim = arr.ndim
    if ndim > 1:
        axis = axis % ndim
        if axis:
            arr = arr.transpose((axis, *range(axis), *range(axis + 1, ndim)))
    if start is not None:
        buf = np.empty((arr.shape[0] + 1, *arr.shape[1:]))
        buf[0] = start
        buf[1:] = arr
        arr = buf
    if arr.ndim == 1:
        return np.asarray(np.cumsum(arr)[-1] if arr.size else 0.0)
    return np.asarray(np.add.reduce(np.ascontiguousarray(arr), axis=0))


def vote(rule: str, weight: FloatArray | float, du: FloatArray) -> FloatArray:
    """Votes of weight ``weight`` for a utility difference ``du`` (``Model::vote``)."""
    du = np.asarray(du, dtype=float)
    if rule == "Prop":
        return np.asarray(weight * du)
    if rule == "Binary":
        return np.asarray(weight * np.clip(du / 1e-8, -1.0, 1.0))
    if rule == "PropBin":
        return np.asarray(weight * (0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0)))
    if rule == "PropCbc":
        return np.asarray(weight * (0.5 * du + 0.5 * (du * du * du)))
    if rule == "Cubic":
        return np.asarray(weight * (du * du * du))
    if rule == "ASymProsp":
        w = np.broadcast_to(weight, du.shape)
        return np.where(du < 0, w * du, np.where(du > 0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def _victory(model: str, c1: FloatArray, c2: FloatArray) -> FloatArray:
    """Probability that strength ``c1`` defeats ``c2`` (``Model::vProb``)."""
    if model == "Linear":
        x1, x2 = c1, c2
    elif model == "Square":
        x1, x2 = c1 * c1, c2 * c2
    elif model == "Quartic":
        x1, x2 = (c1 * c1) ** 2, (c2 * c2) ** 2
    elif model == "Octic":
        x1, x2 = ((c1 * c1) ** 2) ** 2, ((c2 * c2) ** 2) ** 2
    elif model == "Binary":
        thresh = 1.10
        ratio = c1 / (c1 + c2)
        inside = (ratio * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        win, lose = c1 >= thresh * c2, c2 >= thresh * c1
        x1 = np.where(win, 1.0, np.where(lose, 1e-6, inside))
        x2 = np.where(win, 1e-6, np.where(lose, 1.0, 1.0 - inside))
    else:
        raise ValueError(f"unknown victory model {model!r}")
    return np.asarray(x1 / (x1 + x2))


def _coalitions(utils: FloatArray, weights: FloatArray, rule: str) -> FloatArray:
    """``C[i, j]``: strength of the coalition for option i against j (``Model::coalitions``).

    ``utils`` is ``(actors, options)``, or ``(elections, actors, options)`` for several
    elections at once (the same sums in the same order, element by element); only i > j is
    voted, as in KTAB (the rules are not all antisymmetric), and the mirror entry collects
    the votes against.
    """
    n_opt = utils.shape[-1]
    actors = utils.ndim - 2  # the axis of the actors
    w = weights.reshape((-1, 1, 1))
    votes = vote(rule, w, utils[..., :, None] - utils[..., None, :])
    floor = np.full(votes.shape[:actors] + votes.shape[actors + 1 :], MIN_COALITION)
    pro = _seqsum(np.maximum(votes, 0.0), axis=actors, start=floor)
    con = _seqsum(np.maximum(-votes, 0.0), axis=actors, start=floor)
    lower, diagonal = _triangles(n_opt)
    strength = np.where(lower, pro, 0.0) + np.where(lower, con, 0.0).swapaxes(-1, -2)
    strength[..., diagonal] = MIN_COALITION
    return np.asarray(strength)


@functools.lru_cache(maxsize=64)
def _triangles(n: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The strictly lower triangle of an ``n × n`` matrix, and its diagonal, as masks."""
    lower = np.tri(n, k=-1, dtype=bool)
    return lower, ~(lower | lower.T)


def _head_to_head(victory: str, strength: FloatArray) -> FloatArray:
    """``P[..., i, j]``: probability that option i beats j (one half against itself)."""
    n = strength.shape[-1]
    prob = _victory(victory, strength, strength.swapaxes(-1, -2))
    prob[..., np.arange(n), np.arange(n)] = 0.5
    return prob


def _pce(model: str, victory: str, strength: FloatArray) -> FloatArray:
    """Probability of each option from coalition strengths (``Model::probCE2``)."""
    n = strength.shape[0]
    prob = _head_to_head(victory, strength)
    if model == "Conditional":
        p = np.prod(prob, axis=1)
        total = float(_seqsum(p))
        if not total > 0:  # every product underflowed: work in logs
            logp = np.log(prob).sum(axis=1)
            p = np.exp(logp - logp.max())
            total = float(_seqsum(p))
        return np.asarray(p / total)
    if model == "MarkovUniform":
        return _markov(lambda p: _seqsum(prob * (p[:, None] + p[None, :]), axis=1) / n, n, 1e-6)
    if model == "MarkovIncentive":
        incentive = strength * prob
        incentive[np.diag_indices(n)] += 1e-10
        challenge = incentive / _seqsum(incentive, axis=0)[None, :]

        def step(p: FloatArray) -> FloatArray:
            ct = p[:, None] * challenge.T
            return _seqsum(prob * (ct + ct.T), axis=1)

        return _markov(step, n, 1e-8)
    raise ValueError(f"unknown PCE model {model!r}")


def _markov(step: Callable[[FloatArray], FloatArray], n: int, tol: float) -> FloatArray:
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        q = step(p)
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0  # KTAB's damped iteration
        if change <= tol:
            return p
    raise RuntimeError("the Markov election did not converge in 1,000 iterations")


def scalar_pce(
    utils: FloatArray, weights: FloatArray, rule: str, victory: str, model: str
) -> FloatArray:
    """Probability of each option (column of ``utils``) winning (``Model::scalarPCE``).

    Parameters
    ----------
    utils : ndarray, shape (actors, options)
        Utility to each actor of each option.
    weights : ndarray, shape (actors,)
        Voting weights.
    rule, victory, model : str
        ``VotingRule``, ``VictoryProbModel`` and ``PCEModel`` names.
    """
    return _pce(model, victory, _coalitions(utils, weights, rule))


def scalar_pces(
    utils: FloatArray, weights: FloatArray, rule: str, victory: str, model: str
) -> FloatArray:
    """:func:`scalar_pce` of several elections with as many options.

    ``utils`` is ``(elections, actors, options)``; returns ``(elections, options)``, the
    same numbers as one call per election with fewer numpy calls.
    """
    if model != "Conditional" or len(utils) == 1:
        # Markov elections iterate to their own convergence; and one election's total is
        # a (1, options) sum, which numpy would add in pairs
        return np.array([scalar_pce(u, weights, rule, victory, model) for u in utils])
    strength = _coalitions(utils, weights, rule)
    p = np.prod(_head_to_head(victory, strength), axis=2)
    total = _seqsum(p, axis=1)
    out = p / total[:, None]
    for e in np.nonzero(~(total > 0))[0]:  # every product underflowed: that one in logs
        out[e] = _pce(model, victory, strength[e])
    return np.asarray(out)


# --------------------------------------------------------------------------- utilities


def _distance(ideals: FloatArray, positions: FloatArray, sal: FloatArray) -> FloatArray:
    """``d[i, j]``: salience-weighted distance from i's ideal to j's position (``bvDiff``)."""
    diff = (ideals[:, None, :] - positions[None, :, :]) * sal[:, None, :]
    ss = _seqsum(sal * sal, axis=1)
    num = _seqsum(diff * diff, axis=2)
    # an actor with no salience anywhere is indifferent (KTAB refuses such actors)
    safe = np.where(ss > 0, ss, 1.0)
    return np.asarray(np.where(ss[:, None] > 0, np.sqrt(num / safe[:, None]), 0.0))


def _utility(d: FloatArray, risk: FloatArray) -> FloatArray:
    """``bsUtil``: utility at normalised distance ``d`` for risk attitude ``risk``."""
    return np.asarray(np.where(d <= 1.0, (1.0 - d) * (1.0 + d * risk), (1.0 - d) * (1.0 + risk)))


def _big_r(p: FloatArray, rule: str) -> FloatArray:
    lo, hi = float(p.min()), float(p.max())
    span = hi - lo
    if span <= 0.0:  # every position equally likely: no basis for risk (KTAB divides by 0)
        return np.zeros_like(p)
    if rule == "Min":
        return np.asarray((p - lo) / span)
    if rule == "Mid":
        return np.asarray((3 * p - (hi + 2 * lo)) / (2 * span))
    return np.asarray((2 * p - (hi + lo)) / span)


@dataclass
class _Assessment:
    """One state's utilities: risk attitudes, ``U[h, i, j]`` and the distinct positions."""

    risk: FloatArray
    utils: FloatArray  # (h, i, j): h's estimate of i's utility for j's position
    prob: FloatArray  # per actor: probability of its position prevailing ("prob :")
    unique: list[int]  # distinct positions scanned in sorted order (for the forecast)
    unique_prob: FloatArray


def _unique(positions: FloatArray, scan: str) -> tuple[list[int], FloatArray]:
    """KTAB's ``ueIndices``: first index of each distinct position, and each actor's class.

    Equivalence (closer than :data:`POSITION_TOLERANCE`) is not transitive, so the classes
    depend on the order of the scan: ``actor-order`` as KTAB, or ``sorted`` by position.
    """
    n = positions.shape[0]
    step = positions[:, None, :] - positions[None, :, :]
    gaps = np.sqrt(_seqsum(step * step, axis=2))
    same = gaps < POSITION_TOLERANCE
    order = range(n) if scan != "sorted" else np.lexsort(positions.T[::-1]).tolist()
    rows = same.tolist()  # Python lists: the scan reads one cell at a time
    uniq: list[int] = []
    for i in order:
        row = rows[i]
        if not any(row[k] for k in uniq):
            uniq.append(i)
    # State::posProb takes the last distinct position equivalent to the actor's
    equivalent = same[:, uniq]
    cls = len(uniq) - 1 - np.argmax(equivalent[:, ::-1], axis=1)
    return uniq, cls


def _assess(
    positions: FloatArray,
    ideals: FloatArray,
    sal: FloatArray,
    caps: FloatArray,
    opts: SMPOptions,
    distinct: bool = True,
) -> _Assessment:
    """``SMPState::setAllAUtil`` and ``pDist(-1)`` for one state.

    ``distinct=False`` leaves out the election over the distinct positions (``prob`` and
    ``unique_prob`` empty): the turns only need the utilities, the forecast only the last
    state's election.
    """
    d = _distance(ideals, positions, sal)
    neutral = _utility(d, np.zeros((d.shape[0], 1)))
    p_neutral = scalar_pce(neutral, caps, opts.voting, opts.victory, opts.pce)
    risk = _big_r(p_neutral, opts.big_r_range)
    est = _adjusted(risk, opts.big_r_adjust)  # est[h, i]: h's estimate of i's risk
    utils = _utility(d[None, :, :], est[:, :, None])
    state = _Assessment(risk, utils, np.empty(0), [], np.empty(0))
    if distinct:
        _elect_distinct(state, positions, caps, opts)
    return state


def _elect_distinct(
    state: _Assessment, positions: FloatArray, caps: FloatArray, opts: SMPOptions
) -> None:
    """``pDist(-1)``: each actor's own-utility election over the distinct positions."""
    n = len(caps)
    own = state.utils[np.arange(n), np.arange(n), :]
    # pDist: voting rule fixed to Prop in KTAB, whatever VotingRule says
    uniq, cls = _unique(positions, opts.distinct_scan)
    unique_prob = scalar_pce(own[:, uniq], caps, "Prop", opts.victory, opts.pce)
    state.prob = unique_prob[cls]
    if opts.distinct_scan != "sorted":
        sorted_uniq, _ = _unique(positions, "sorted")
        if sorted(sorted_uniq) != sorted(uniq):
            uniq = sorted_uniq
            unique_prob = scalar_pce(own[:, uniq], caps, "Prop", opts.victory, opts.pce)
    state.unique, state.unique_prob = uniq, unique_prob


def _adjusted(risk: FloatArray, a: float) -> FloatArray:
    """``Model::estNRA`` with KTAB's arithmetic for each adjustment (same rounding)."""
    rh, ri = risk[:, None], risk[None, :]
    if a == 0.0:
        return np.asarray(np.broadcast_to(rh, (len(risk), len(risk))))
    if a == 1.0:
        return np.asarray(np.broadcast_to(ri, (len(risk), len(risk))))
    if abs(a - 1 / 3) < 1e-12:
        return np.asarray(((2.0 * rh) + ri) / 3.0)
    if abs(a - 2 / 3) < 1e-12:
        return np.asarray((rh + (2.0 * ri)) / 3.0)
    return np.asarray((rh + ri) / 2)


# --------------------------------------------------------------------------- challenges


def _challenge(
    utils: FloatArray,
    weight: FloatArray,
    sal_sum: FloatArray,
    h: NDArray[np.intp],
    k: NDArray[np.intp],
    i: NDArray[np.intp],
    j: NDArray[np.intp],
    opts: SMPOptions,
) -> tuple[FloatArray, FloatArray]:
    """``probEduChlg`` for many ``(h, k, i, j)`` at once.

    Returns h's estimate of the probability that i defeats j, and of k's expected gain from
    i challenging j.
    """
    n = utils.shape[1]
    uii, uij = utils[h, i, i], utils[h, i, j]
    uji, ujj = utils[h, j, i], utils[h, j, j]
    uki, ukj = utils[h, k, i], utils[h, k, j]
    rows = np.arange(len(h))
    rule = opts.voting
    ci = vote(rule, weight[i], uii - uij)
    cj = vote(rule, weight[j], uji - ujj)
    for_i = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    for_j = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    everyone = np.arange(n)[None, :]
    uni = utils[h[:, None], everyone, i[:, None]]  # (m, n): third party n's utility for i
    unj = utils[h[:, None], everyone, j[:, None]]
    unn = np.diagonal(utils, axis1=1, axis2=2)[h]  # (m, n): n's utility for its own position
    v3 = _third_party_votes(uni, unj, unn, for_i[:, None], for_j[:, None], weight[None, :], opts)
    third = np.ones((len(h), n), dtype=bool)
    third[rows, i] = False
    third[rows, j] = False
    v3 = np.where(third, v3, 0.0)
    chij = _seqsum(np.maximum(v3, 0.0), axis=1, start=for_i)
    chji = _seqsum(np.maximum(-v3, 0.0), axis=1, start=for_j)
    p = chij / (chij + chji)
    sj = sal_sum[j]
    win, lose = uki + uki, ukj + ukj
    gain = (1 - sj) * win + sj * (p * win + (1 - p) * lose) - (uki + ukj)
    return p, gain


def _third_party_votes(
    uni: FloatArray,
    unj: FloatArray,
    unn: FloatArray,
    for_i: FloatArray,
    for_j: FloatArray,
    weight: FloatArray,
    opts: SMPOptions,
) -> FloatArray:
    """Third parties' votes in the little contests (``vProbLittle``, ``thirdPartyVoteSU``)."""
    rule = opts.voting
    vn = vote(rule, weight, uni - unj)
    cni = for_i + np.maximum(vn, 0.0)
    cnj = for_j + np.maximum(-vn, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    if opts.third_party == "FullCommit":
        ik_j, j_ik, i_jk, jk_i = 3 * uni, 3 * unj, 3 * uni, 3 * unj
    elif opts.third_party == "SemiCommit":
        ik_j, j_ik, i_jk, jk_i = uni + uni + unn, 3 * unj, 3 * uni, unj + unj + unn
    else:
        ik_j, j_ik, i_jk, jk_i = uni + uni + unn, unj + unj + unn, uni + uni + unn, unj + unj + unn
    return vote(rule, weight, (pin * ik_j + pjn * j_ik) - (pin * i_jk + pjn * jk_i))


CHUNK_ELEMENTS = 1 << 20
"""Elements of the largest temporary array in the challenge evaluation (8 MB each): bounds
memory at any number of actors without slowing the small cases."""


def _own_challenges(
    utils: FloatArray, weight: FloatArray, sal_sum: FloatArray, opts: SMPOptions
) -> tuple[FloatArray, FloatArray]:
    """Every actor's own estimate of every challenge it could make (``bestChallengeUtils``).

    ``probEduChlg(i, i, i, j)`` for all i != j, in blocks of initiators: returns ``(gain,
    prob)`` as ``(n, n)`` matrices, the gain ``-inf`` on the diagonal.
    """
    n = utils.shape[0]
    gains = np.full((n, n), -np.inf)
    probs = np.zeros((n, n))
    if n < 2:
        return gains, probs
    rule = opts.voting
    block = max(1, CHUNK_ELEMENTS // (n * n))
    cols = np.arange(n)
    for start in range(0, n, block):
        i = np.arange(start, min(n, start + block))
        b = len(i)
        u = utils[i]  # (b, n, n): initiator i's estimates
        rows = np.arange(b)
        uii = u[rows, i, i][:, None]  # (b, 1)
        uij = u[rows, i, :]  # (b, j): i's utility for j's position
        uji = u[rows, :, i]  # (b, j): j's utility for i's position
        ujj = np.diagonal(u, axis1=1, axis2=2)  # (b, j)
        ci = vote(rule, weight[i][:, None], uii - uij)
        cj = vote(rule, weight[None, :], uji - ujj)
        for_i = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
        for_j = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
        # third parties n along the last axis: (b, j, n)
        v3 = _third_party_votes(
            uji[:, None, :],
            u.transpose(0, 2, 1),
            ujj[:, None, :],
            for_i[:, :, None],
            for_j[:, :, None],
            weight[None, None, :],
            opts,
        )
        v3[rows, :, i] = 0.0  # the principals are not third parties
        v3[:, cols, cols] = 0.0
        chij = _seqsum(np.maximum(v3, 0.0), axis=2, start=for_i)
        chji = _seqsum(np.maximum(-v3, 0.0), axis=2, start=for_j)
        p = chij / (chij + chji)
        sj = sal_sum[None, :]
        win, lose = uii + uii, uij + uij
        gain = (1 - sj) * win + sj * (p * win + (1 - p) * lose) - (uii + uij)
        gain[rows, i] = -np.inf
        gains[i] = gain
        probs[i] = p
    return gains, probs


def _interpolate(
    xi: FloatArray,
    si: FloatArray,
    pi: FloatArray | float,
    xj: FloatArray,
    sj: FloatArray,
    pj: FloatArray | float,
    how: str,
) -> tuple[FloatArray, FloatArray]:
    """``interpolateBrgn``: the bargain positions for i and j, per dimension.

    One pair (``xi`` of shape ``(dims,)``, ``pi`` a float) or many (``(pairs, dims)`` and
    ``(pairs, 1)``), element by element the same arithmetic.
    """
    if how == "S2PMax":
        di = np.maximum(pj - pi, 0.0)
        dj = np.maximum(pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_BARGAIN_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_BARGAIN_WEIGHT + ((1 - dj) * sj2))
        return xi + dik * (xj - xi), xj + djk * (xi - xj)
    power = 1 if how == "S1P1" else 2
    wi = si**power * pi**power
    wj = sj**power * pj**power
    total = wi + MIN_BARGAIN_WEIGHT + wj
    bi = ((wi + MIN_BARGAIN_WEIGHT) * xi + wj * xj) / total
    bj = (wi * xi + (MIN_BARGAIN_WEIGHT + wj) * xj) / total
    # KTAB rounds to 4 decimals "to avoid spurious precision" (truncating x + 0.5)
    return np.trunc(0.5 + bi * 10000.0) / 10000.0, np.trunc(0.5 + bj * 10000.0) / 10000.0


# --------------------------------------------------------------------------- the run


@dataclass
class SMPRun:
    """Everything a run records, on [0, 1] scales (see :func:`run_smp`)."""

    positions: list[FloatArray]
    ideals: list[FloatArray]
    prob: list[FloatArray]
    unique: list[list[int]]
    unique_prob: list[FloatArray]
    risk: list[FloatArray]
    fractional_change: list[float]
    challenges: list[list[dict[str, Any]]]
    chosen: list[list[dict[str, Any]]]
    stop_rule: str
    capabilities: list[FloatArray] = field(default_factory=list)
    events: dict[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnInputs:
    """Inputs that events set from a turn on (on the model's [0, 1] scales).

    ``moved`` marks the actor × dimension cells whose position (and ideal) the events set;
    saliences and capabilities replace the whole arrays.
    """

    turn: int
    events: tuple[str, ...]
    positions: FloatArray
    salience: FloatArray
    capability: FloatArray
    moved: NDArray[np.bool_]


def run_smp(
    positions: FloatArray,
    salience: FloatArray,
    capability: FloatArray,
    opts: SMPOptions,
    accommodation: FloatArray | None = None,
    rng: np.random.Generator | None = None,
    schedule: Sequence[TurnInputs] = (),
    lean: bool = False,
) -> SMPRun:
    """Run the spatial model from positions in [0, 1]^D.

    Parameters
    ----------
    positions : ndarray, shape (actors, dims)
        Initial positions, each coordinate in [0, 1].
    salience : ndarray, shape (actors, dims)
        Saliences in [0, 1], each actor's summing to at most 1.
    capability : ndarray, shape (actors,)
        Capabilities (non-negative).
    opts : SMPOptions
        The model's options.
    accommodation : ndarray, shape (actors, actors), optional
        KTAB's ideal-adjustment matrix (identity when omitted).
    rng : numpy.random.Generator, optional
        Used only by stochastic state transitions.
    schedule : sequence of TurnInputs
        The scenario's events, applied at the start of their turns; the run does not stop
        (by the stop ratio) before the last of them.
    lean : bool
        Hold the election over the distinct positions (``prob``, ``unique``,
        ``unique_prob``) for the last state only, the others left empty: all a forecast
        needs, and the same numbers.

    Returns
    -------
    SMPRun
        Positions, ideals, probabilities and risk per state; per turn the challenges, the
        chosen bargains and KTAB's fractional change.
    """
    x = np.array(positions, dtype=float)
    sal = np.array(salience, dtype=float)
    caps = np.array(capability, dtype=float)
    n = x.shape[0]
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    identity = bool(np.allclose(acc, np.eye(n), atol=1e-10, rtol=0))
    sal_sum = _seqsum(sal, axis=1)
    weight = sal_sum * caps
    ideals = x.copy()
    rng = rng if rng is not None else np.random.default_rng(0)

    states = [x]
    ideal_hist = [ideals]
    assessment = _assess(x, ideals, sal, caps, opts, distinct=not lean)
    probs, risks = [assessment.prob], [assessment.risk]
    uniques, unique_probs = [assessment.unique], [assessment.unique_prob]
    fractions: list[float] = []
    challenges_hist: list[list[dict[str, Any]]] = []
    chosen_hist: list[list[dict[str, Any]]] = []
    first_move = 0.0
    stop_rule = "max_turns"
    idx = np.arange(n)
    at_turn = {s.turn: s for s in schedule}
    last_event = max(at_turn, default=0)
    capabilities = [caps]
    applied: dict[int, tuple[str, ...]] = {}
    for turn in range(1, opts.max_turns + 1):
        if turn in at_turn:
            now = at_turn[turn]
            x = np.where(now.moved, now.positions, x)
            ideals = np.where(now.moved, now.positions, ideals)
            sal, caps = np.array(now.salience, dtype=float), np.array(now.capability, dtype=float)
            sal_sum = _seqsum(sal, axis=1)
            weight = sal_sum * caps
            # only the utilities: the election of this state is never recorded
            assessment = _assess(x, ideals, sal, caps, opts, distinct=False)
            applied[turn] = now.events
        x_new, turn_challenges, turn_chosen = _step(
            x, sal, caps, weight, sal_sum, assessment, opts, rng, idx, records=not lean
        )
        if identity:
            ideals = x_new.copy()
        else:
            share = np.minimum(acc.sum(axis=1), 1.0)
            ideals = acc @ x_new + (1.0 - share)[:, None] * ideals
        delta = x_new - x
        moved = float(_seqsum(np.sqrt(_seqsum(delta * delta, axis=1))))
        if turn == 1:
            first_move = moved + 1e-4
        fractions.append(moved / first_move)
        x = x_new
        states.append(x)
        capabilities.append(caps)
        ideal_hist.append(ideals)
        assessment = _assess(x, ideals, sal, caps, opts, distinct=not lean)
        probs.append(assessment.prob)
        uniques.append(assessment.unique)
        unique_probs.append(assessment.unique_prob)
        risks.append(assessment.risk)
        challenges_hist.append(turn_challenges)
        chosen_hist.append(turn_chosen)
        if turn >= max(opts.min_turns, last_event) and fractions[-1] < opts.stop_ratio:
            stop_rule = "stop_ratio"
            break
    if lean:
        _elect_distinct(assessment, x, caps, opts)
        probs[-1], uniques[-1], unique_probs[-1] = (
            assessment.prob,
            assessment.unique,
            assessment.unique_prob,
        )
    return SMPRun(
        states,
        ideal_hist,
        probs,
        uniques,
        unique_probs,
        risks,
        fractions,
        challenges_hist,
        chosen_hist,
        stop_rule,
        capabilities,
        applied,
    )


def _step(
    x: FloatArray,
    sal: FloatArray,
    caps: FloatArray,
    weight: FloatArray,
    sal_sum: FloatArray,
    state: _Assessment,
    opts: SMPOptions,
    rng: np.random.Generator,
    idx: NDArray[np.intp],
    records: bool = True,
) -> tuple[FloatArray, list[dict[str, Any]], list[dict[str, Any]]]:
    """One turn of ``SMPState::doBCN``: challenges, bargains, elections over bargains.

    ``records=False`` (a lean run) leaves the challenges and choices unrecorded (empty).
    """
    n = x.shape[0]
    utils = state.utils
    gains, probs = _own_challenges(utils, weight, sal_sum, opts)
    # a bargain: (initiator, receiver, initiator's position, receiver's position)
    bargains: list[tuple[int, int, FloatArray, FloatArray]] = []
    queues: list[list[int]] = [[] for _ in range(n)]  # -1 is the actor's status quo
    made_records: list[dict[str, Any]] = []
    ok = gains > MIN_GAIN
    initiators = np.nonzero(ok.any(axis=1))[0]
    # each initiator's target: the first maximum gain, as KTAB
    targets = np.argmax(np.where(ok, gains, -np.inf), axis=1)[initiators]
    p_init = probs[initiators, targets][:, None]
    own_bargains = _interpolate(
        x[initiators],
        sal[initiators],
        p_init,
        x[targets],
        sal[targets],
        1 - p_init,
        opts.interpolation,
    )
    row_of = {int(i): row for row, i in enumerate(initiators)}
    for i in range(n):
        # the status quo joins i's queue after the bargains of earlier initiators (KTAB's
        # order, which the election's sums follow)
        queues[i].append(-1)
        if i not in row_of:
            continue
        row = row_of[i]
        j = int(targets[row])
        b_ii = own_bargains[0][row], own_bargains[1][row]
        made: list[tuple[FloatArray, FloatArray]]
        if opts.bargains == "InitOnlyInterp":
            made = [b_ii]
        else:
            one = np.array([j])
            p_j, gain_j = _challenge(
                utils, weight, sal_sum, one, np.array([i]), np.array([i]), one, opts
            )
            p_view = float(gain_j[0]) if opts.receiver_slips else float(p_j[0])
            b_ji = _interpolate(x[i], sal[i], p_view, x[j], sal[j], 1 - p_view, opts.interpolation)
            if opts.bargains == "InitRcvrInterp":
                made = [b_ii, b_ji]
            else:
                wi = caps[i] * sal_sum[i]
                wj = (caps[i] if opts.receiver_slips else caps[j]) * sal_sum[j]
                made = [
                    (
                        (wi * b_ii[0] + wj * b_ji[0]) / (wi + wj),
                        (wi * b_ii[1] + wj * b_ji[1]) / (wi + wj),
                    )
                ]
        for bi, bj in made:
            bargains.append((i, j, bi, bj))
            queues[i].append(len(bargains) - 1)
            queues[j].append(len(bargains) - 1)
        if records:
            made_records.append(
                {
                    "initiator": i,
                    "target": j,
                    "gain": float(gains[i, j]),
                    "prob": float(probs[i, j]),
                    "proposals": [
                        {"initiator": bi.tolist(), "target": bj.tolist()} for bi, bj in made
                    ],
                }
            )

    own = utils[idx, idx, :]  # (actor, position): each actor's utility, its own estimate
    status_quo = _seqsum(own, axis=1) / n
    if bargains:
        init = np.array([b[0] for b in bargains])
        rcvr = np.array([b[1] for b in bargains])
        pos_init = np.array([b[2] for b in bargains])
        pos_rcvr = np.array([b[3] for b in bargains])
        # posUtil: distance from each actor's *position* (not ideal) with its own risk
        u_init = _utility(_distance(x, pos_init, sal), state.risk[:, None])
        u_rcvr = _utility(_distance(x, pos_rcvr, sal), state.risk[:, None])
        # the others keep their positions: (actor, bargain, position), the pair's masked out
        kept = np.ones((len(bargains), n), dtype=bool)
        kept[np.arange(len(bargains)), init] = False
        kept[np.arange(len(bargains)), rcvr] = False
        rest = np.where(kept[None, :, :], own[:, None, :], 0.0)
        bargain_util = _seqsum(rest, axis=2, start=u_init + u_rcvr) / n  # (actor, bargain)
    x_new = x.copy()
    # each actor's election among its queue, batched by queue length (KTAB's order kept)
    elected: dict[int, FloatArray] = {}
    by_length: dict[int, list[int]] = {}
    for k in range(n):
        if len(queues[k]) > 1:
            by_length.setdefault(len(queues[k]), []).append(k)
    if by_length:
        # column 0 is the status quo, column b + 1 bargain b
        options = np.column_stack([status_quo, bargain_util]) if bargains else status_quo[:, None]
    for members in by_length.values():
        picks = np.array([queues[k] for k in members]) + 1
        cols = options[:, picks].transpose(1, 0, 2)  # (elections, actors, options)
        results = scalar_pces(cols, caps, opts.voting, opts.victory, opts.pce)
        elected.update(zip(members, results, strict=True))
    chosen: list[dict[str, Any]] = []
    for k in range(n):
        queue = queues[k]
        if len(queue) == 1:
            if records:
                chosen.append({"actor": k, "bargain": -1, "prob": 1.0})
            continue
        p = elected[k]
        # deterministic: the first maximum, as KTAB's ndxMaxAbs
        m = int(rng.choice(len(queue), p=p / p.sum())) if opts.stochastic else int(np.argmax(p))
        b = queue[m]
        if records:
            chosen.append({"actor": k, "bargain": b, "prob": float(p[m])})
        if b >= 0:
            x_new[k] = bargains[b][2] if bargains[b][0] == k else bargains[b][3]
    return x_new, made_records, chosen


# --------------------------------------------------------------------------- registry glue


def _salience(scenario: Scenario, rule: str, divide: bool | None = None) -> FloatArray:
    """Saliences as KTAB needs them (``divide``: by the number of issues, decided once)."""
    sal = np.array(scenario.salience, dtype=float)
    sums = sal.sum(axis=1)
    over = sums > 1.0 + 1e-9
    if divide is None:
        divide = rule == "mean" or (rule == "auto" and bool(over.any()))
    if divide:
        return np.asarray(sal / scenario.n_issues)
    if over.any():
        raise InvalidInputError(
            [
                Problem(
                    f"actors[{scenario.actors[k].id}].positions",
                    f"the spatial model with salience_rule=as-is needs saliences summing to at "
                    f"most 1 over the issues; these sum to {sums[k]:g}",
                )
                for k in np.nonzero(over)[0]
            ]
        )
    return sal


def _accommodation(scenario: Scenario) -> FloatArray | None:
    pairs = scenario.model_params.get("smp", {}).get("IdealAdjustment")
    if not pairs:
        return None
    acc = np.eye(scenario.n_actors)
    for who, ref, amount in pairs:
        acc[scenario.actor_index(who), scenario.actor_index(ref)] = float(amount)
    problems = [
        Problem(
            f"model_params.smp.IdealAdjustment[{scenario.actors[k].id}]",
            f"adjustments of an ideal must lie in [0, 1] and sum to at most 1; "
            f"these sum to {acc[k].sum():g}",
        )
        for k in range(scenario.n_actors)
        if acc[k].min() < 0 or acc[k].sum() > 1 + 1e-9
    ]
    if problems:
        raise InvalidInputError(problems)
    return acc


def _run(scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator) -> ModelResult:
    opts = SMPOptions.from_params(params)
    lo, hi = scenario.scale[:, 0], scenario.scale[:, 1]
    span = np.where(hi > lo, hi - lo, 1.0)
    x0 = (np.asarray(scenario.positions) - lo) / span
    rule = str(params["salience_rule"])
    schedule = scenario.event_schedule()
    # the salience rule is decided once for the whole run, events included
    divide = rule == "mean" or (
        rule == "auto"
        and any(
            (sal.sum(axis=1) > 1.0 + 1e-9).any()
            for sal in (scenario.salience, *(s.salience for s in schedule))
        )
    )
    sal = _salience(scenario, rule, divide)
    caps = np.array([a.capability for a in scenario.actors], dtype=float)
    turns_in = [
        TurnInputs(
            s.round,
            s.events,
            (s.positions - lo) / span,
            _salience(s.scenario, rule, divide),
            np.array([a.capability for a in s.scenario.actors], dtype=float),
            s.moved,
        )
        for s in schedule
    ]
    lean = not details_wanted()
    accommodation = _accommodation(scenario)
    if params["actor_order"] == "by-content":
        order = _content_order(x0, sal, caps, turns_in)
        out = _restore_order(
            run_smp(
                x0[order],
                sal[order],
                caps[order],
                opts,
                None if accommodation is None else accommodation[np.ix_(order, order)],
                rng,
                [_reordered(turn, order) for turn in turns_in],
                lean,
            ),
            order,
        )
    else:
        out = run_smp(x0, sal, caps, opts, accommodation, rng, turns_in, lean)
    if lean:  # the last turn's probability-weighted positions, as below
        last, unique, prob = out.positions[-1], out.unique[-1], out.unique_prob[-1]
        return ModelResult(
            {
                issue.id: IssueForecast(float(prob @ (last[:, d] * span[d] + lo[d])[unique]))
                for d, issue in enumerate(scenario.issues)
            }
        )
    names = [a.name for a in scenario.actors]
    turns = len(out.positions) - 1
    issues: dict[str, IssueForecast] = {}
    shares = [c / c.sum() if c.sum() > 0 else np.full(len(c), 1 / len(c)) for c in out.capabilities]
    for d, issue in enumerate(scenario.issues):
        by_turn = [p[:, d] * span[d] + lo[d] for p in out.positions]
        prob_weighted = [
            float(pu @ p[u]) for p, u, pu in zip(by_turn, out.unique, out.unique_prob, strict=True)
        ]
        cap_weighted = [float(c @ p) for c, p in zip(shares, by_turn, strict=True)]
        path = Trajectory(
            actors=scenario.actor_ids,
            names=tuple(names),
            positions=np.array(by_turn),
            mean=Series(
                "capability_weighted_by_round", "capability-weighted", np.array(cap_weighted)
            ),
            forecast=Series(
                "prob_weighted_by_round", "probability-weighted", np.array(prob_weighted)
            ),
            events={
                t: names_
                for t, names_ in out.events.items()
                if t in scenario.events_by_round(issue.id)
            },
            step="turn",
        )
        issues[issue.id] = IssueForecast(
            prob_weighted[-1], {"capability_weighted": cap_weighted[-1]}, path
        )
    details: dict[str, Any] = {
        "turns": turns,
        "fractional_change": out.fractional_change,
        "prob_by_turn": {names[k]: [float(p[k]) for p in out.prob] for k in range(len(names))},
        "risk_by_turn": [r.tolist() for r in out.risk],
        "stop_rule": out.stop_rule,
        "bargains_by_turn": [
            _turn_record(names, scenario, span, lo, ch, cs)
            for ch, cs in zip(out.challenges, out.chosen, strict=True)
        ],
    }
    return ModelResult(issues, details)


def _content_order(
    positions: FloatArray, sal: FloatArray, caps: FloatArray, turns: Sequence[TurnInputs]
) -> NDArray[np.intp]:
    """The actors sorted by their own numbers.

    By position, then salience, capability and what each event sets: actors equal in all
    of them are interchangeable.
    """
    keys = [positions, sal, caps[:, None]]
    for turn in turns:
        keys += [turn.positions, turn.salience, turn.capability[:, None]]
    columns = np.concatenate(keys, axis=1)
    return np.lexsort(columns.T[::-1]).astype(np.intp)


def _reordered(turn: TurnInputs, order: NDArray[np.intp]) -> TurnInputs:
    return dataclasses.replace(
        turn,
        positions=turn.positions[order],
        salience=turn.salience[order],
        capability=turn.capability[order],
        moved=turn.moved[order],
    )


def _restore_order(run: SMPRun, order: NDArray[np.intp]) -> SMPRun:
    """A run of the actors taken in ``order``, given back in the scenario's order."""

    def rows(arrays: list[FloatArray]) -> list[FloatArray]:
        out = []
        for a in arrays:
            back = np.empty_like(a)
            if a.size:  # a lean run's states hold no election but the last
                back[order] = a
            out.append(back)
        return out

    def actor(k: int) -> int:
        return int(order[k])

    return dataclasses.replace(
        run,
        positions=rows(run.positions),
        ideals=rows(run.ideals),
        prob=rows(run.prob),
        unique=[[actor(k) for k in u] for u in run.unique],
        risk=rows(run.risk),
        challenges=[
            [{**c, "initiator": actor(c["initiator"]), "target": actor(c["target"])} for c in turn]
            for turn in run.challenges
        ],
        chosen=[
            sorted(({**c, "actor": actor(c["actor"])} for c in turn), key=lambda c: c["actor"])
            for turn in run.chosen
        ],
        capabilities=rows(run.capabilities),
    )


def _turn_record(
    names: Sequence[str],
    scenario: Scenario,
    span: FloatArray,
    lo: FloatArray,
    challenges: list[dict[str, Any]],
    chosen: list[dict[str, Any]],
) -> dict[str, Any]:
    def scaled(unit: list[float]) -> list[float]:
        return list((np.asarray(unit) * span + lo).tolist())

    proposals = []
    for c in challenges:
        for prop in c["proposals"]:
            proposals.append(
                {
                    "initiator": names[c["initiator"]],
                    "target": names[c["target"]],
                    "gain": c["gain"],
                    "prob": c["prob"],
                    "initiator_position": scaled(prop["initiator"]),
                    "target_position": scaled(prop["target"]),
                }
            )
    adopted = []
    for ch in chosen:
        b = ch["bargain"]
        adopted.append(
            {
                "actor": names[ch["actor"]],
                "bargain": None if b < 0 else b,
                "prob": ch["prob"],
            }
        )
    return {"proposed": proposals, "chosen": adopted}


def explain(forecast: Forecast, issue_id: str, round_: int) -> list[str]:
    """A turn's challenges, bargains and adoptions, in words (positions on the issue)."""
    turns = forecast.details["turns"]
    if not 1 <= round_ <= turns:
        return [f"{issue_id}: the run has turns 1 to {turns}; there is no turn {round_}."]
    path = forecast.trajectory(issue_id)
    assert path is not None
    assert path.forecast is not None
    names = path.names
    d = list(forecast.issues).index(issue_id)
    record = forecast.details["bargains_by_turn"][round_ - 1]
    by_turn = path.positions
    weighted = path.forecast.values
    header = (
        f"{issue_id}, turn {round_}: probability-weighted position "
        f"{weighted[round_ - 1]:.4g} → {weighted[round_]:.4g}; "
        f"{len(record['proposed'])} bargains proposed"
    )
    lines = [header]
    for b in record["proposed"]:
        lines.append(
            f"  {b['initiator']} challenges {b['target']} (expects to win with "
            f"p={b['prob']:.3f}, gain {b['gain']:+.4f}) and proposes {b['initiator']} "
            f"{b['initiator_position'][d]:.4g}, {b['target']} {b['target_position'][d]:.4g}"
        )
    moved = [
        f"  {name} moves {by_turn[round_ - 1][k]:.4g} → {by_turn[round_][k]:.4g}"
        for k, name in enumerate(names)
        if abs(by_turn[round_][k] - by_turn[round_ - 1][k]) > 1e-9
    ]
    return lines + (moved or ["  nobody moves on this issue"])


register(
    ModelSpec(
        name="smp",
        summary="KTAB's spatial model of politics: challenges, bargains and probabilistic "
        "Condorcet elections over every issue at once, in turns.",
        function=_run,
        params=PARAMS,
        stochastic=True,
        dynamic=True,
        explain=explain,
        data_keys=("IdealAdjustment",),
        # KTAB's utilities and stopping rule have absolute constants: capability has a unit
        capability_unit_free=False,
        citation="Wise, Lester, Efird et al., KTAB (KAPSARC 2015–2019); Efird, Lester & Wise 2016",
    )
)
