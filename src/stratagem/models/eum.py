r"""Bueno de Mesquita's expected utility (challenge) model, after Scholz, Calbert & Smith (2011).

Citation
--------
Bueno de Mesquita, B. (1994), "Political forecasting: an expected utility method", in
Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De Mesquita's
group decision model", *Journal of Theoretical Politics* 23(4): 510–531. Equation
numbers below are Scholz et al.'s.

Equations (one issue; actor :math:`i` at :math:`x_i` with capability :math:`c_i`,
salience :math:`s_i` and risk exponent :math:`r_i`; :math:`\Delta` the position range)
----------------------------------------------------------------------------------

* Votes and median voter (appendix step 3): :math:`v^{jk} = \sum_i c_i s_i
  (|x_i - x_k| - |x_i - x_j|)/\Delta`; :math:`\mu` is the actor position with the largest
  aggregate vote (the Condorcet median; :func:`stratagem.models.baselines.condorcet_median`).
* Probability of success (eq. 30/31), option ``probability``:

  - ``eq30`` — :math:`P^i_{ij} = \sum_{k: v_k > 0} v_k / \sum_k |v_k|`,
    :math:`v_k = c_k s_k (|x_k - x_j| - |x_k - x_i|)`; :math:`P^j = 1 - P^i`.
  - ``net-vote`` — :math:`\max(\sum_k v_k, 0) / \sum_k |v_k|` (Masad's replication).
  - ``scholz-code`` — votes with each voter's exponent,
    :math:`v_k = c_k s_k ((|x_k-x_j|/\Delta)^{r_k} - (|x_k-x_i|/\Delta)^{r_k})`, summed
    where positive, over the sum of :math:`|v_k|` for *every triple* of actors (the
    variant that reproduces Scholz's published table, MODELS.md §1.4).

* Basic utilities (eqs. 14–16, 22–24), :math:`d = |x_i - x_j|/\Delta`:
  :math:`U_s = 2 - 4(0.5 - 0.5d)^{r}`, :math:`U_f = 2 - 4(0.5 + 0.5d)^{r}`,
  :math:`U_b = 2 - 4(0.5 - 0.25(|x_i - \mu| + |x_i - x_j|)/\Delta)^{r}`,
  :math:`U_w = 2 - 4(0.5 + 0.25(|x_i - \mu| + |x_i - x_j|)/\Delta)^{r}`,
  :math:`U_{sq} = 2 - 4 \cdot 0.5^{r}`. With :math:`r > 1` the utility of a gain is
  concave: we read :math:`r > 1` as *risk-averse*, :math:`r < 1` as *risk-acceptant*.
* Expected utility of a challenge (eqs. 5–7, 25a/b):
  :math:`E^i(U_{ij}) = s_j[P U_s + (1-P) U_f] + (1-s_j) U_s - Q U_{sq}
  - (1-Q)[T U_b + (1-T) U_w]`, with :math:`T = 1` iff
  :math:`|x_i - \mu| < |x_i - x_j|` (``t_rule=scholz``) or a fixed ``t``.
* Risk (eqs. 32–34): first pass with :math:`r = 1`;
  :math:`Sec_i = \sum_{j \ne i} E^j(U_{ji})` (``security=adversaries``; or
  ``own-challenges``: :math:`\sum_j E^i(U_{ij})`);
  :math:`R_i = (2 Sec_i - \max Sec - \min Sec)/(\max Sec - \min Sec)`,
  :math:`r_i = (1 - R_i/3)/(1 + R_i/3) \in [0.5, 2]`; the second pass with these
  exponents drives the moves. :math:`r` is reset to 1 every round.
* Offers (§6, fig. 6), for actor :math:`i` receiving from :math:`j`, :math:`a = E^i(U_{ij})`,
  :math:`b = E^j(U_{ji})`: confrontation (:math:`b > a > 0`: :math:`i \to x_j`);
  compromise (:math:`b > 0 > a`, :math:`b > |a|`: :math:`i \to x_i + (x_j - x_i)|a/b|`,
  or the weighted point :math:`(|a| x_i + |b| x_j)/(|a| + |b|)`, option ``compromise``);
  capitulation (:math:`b > 0 > a`, :math:`|a| > b`: :math:`i \to x_j`); otherwise
  stalemate. Each actor accepts one offer (option ``selection``) and all move at once.

Every choice the sources disagree on is a parameter (see :data:`PARAMS`); the preset
``scholz-table`` reproduces Scholz's published run on the EU emissions case, the default
preset ``bdm`` follows the paper's equations.

Computation
-----------
A round is array work over dyads, with a leading batch axis so that many perturbed
copies of one issue run at once (:func:`simulate`). The third-party vote sums behind
:math:`P` are :math:`O(n^3)` when done directly; for more than :data:`DENSE_LIMIT` actors
the ``eq30``/``net-vote`` sums come from sorted positions and prefix sums in
:math:`O(n^2 \log n)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.limits import limit
from stratagem.models.registry import ModelResult, ModelSpec, Param, register
from stratagem.results import Forecast, IssueForecast, Series, Trajectory
from stratagem.scenario import Scenario

__all__ = [
    "DENSE_LIMIT",
    "PARAMS",
    "PRESETS",
    "BatchRun",
    "EUMOptions",
    "IssueEvent",
    "simulate",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DENSE_LIMIT = 48
"""Above this many actors the vote sums use sorted prefix sums instead of n³ arrays."""

EU_TIE = 1e-12
"""Expected utilities closer than this are equal: sums in another order differ in the
last bits, and a tie must not become a move for one labelling of actors and not another."""

# Offer types and dyadic relations, as small integer codes in the trajectory.
NONE, CONFRONTATION, COMPROMISE, CAPITULATION, STALEMATE = 0, 1, 2, 3, 4
OFFER_NAMES = {
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}
RELATION_NAMES = {
    NONE: "same position",
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "compellence",
    STALEMATE: "stalemate",
}

PARAMS: tuple[Param, ...] = (
    Param(
        "preset",
        "bdm",
        "Named parameter set: 'bdm' follows the paper's equations; "
        "'scholz-table' reproduces Scholz et al.'s published run (their code's choices); "
        "'masad' is Masad's replication (net vote, largest-EU offer).",
        choices=("bdm", "scholz-table", "masad"),
    ),
    Param("rounds", 50, "Maximum number of rounds.", minimum=1, limit="rounds"),
    Param(
        "stop",
        "stable",
        "Stopping rule: 'rounds' runs exactly `rounds` rounds; 'stable' "
        "stops once the median moved less than `tolerance` × range for `stable_rounds` "
        "rounds in a row (or nothing moved), never before the last event.",
        choices=("stable", "rounds"),
    ),
    Param("stable_rounds", 3, "Rounds in a row the median must stay put ('stable').", minimum=1),
    Param(
        "tolerance",
        0.005,
        "Median movement counted as none, as a fraction of the range.",
        minimum=0.0,
    ),
    Param(
        "probability",
        "eq30",
        "Probability of success: Scholz eq. 30 ('eq30'), the clipped "
        "net vote ('net-vote', Masad), or Scholz's code ('scholz-code': exponent-weighted "
        "votes over the sum for all actor triples).",
        choices=("eq30", "net-vote", "scholz-code"),
    ),
    Param(
        "q",
        1.0,
        "Q: probability the status quo persists if nobody challenges. BDM gave "
        "no value; Scholz et al. chose 1.0 for their replication (the default here); "
        "decisionmechanics uses 0.5, with which the emissions case collapses to 4.0, "
        "4.8 years from the actual outcome.",
        minimum=0.0,
        maximum=1.0,
    ),
    Param(
        "t_rule",
        "scholz",
        "T: 'scholz' sets T = 1 iff |x_i - mu| < |x_i - x_j|; "
        "'fixed' uses the value of `t` (Masad: 0.8).",
        choices=("scholz", "fixed"),
    ),
    Param("t", 1.0, "T when t_rule = fixed.", minimum=0.0, maximum=1.0),
    Param(
        "security",
        "adversaries",
        "Security level Sec_i: the adversaries' expected "
        "utility of challenging i ('adversaries', all three codes) or i's own of "
        "challenging them ('own-challenges', the other printed superscript).",
        choices=("adversaries", "own-challenges"),
    ),
    Param(
        "perspective",
        "challenger",
        "Whose risk exponent prices a challenge: the "
        "challenger's own ('challenger', the paper) or the receiver's for both sides "
        "('receiver', Scholz's code).",
        choices=("challenger", "receiver"),
    ),
    Param(
        "compromise",
        "eu-ratio",
        "Compromise position: x_i + (x_j - x_i)|a/b| "
        "('eu-ratio', fig. 6) or the weighted point (|a|x_i + |b|x_j)/(|a|+|b|) "
        "('weighted', decisionmechanics).",
        choices=("eu-ratio", "weighted"),
    ),
    Param(
        "selection",
        "least-move",
        "Offer chosen: confrontation > compromise > "
        "capitulation, least movement within ('least-move', §6.2); the same but the "
        "compromise with the smallest weighted point ('scholz-code'); or the proposer "
        "with the largest expected utility, then least movement ('max-eu', Masad).",
        choices=("least-move", "scholz-code", "max-eu"),
    ),
    Param(
        "capitulation",
        True,
        "Whether capitulation offers (|a| > b > 0 > a) are made "
        "(Scholz's code never makes them: its test is always false).",
    ),
    Param(
        "range_rule",
        "positions",
        "Delta: the spread of positions at the start, widened "
        "if events push positions out ('positions', Scholz), or the issue's scale "
        "('scale').",
        choices=("positions", "scale"),
    ),
    Param(
        "forecast",
        "median",
        "The number reported as the forecast: the final median "
        "voter position ('median', BDM) or weighted mean ('mean').",
        choices=("median", "mean"),
    ),
)

PRESETS: dict[str, dict[str, Any]] = {
    "bdm": {},
    "masad": {"probability": "net-vote", "q": 1.0, "selection": "max-eu"},
    "scholz-table": {
        "probability": "scholz-code",
        "q": 1.0,
        "perspective": "receiver",
        "selection": "scholz-code",
        "capitulation": False,
        "stop": "rounds",
        "rounds": 10,
    },
}


@dataclass(frozen=True)
class EUMOptions:
    """The resolved options of one run (see :data:`PARAMS` for their meaning)."""

    probability: str = "eq30"
    q: float = 1.0
    t_rule: str = "scholz"
    t: float = 1.0
    security: str = "adversaries"
    perspective: str = "challenger"
    compromise: str = "eu-ratio"
    selection: str = "least-move"
    capitulation: bool = True
    range_rule: str = "positions"
    stop: str = "stable"
    rounds: int = 50
    stable_rounds: int = 3
    tolerance: float = 0.005

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EUMOptions:
        """Options from resolved registry parameters."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in params.items() if k in names})


@dataclass(frozen=True)
class IssueEvent:
    """A change on one issue at a round: ``field`` of actor ``actor`` (index) set to ``value``."""

    round: int
    actor: int
    field: str
    value: float


@dataclass
class BatchRun:
    """What :func:`simulate` returns, for a batch of ``B`` copies of one issue.

    Arrays have the batch first; ``T`` is the number of rounds actually run by the
    longest-running copy. Row ``b`` ran ``rounds_run[b]`` rounds; later entries repeat
    its final state.
    """

    positions: FloatArray  # (B, T+1, n), round 0 first
    median: FloatArray  # (B, T+1)
    mean: FloatArray  # (B, T+1)
    risk: FloatArray  # (B, T, n) second-pass exponents of each round
    rounds_run: IntArray  # (B,)
    stop_rule: list[str]  # per row
    offers: list[list[tuple[int, int, int, int, float, float, float, float]]] = field(
        default_factory=list
    )  # per row: (round, receiver, proposer, type, from, to, eu_receiver, eu_proposer)
    relations: list[npt.NDArray[np.int8]] = field(default_factory=list)  # per round (B, n, n)


# ------------------------------------------------------------------------ kernels


def _median(x: FloatArray, w: FloatArray) -> FloatArray:
    """Condorcet median per row (midpoint of tied positions), shape (B,)."""
    b, n = x.shape
    if n <= DENSE_LIMIT:
        cost = np.einsum("bi,bij->bj", w, np.abs(x[:, :, None] - x[:, None, :]))
    else:
        cost = np.empty_like(x)
        for row in range(b):
            xs_order = np.argsort(x[row], kind="stable")
            xs, ws = x[row, xs_order], w[row, xs_order]
            cw = np.concatenate(([0.0], np.cumsum(ws)))
            cwx = np.concatenate(([0.0], np.cumsum(ws * xs)))
            left = np.searchsorted(xs, x[row], side="left")
            right = np.searchsorted(xs, x[row], side="right")
            cost[row] = (x[row] * cw[left] - cwx[left]) + (
                (cwx[-1] - cwx[right]) - x[row] * (cw[-1] - cw[right])
            )
    best = cost.min(axis=1, keepdims=True)
    tied = cost <= best + 1e-12 * np.maximum(1.0, np.abs(best))
    lo = np.where(tied, x, np.inf).min(axis=1)
    hi = np.where(tied, x, -np.inf).max(axis=1)
    return np.asarray((lo + hi) / 2.0, dtype=np.float64)


def _mean(x: FloatArray, w: FloatArray) -> FloatArray:
    total = w.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    weighted = (w * x).sum(axis=1) / safe
    return np.asarray(np.where(total > 0, weighted, x.mean(axis=1)), dtype=np.float64)


def _support_dense(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Linear votes: (support of i against j, total |votes|), each (B, n, n)."""
    dist = np.abs(x[:, :, None] - x[:, None, :])  # (B, k, a)
    # v[b,k,i,j] = w_k (|x_k - x_j| - |x_k - x_i|), in one array reused (the same values)
    v = np.subtract(dist[:, :, None, :], dist[:, :, :, None])
    v *= w[:, :, None, None]
    total = np.abs(v).sum(axis=1)
    support = np.maximum(v, 0.0, out=v).sum(axis=1)
    return support, total


def _support_sorted(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Same as :func:`_support_dense` in O(n² log n) per row, from prefix sums."""
    b, n = x.shape
    support = np.empty((b, n, n))
    total = np.empty((b, n, n))
    for row in range(b):
        order = np.argsort(x[row], kind="stable")
        xs, ws = x[row, order], w[row, order]
        cw = np.concatenate(([0.0], np.cumsum(ws)))
        cwx = np.concatenate(([0.0], np.cumsum(ws * xs)))
        xi = x[row][:, None]
        xj = x[row][None, :]
        lo, hi = np.minimum(xi, xj), np.maximum(xi, xj)
        d = hi - lo
        mid = (lo + hi) / 2.0
        n_le_lo = np.searchsorted(xs, lo, side="right")  # x_k <= lo
        n_lt_hi = np.searchsorted(xs, hi, side="left")  # x_k < hi
        n_lt_mid = np.searchsorted(xs, mid, side="left")  # x_k < mid
        n_le_mid = np.searchsorted(xs, mid, side="right")  # x_k <= mid
        w_le_lo = cw[n_le_lo]
        w_ge_hi = cw[-1] - cw[n_lt_hi]
        # voters strictly between lo and mid favour lo, between mid and hi favour hi
        w_low_seg = cw[np.maximum(n_lt_mid, n_le_lo)] - cw[n_le_lo]
        s_low_seg = cwx[np.maximum(n_lt_mid, n_le_lo)] - cwx[n_le_lo]
        w_high_seg = cw[n_lt_hi] - cw[np.minimum(n_le_mid, n_lt_hi)]
        s_high_seg = cwx[n_lt_hi] - cwx[np.minimum(n_le_mid, n_lt_hi)]
        low_support = d * w_le_lo + (lo + hi) * w_low_seg - 2.0 * s_low_seg
        high_support = d * w_ge_hi + 2.0 * s_high_seg - (lo + hi) * w_high_seg
        total[row] = low_support + high_support
        support[row] = np.where(xi < xj, low_support, np.where(xi > xj, high_support, 0.0))
    return support, total


def _probability(
    x: FloatArray, w: FloatArray, r: FloatArray, delta: FloatArray, rule: str
) -> FloatArray:
    """P[b, i, j]: probability that i prevails when challenging j."""
    n = x.shape[1]
    if rule == "scholz-code":
        dist = np.abs(x[:, :, None] - x[:, None, :]) / delta[:, None, None]  # (B, k, a)
        powered = dist ** r[:, :, None]
        v = w[:, :, None, None] * (powered[:, :, None, :] - powered[:, :, :, None])
        support = np.maximum(v, 0.0).sum(axis=1)
        # the sum of |votes| over every triple (k, a, b), as in Scholz's code
        everything = np.abs(v).sum(axis=(1, 2, 3))
        p = support / np.where(everything > 0, everything, 1.0)[:, None, None]
        return np.where(x[:, :, None] == x[:, None, :], 0.0, p)
    support, total = _support_dense(x, w) if n <= DENSE_LIMIT else _support_sorted(x, w)
    if rule == "net-vote":
        support = np.maximum(2.0 * support - total, 0.0)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, support / safe, 0.5)


def _utility(base: FloatArray, r: FloatArray | float) -> FloatArray:
    return 2.0 - 4.0 * np.maximum(base, 0.0) ** r


def _expected_utility(
    x_ch: FloatArray,
    x_tg: FloatArray,
    s_tg: FloatArray,
    p: FloatArray,
    r: FloatArray | float,
    mu: FloatArray,
    delta: FloatArray,
    opts: EUMOptions,
) -> FloatArray:
    """E(U) of a challenger at ``x_ch`` challenging ``x_tg``; all arguments broadcast (B, n, n)."""
    d = np.abs(x_ch - x_tg) / delta
    u_s = _utility(0.5 - 0.5 * d, r)
    u_f = _utility(0.5 + 0.5 * d, r)
    eu = (
        s_tg * (p * u_s + (1.0 - p) * u_f)
        + (1.0 - s_tg) * u_s
        - opts.q * _utility(np.full_like(d, 0.5), r)
    )
    if opts.q < 1.0:
        to_mu = np.abs(x_ch - mu)
        spread = 0.25 * (to_mu + np.abs(x_ch - x_tg)) / delta
        u_b = _utility(0.5 - spread, r)
        u_w = _utility(0.5 + spread, r)
        t = (to_mu < np.abs(x_ch - x_tg)).astype(float) if opts.t_rule == "scholz" else opts.t
        eu = eu - (1.0 - opts.q) * (t * u_b + (1.0 - t) * u_w)
    return eu


def _risk_exponents(a1: FloatArray, opts: EUMOptions) -> FloatArray:
    n = a1.shape[1]
    off = ~np.eye(n, dtype=bool)[None]
    masked = np.where(off, a1, 0.0)
    sec = masked.sum(axis=1) if opts.security == "adversaries" else masked.sum(axis=2)
    hi = sec.max(axis=1, keepdims=True)
    lo = sec.min(axis=1, keepdims=True)
    spread = hi - lo
    big_r = np.where(spread > 0, (2.0 * sec - hi - lo) / np.where(spread > 0, spread, 1.0), 0.0)
    return np.asarray((1.0 - big_r / 3.0) / (1.0 + big_r / 3.0), dtype=np.float64)


def _lexargmin(primary: FloatArray, secondary: FloatArray) -> tuple[IntArray, BoolArray]:
    """Per (b, i): index j minimising ``primary`` then ``secondary``; and whether any is finite."""
    best = primary.min(axis=2, keepdims=True)
    tol = 1e-12 * np.maximum(1.0, np.abs(np.where(np.isfinite(best), best, 0.0)))
    tied = np.isfinite(primary) & (primary <= best + tol)
    choice = np.argmin(np.where(tied, secondary, np.inf), axis=2)
    return choice, np.isfinite(best[..., 0])


def _round(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    delta: FloatArray,
    opts: EUMOptions,
    mu_start: FloatArray,
) -> tuple[
    FloatArray,
    FloatArray,
    IntArray,
    IntArray,
    FloatArray,
    FloatArray,
    FloatArray,
    npt.NDArray[np.int8],
]:
    """One round for a batch: new positions, exponents, chosen offers and relations."""
    b, n = x.shape
    w = c * s
    mu = mu_start[:, None, None]
    xi, xj = x[:, :, None], x[:, None, :]
    s_j = s[:, None, :]
    dl = delta[:, None, None]
    ones = np.ones_like(x)
    p1 = _probability(x, w, ones, delta, opts.probability)
    a1 = _expected_utility(xi, xj, s_j, p1, 1.0, mu, dl, opts)
    r = _risk_exponents(a1, opts)
    p2 = p1 if opts.probability != "scholz-code" else _probability(x, w, r, delta, opts.probability)
    # a[b, i, j] = E^i(U_ij), priced with i's exponent
    a = _expected_utility(xi, xj, s_j, p2, r[:, :, None], mu, dl, opts)
    if opts.perspective == "challenger":
        bt = np.swapaxes(a, 1, 2)  # E^j(U_ji) with j's exponent
    else:  # the receiver i prices j's challenge with its own exponent
        bt = _expected_utility(
            xj, xi, s[:, :, None], np.swapaxes(p2, 1, 2), r[:, :, None], mu, dl, opts
        )
    valid = (xi != xj) & ~np.eye(n, dtype=bool)[None]
    eps = EU_TIE
    a_pos, a_neg, b_pos, b_neg = a > eps, a < -eps, bt > eps, bt < -eps
    conf = valid & a_pos & (bt > a + eps)
    comp = valid & b_pos & a_neg & (bt > -a + eps)
    capit = valid & b_pos & a_neg & (bt < -a - eps) if opts.capitulation else np.zeros_like(valid)
    with np.errstate(divide="ignore", invalid="ignore"):
        if opts.compromise == "eu-ratio":
            comp_to = xi + (xj - xi) * np.abs(a / bt)
        else:
            comp_to = (np.abs(a) * xi + np.abs(bt) * xj) / (np.abs(a) + np.abs(bt))
        weighted_point = (np.abs(a) * xi + np.abs(bt) * xj) / (np.abs(a) + np.abs(bt))
    target = np.where(comp, comp_to, xj)
    move = np.abs(target - xi)
    chosen_type = np.zeros((b, n), dtype=np.int64)
    chosen_j = np.zeros((b, n), dtype=np.int64)
    decided = np.zeros((b, n), dtype=bool)
    for kind, mask in ((CONFRONTATION, conf), (COMPROMISE, comp), (CAPITULATION, capit)):
        if opts.selection == "max-eu":
            primary, secondary = np.where(mask, -bt, np.inf), move
        elif opts.selection == "scholz-code" and kind == COMPROMISE:
            primary, secondary = np.where(mask, weighted_point, np.inf), move
        else:
            primary, secondary = np.where(mask, move, np.inf), target
        j, has = _lexargmin(primary, secondary)
        take = has & ~decided
        chosen_j = np.where(take, j, chosen_j)
        chosen_type = np.where(take, kind, chosen_type)
        decided |= take
    rows, cols = np.indices((b, n))
    picked = target[rows, cols, chosen_j]
    new_x = np.where(decided, picked, x)
    relation = np.full((b, n, n), NONE, dtype=np.int8)
    # relations as the challenge-plane regions, from each side's own pricing
    relation[valid & a_pos & b_pos] = CONFRONTATION
    relation[valid & a_neg & b_neg] = STALEMATE
    opposite = valid & ((a_pos & b_neg) | (a_neg & b_pos))
    positive = np.where(a_pos, a, bt)
    negative = np.where(a_pos, -bt, -a)
    relation[opposite & (positive > negative + eps)] = COMPROMISE
    relation[opposite & (positive < negative - eps)] = CAPITULATION
    eu_receiver = a[rows, cols, chosen_j]
    eu_proposer = bt[rows, cols, chosen_j]
    return new_x, r, chosen_type, chosen_j, eu_receiver, eu_proposer, mu[:, 0, 0], relation


# ------------------------------------------------------------------------ driver


def simulate(
    positions: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    options: EUMOptions | None = None,
    events: Sequence[IssueEvent] = (),
    scale: tuple[float, float] | None = None,
    record: bool = True,
) -> BatchRun:
    """Run the model on a batch of copies of one issue.

    Parameters
    ----------
    positions, capability, salience : array_like, shape (n,) or (B, n)
        Initial inputs; a leading batch axis runs ``B`` copies at once.
    options : EUMOptions, optional
        Model options (defaults: the ``bdm`` preset).
    events : sequence of IssueEvent
        Changes applied at the start of their round in every copy.
    scale : (float, float), optional
        The issue's scale, used when ``options.range_rule == "scale"``.
    record : bool
        Keep per-round offers and relations (costly for large batches).

    Returns
    -------
    BatchRun
        Positions, medians, means and risk exponents per round, rounds run, stop rules.
    """
    opts = options or EUMOptions()
    x = np.atleast_2d(np.asarray(positions, dtype=float)).copy()
    c = np.broadcast_to(np.atleast_2d(np.asarray(capability, dtype=float)), x.shape).copy()
    s = np.broadcast_to(np.atleast_2d(np.asarray(salience, dtype=float)), x.shape).copy()
    b, n = x.shape
    if opts.range_rule == "scale" and scale is not None:
        delta = np.full(b, float(scale[1] - scale[0]))
    else:
        delta = x.max(axis=1) - x.min(axis=1)
    last_event = max((e.round for e in events), default=0)
    history_x = [x.copy()]
    history_mu = [_median(x, c * s)]
    history_mean = [_mean(x, c * s)]
    history_r: list[FloatArray] = []
    offers: list[list[tuple[int, int, int, int, float, float, float, float]]] = [
        [] for _ in range(b)
    ]
    relations: list[npt.NDArray[np.int8]] = []
    active = np.ones(b, dtype=bool)
    rounds_run = np.zeros(b, dtype=np.int64)
    stop_rule = ["max-rounds"] * b
    calm = np.zeros(b, dtype=np.int64)
    for rnd in range(1, opts.rounds + 1):
        if not active.any():
            break
        mu_start = history_mu[-1]
        for e in events:
            if e.round == rnd:
                target = {"position": x, "capability": c, "salience": s}[e.field]
                target[active, e.actor] = e.value
                mu_start = _median(x, c * s)
        if opts.range_rule == "positions":
            delta = np.maximum(delta, x.max(axis=1) - x.min(axis=1))
        movable = active & (delta > 0)
        new_x = x.copy()
        r = np.ones_like(x)
        relation = np.zeros((b, n, n), dtype=np.int8)
        if movable.any():
            idx = np.flatnonzero(movable)
            nx, rr, kind, j, eu_i, eu_j, _mu, rel = _round(
                x[idx], c[idx], s[idx], delta[idx], opts, mu_start[idx]
            )
            new_x[idx], r[idx], relation[idx] = nx, rr, rel
            if record:
                for row_pos, row in enumerate(idx):
                    for i in np.flatnonzero(kind[row_pos]):
                        offers[row].append(
                            (
                                rnd,
                                int(i),
                                int(j[row_pos, i]),
                                int(kind[row_pos, i]),
                                float(x[row, i]),
                                float(nx[row_pos, i]),
                                float(eu_i[row_pos, i]),
                                float(eu_j[row_pos, i]),
                            )
                        )
        moved = np.abs(new_x - x).max(axis=1) > 0
        x = np.where(active[:, None], new_x, x)
        rounds_run[active] = rnd
        mu_now = _median(x, c * s)
        mean_now = _mean(x, c * s)
        if opts.stop == "stable":
            step = np.abs(mu_now - history_mu[-1])
            calm = np.where(step <= opts.tolerance * np.where(delta > 0, delta, 1.0), calm + 1, 0)
            after_events = rnd >= last_event
            done_still = active & ~moved & after_events
            done_stable = active & (calm >= opts.stable_rounds) & after_events & ~done_still
            for row in np.flatnonzero(done_still):
                stop_rule[row] = "no-moves"
            for row in np.flatnonzero(done_stable):
                stop_rule[row] = "stable-median"
            active = active & ~done_still & ~done_stable
        history_x.append(x.copy())
        history_mu.append(np.where(rounds_run == rnd, mu_now, history_mu[-1]))
        history_mean.append(np.where(rounds_run == rnd, mean_now, history_mean[-1]))
        history_r.append(r)
        if record:
            relations.append(relation)
    if opts.stop == "rounds":
        stop_rule = ["rounds"] * b
    return BatchRun(
        positions=np.stack(history_x, axis=1),
        median=np.stack(history_mu, axis=1),
        mean=np.stack(history_mean, axis=1),
        risk=np.stack(history_r, axis=1) if history_r else np.ones((b, 0, n)),
        rounds_run=rounds_run,
        stop_rule=stop_rule,
        offers=offers,
        relations=relations,
    )


def issue_events(scenario: Scenario, issue_id: str) -> list[IssueEvent]:
    """The scenario's events as changes on one issue, with the domain's semantics.

    Each changed input takes the value :meth:`Scenario.at_round` gives it at that round,
    so an actor-wide capability change leaves a per-issue override alone, as it does
    everywhere else.
    """
    j = scenario.issue_index(issue_id)
    out: list[IssueEvent] = []
    for rnd in sorted({e.round for e in scenario.events}):
        now = scenario.at_round(rnd)
        arrays = {"position": now.positions, "salience": now.salience, "capability": now.capability}
        for event in scenario.events_at(rnd):
            for ch in event.changes:
                if ch.issue not in (None, issue_id):
                    continue
                a = scenario.actor_index(ch.actor)
                out.append(IssueEvent(rnd, a, ch.field, float(arrays[ch.field][a, j])))
    return out


def _issue_actors(scenario: Scenario, issue_id: str) -> tuple[IntArray, list[IssueEvent]]:
    """The actors taking a position on an issue, and its events indexed among them."""
    present = np.flatnonzero(scenario.has_position[:, scenario.issue_index(issue_id)])
    index_of = {int(a): k for k, a in enumerate(present)}
    events = [
        IssueEvent(e.round, index_of[e.actor], e.field, e.value)
        for e in issue_events(scenario, issue_id)
        if e.actor in index_of
    ]
    return present, events


def _run(scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator) -> ModelResult:
    opts = EUMOptions.from_params(params)
    issues: dict[str, IssueForecast] = {}
    names = [a.name for a in scenario.actors]
    for j, issue in enumerate(scenario.issues):
        present, events = _issue_actors(scenario, issue.id)
        traj = simulate(
            scenario.positions[present, j],
            scenario.capability[present, j],
            scenario.salience[present, j],
            opts,
            events,
            scale=(issue.min, issue.max),
        )
        t = int(traj.rounds_run[0])
        final = traj.median[0, t] if params["forecast"] == "median" else traj.mean[0, t]
        actor_names = [names[int(a)] for a in present]
        relations = None
        if len(present) <= limit("pairwise_actors"):
            relations = np.stack([rel[0] for rel in traj.relations[:t]]).reshape(
                t, len(present), len(present)
            )
        path = Trajectory(
            actors=tuple(scenario.actors[int(a)].id for a in present),
            names=tuple(actor_names),
            positions=traj.positions[0, : t + 1],
            median=Series("median_by_round", "median voter", traj.median[0, : t + 1]),
            mean=Series("mean_by_round", "weighted mean", traj.mean[0, : t + 1]),
            events=scenario.events_by_round(issue.id, last_round=t),
            relations=relations,
        )
        details: dict[str, Any] = {
            "rounds": t,
            "stop_rule": traj.stop_rule[0],
            "risk_by_round": traj.risk[0, :t].tolist(),
            "offers": [
                {
                    "round": rnd,
                    "actor": actor_names[i],
                    "proposer": actor_names[k],
                    "type": OFFER_NAMES[kind],
                    "from": frm,
                    "to": to,
                    "eu_actor": eu_i,
                    "eu_proposer": eu_k,
                }
                for rnd, i, k, kind, frm, to, eu_i, eu_k in traj.offers[0]
            ],
        }
        issues[issue.id] = IssueForecast(final, details, path)
    return ModelResult(issues, {"relation_codes": {str(k): v for k, v in RELATION_NAMES.items()}})


def _batch(scenario: Scenario, draws: Any, params: Mapping[str, Any]) -> FloatArray:
    """Final forecasts ``(n_draws, n_issues)`` for perturbed copies, all draws at once."""
    opts = EUMOptions.from_params(params)
    out = np.empty((draws.n, scenario.n_issues))
    for j, issue in enumerate(scenario.issues):
        present, events = _issue_actors(scenario, issue.id)
        traj = simulate(
            draws.positions[:, present, j],
            draws.capability[:, present, j],
            draws.salience[:, present, j],
            opts,
            events,
            scale=(issue.min, issue.max),
            record=False,
        )
        final = traj.median if params["forecast"] == "median" else traj.mean
        out[:, j] = final[np.arange(draws.n), traj.rounds_run]
    return out


def _fmt(x: float) -> str:
    text = f"{x:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


_VERBS = {
    "confrontation": "loses a confrontation with",
    "compromise": "compromises with",
    "capitulation": "capitulates to",
}


def explain(forecast: Forecast, issue_id: str, round_: int) -> list[str]:
    """The offers accepted in a round, in words ("Belgium compromises with France: 7.0 → 8.42").

    Parameters
    ----------
    forecast : Forecast
        A forecast of this model.
    issue_id : str
        The issue.
    round_ : int
        The round (1 is the first).
    """
    details = forecast.issues[issue_id].details
    path = forecast.trajectory(issue_id)
    assert path is not None
    assert path.median is not None
    assert path.mean is not None
    rounds = path.rounds
    if not 1 <= round_ <= rounds:
        return [f"{issue_id}: the run has rounds 1 to {rounds}; there is no round {round_}."]
    med, mean = path.median.values, path.mean.values
    header = (
        f"{issue_id}, round {round_}: median {_fmt(med[round_ - 1])} → {_fmt(med[round_])}, "
        f"weighted mean {_fmt(mean[round_ - 1])} → {_fmt(mean[round_])}"
    )
    lines = [header]
    moves = [o for o in details["offers"] if o["round"] == round_]
    lines.extend(
        f"  {o['actor']} {_VERBS[o['type']]} {o['proposer']}: {_fmt(o['from'])} → {_fmt(o['to'])}"
        f"  (expected utilities {o['eu_actor']:+.3f} vs {o['eu_proposer']:+.3f})"
        for o in moves
    )
    if not moves:
        lines.append("  nobody moves")
    risk = details["risk_by_round"][round_ - 1]
    lines.append(
        "  risk exponents: "
        + ", ".join(f"{a} {r:.2f}" for a, r in zip(path.names, risk, strict=True))
    )
    return lines


def _memory_bytes(scenario: Scenario) -> float:
    """About 22 dyadic float arrays (actors²) at once, measured at 1,000 and 2,000 actors."""
    return 22 * 8 * float(scenario.n_actors) ** 2


register(
    ModelSpec(
        name="eum",
        summary="Bueno de Mesquita's expected utility model: challenges, offers and moves "
        "in rounds, per issue.",
        function=_run,
        params=PARAMS,
        dynamic=True,
        presets=PRESETS,
        explain=explain,
        batch=_batch,
        memory_bytes=_memory_bytes,
        citation="Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011",
    )
)
