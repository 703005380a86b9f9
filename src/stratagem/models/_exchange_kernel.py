"""Compiled execution of one round of the exchange model (numba).

The same arithmetic as :class:`stratagem.models.exchange._Round` (``calculate``,
``check_nbs``, ``recalculate``) and :func:`stratagem.models.exchange._execute`. Exchange
``k`` has two sides, 0 (``i``: supplies issue ``q``, demands ``p``) and 1 (``j``: supplies
``p``, demands ``q``). ``tests/unit/test_exchange.py`` checks that both engines give
identical runs.

What the Python engine keeps per exchange is, for every exchange still alive, shared:

* a side's current position on its supply issue is the position its actor reached in
  the last executed exchange where it supplied that issue (every live exchange with that
  side is recalculated then and takes it), so it is one array, the model's fifth plane;
* an exchange's partners' updates on side ``s``'s supply issue ``d`` are the positions of
  the actors that moved on ``d`` in executed exchanges where the other side's actor
  demanded ``d``: they depend on (that actor, ``d``) only, so they are kept once per
  (demander, issue) as lists in insertion order (the Python dictionaries' order, so sums
  are taken in the same order), at most two entries per execution.

What stays per exchange fits one 64-byte record (``RECORD``, one cache line): the current
moves, the running sum and the sign of each side's committed moves (the moves of a live
exchange always share one sign, so the sign is all the validity test needs of their
minimum and maximum), the queue key, the actors, the supply issues and a flag.

An execution touches the exchanges in four lists (its actors supplying, or demanding,
its issues); they are recalculated in parallel, each where its first list lists it. The
loop calls no function that takes an array: numba counts references on every such call,
and that was most of the time before. Records are numbered in buckets of initial keys
(see ``_buckets``), so that the queue's front is read bucket by bucket.
"""

from __future__ import annotations

import math
import types as pytypes
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

EPS = 1e-9
TINY_GAIN = 1e-290  # as exchange.TINY_GAIN: not rounded (the power of ten would overflow)

RECORD = np.dtype(
    {
        "names": ["move", "csum", "key", "act", "sup", "csign", "alive"],
        "formats": [
            ("f8", (2,)),  # the sides' current moves
            ("f8", (2,)),  # running sums of their committed moves
            "f8",  # queue key: -quantise(gain)
            ("i4", (2,)),  # actors
            ("i4", (2,)),  # supply issues (side 0 supplies q, side 1 supplies p)
            ("i1", (2,)),  # sign of the committed moves (0: none yet)
            "i1",  # alive: not executed and not invalid
        ],
        "offsets": [0, 16, 32, 40, 48, 56, 58],
        "itemsize": 64,
    }
)
"""One exchange's mutable state: 64 bytes, one cache line when the array is aligned."""

ENTRY = np.dtype([("actor", "i4"), ("term", "f8")], align=True)
"""An entry of an update list: the actor that moved and its term c·s·(position - x0) in
the NBS sums."""

PREFETCH = 8
"""How many records ahead of its work a loop asks for (they are far apart in memory)."""
POWERS_OF_TEN = np.array([10.0**k for k in range(-340, 309)])
"""``10.0 ** k`` as Python computes it (numba's float power by an integer multiplies,
which differs in the last bit), so that ``quantise`` equals ``exchange.quantise``."""
# model: (5, actors, issues) = x0 (round-start positions), s, c, w (= c·s where present),
# and the current positions (see the module's docstring)
X0, SAL, CAP, W, CUR = 0, 1, 2, 3, 4
# issue_data: (2, issues) = NBS denominator, sum of w·x
DEN, SUMS = 0, 1


def aligned_records(n: int) -> np.ndarray:
    """``n`` zeroed records whose array starts on a 64-byte boundary (one line each)."""
    raw = np.zeros(n * RECORD.itemsize + 64, dtype=np.uint8)
    offset = -raw.ctypes.data % 64
    return raw[offset : offset + n * RECORD.itemsize].view(RECORD)


@njit(cache=True)
def quantise(gain: float) -> float:
    """Round a gain to 12 significant digits (equal gains in other summation orders tie)."""
    if gain == 0.0 or not math.isfinite(gain) or abs(gain) < TINY_GAIN:
        return gain
    exponent = math.floor(math.log10(abs(gain)))
    scale = float(POWERS_OF_TEN[11 - exponent + 340])
    return float(np.rint(gain * scale)) / scale


@intrinsic
def _prefetch(typingctx, array, index):
    """Ask the CPU to bring ``array[index]`` into its caches (no effect on results)."""
    sig = types.void(array, index)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, view, [args[1]], wraparound=False
        )
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]),
            "llvm.prefetch.p0i8",
        )
        # read, keep in every cache level, data
        builder.call(function, [builder.bitcast(pointer, byte_pointer), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, error_model="numpy")
def _move_valid(x, mv, csum, csign):
    """A side's move from x is valid: not tiny, inside 0–100, in its committed direction."""
    if abs(mv) > 100 or abs(mv) <= 1e-10:
        return False
    after = x + mv
    if not (0 <= after <= 100):
        return False
    if csum + mv > 100:
        return False
    return csign == 0 or (csign < 0) == (mv < 0)


@njit(cache=True, error_model="numpy")
def _check_nbs(
    others,
    den_s,
    w_s,
    target,
    s_ss,
    s_os,
    s_so,
    s_oo,
    c_ss,
    c_oo,
    den_o,
    x0_so,
    side_x,
    other_x,
    side_y,
    cap_from,
):
    """``check_nbs`` for side s against the other side o.

    Whether the NBS of s's supply issue would cross o's position there, and if so the
    capped moves (s's, o's) and the gain.

    Scalars only: ``s_so`` is the salience of s on o's supply issue, ``c_oo`` o's
    capability on its own, ``x0_so`` s's round-start position on o's issue, and so on;
    ``cap_from`` is where the capped move is measured from (``nbs_cap``).
    """
    nbs_0 = 0.0
    nbs_1 = 0.0
    if den_s > 0:
        nbs_0 = (others + w_s * side_x) / den_s
        nbs_1 = (others + w_s * side_y) / den_s
    if (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS) or (
        target - nbs_0 <= EPS and target - nbs_1 <= EPS
    ):
        return False, 0.0, 0.0, 0.0
    position = (target * den_s - others) / w_s
    delta = abs(position - cap_from)
    ratio_side = delta * s_ss * c_ss / den_s
    ratio_other = ((s_ss + s_os) / (s_so + s_oo)) * (ratio_side)
    other_move = abs(ratio_other * den_o / (c_oo * s_oo))
    side_move = delta
    if other_x > x0_so:
        other_move = -other_move
    if side_x > target:
        side_move = -side_move
    gain = abs(ratio_other * s_oo - ratio_side * s_os)
    return True, side_move, other_move, gain


@njit(cache=True, error_model="numpy", inline="always")
def _calculate(r, n_issues, model, issue_data, spans, pool, values, cap_decide):
    """Equal-gain moves of exchange r from the current positions (``calculate``).

    Returns side 0's move, side 1's move, the gain and whether the exchange is valid.
    (The hot path: the arrays are read here and the helpers get scalars. Divisions cannot
    be by zero: an exchange with a zero capability, salience or NBS denominator is never a
    valid candidate, so numpy's error model changes nothing but the speed.)
    """
    ai, aj = r.act[0], r.act[1]
    q, p = r.sup[0], r.sup[1]
    csum_i, csum_j = r.csum[0], r.csum[1]
    csign_i, csign_j = r.csign[0], r.csign[1]
    xi, xj = model[CUR, ai, q], model[CUR, aj, p]
    s_ip, s_iq, s_jp, s_jq = (
        model[SAL, ai, p],
        model[SAL, ai, q],
        model[SAL, aj, p],
        model[SAL, aj, q],
    )
    c_iq, c_jp = model[CAP, ai, q], model[CAP, aj, p]
    x0_ip, x0_jq = model[X0, ai, p], model[X0, aj, q]
    den_p, den_q = issue_data[DEN, p], issue_data[DEN, q]
    dp = abs(x0_ip - xj) * s_jp * c_jp / den_p
    dq = ((s_jp + s_ip) / (s_jq + s_iq)) * dp
    mi = dq * den_q / (c_iq * s_iq)
    mj = abs(x0_ip - xj)
    if abs(mi) > abs(x0_jq - xi):  # i would overshoot: swap
        dq = abs(x0_jq - xi) * s_iq * c_iq / den_q
        dp = ((s_iq + s_jq) / (s_ip + s_jp)) * dq
        mi = abs(x0_jq - xi)
        mj = dp * den_p / (c_jp * s_jp)
    if xi > x0_jq:
        mi = -mi
    if xj > x0_ip:
        mj = -mj
    gain = abs(dq * s_iq - dp * s_ip)
    if not (
        _move_valid(xi, mi, csum_i, csign_i)
        and _move_valid(xj, mj, csum_j, csign_j)
        and gain >= 1e-10
    ):
        return mi, mj, gain, False
    # Σ c·s·x over the others on each supply issue: the list of (partner, issue) in
    # insertion order, each entry's term added as the Python engine adds it; a side's
    # own entry is where nbs_cap=decide measures its capped move from
    others_i = issue_data[SUMS, q] - model[W, ai, q] * model[X0, ai, q]
    cap_from_i = xi
    first, length = spans[aj * n_issues + q, 0], spans[aj * n_issues + q, 1]
    for e in range(first, first + length):
        if pool[e].actor != ai:
            others_i += pool[e].term
        elif cap_decide:
            cap_from_i = values[e]
    others_j = issue_data[SUMS, p] - model[W, aj, p] * model[X0, aj, p]
    cap_from_j = xj
    first, length = spans[ai * n_issues + p, 0], spans[ai * n_issues + p, 1]
    for e in range(first, first + length):
        if pool[e].actor != aj:
            others_j += pool[e].term
        elif cap_decide:
            cap_from_j = values[e]
    # check_nbs for side i (issue q, j's position), then for side j (issue p, i's)
    crossed, side_move, other_move, capped = _check_nbs(
        others_i,
        den_q,
        model[W, ai, q],
        x0_jq,
        s_iq,
        s_jq,
        s_ip,
        s_jp,
        c_iq,
        c_jp,
        den_p,
        x0_ip,
        xi,
        xj,
        xi + mi,
        cap_from_i,
    )
    if crossed:
        mi, mj, gain = side_move, other_move, capped
    crossed, side_move, other_move, capped = _check_nbs(
        others_j,
        den_p,
        model[W, aj, p],
        x0_ip,
        s_jp,
        s_ip,
        s_jq,
        s_iq,
        c_jp,
        c_iq,
        den_q,
        x0_jq,
        xj,
        xi,
        xj + mj,
        cap_from_j,
    )
    if crossed:
        mj, mi, gain = side_move, other_move, capped
    ok = _move_valid(xi, mi, csum_i, csign_i) and _move_valid(xj, mj, csum_j, csign_j)
    return mi, mj, gain, ok


@njit(cache=True)
def _others(a, partner, d, n_issues, issue_data, model, spans, pool):
    """Sum of c·s·x on issue d over the actors other than a, partners' updates applied.

    As ``_calculate`` sums it; used once per execution, for the NBS it records.
    """
    total = issue_data[SUMS, d] - model[W, a, d] * model[X0, a, d]
    key = partner * n_issues + d
    first = spans[key, 0]
    for e in range(first, first + spans[key, 1]):
        if pool[e].actor != a:
            total += pool[e].term
    return total


# -------------------------------------------------------------- the queue
#
# Exchanges are taken best first by (-quantised gain, rank); ranks are unique, so the order
# is total. Nearly every queued exchange dies before its turn (about 540,000 of 544,000 in a
# round of 100 actors × 30 issues) and gains almost only fall, so the queue is the records
# in the order of their initial keys, read from the front, plus a small heap for exchanges
# whose key changed: one whose gain fell is moved to the heap with its new key when the
# front reaches it, one whose gain rose is pushed at once. A death is a flag. The front of
# the list is then the best of the exchanges still at their initial key, and the fresh top
# of the heap the best of the rest: the better of the two is the best of all, the one the
# Python engine's heap pops. The front's order is only made for a bucket of initial keys
# when the front reaches it, and only of its exchanges still live and unchanged.


@njit(cache=True)
def _less(key_a, rank_a, key_b, rank_b):
    return key_a < key_b or (key_a == key_b and rank_a < rank_b)


@njit(cache=True)
def _push(hk, hr, he, size, key, rnk, k):
    """Push (key, rank, exchange) onto the heap arrays; returns the new size."""
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if not _less(key, rnk, hk[parent], hr[parent]):
            break
        hk[pos], hr[pos], he[pos] = hk[parent], hr[parent], he[parent]
        pos = parent
    hk[pos], hr[pos], he[pos] = key, rnk, k
    return size + 1


@njit(cache=True)
def _pop(hk, hr, he, size):
    """Remove the top of the heap arrays; returns the new size."""
    size -= 1
    key, rnk, k = hk[size], hr[size], he[size]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and _less(hk[child + 1], hr[child + 1], hk[child], hr[child]):
            child += 1
        if not _less(hk[child], hr[child], key, rnk):
            break
        hk[pos], hr[pos], he[pos] = hk[child], hr[child], he[child]
        pos = child
    if size > 0:
        hk[pos], hr[pos], he[pos] = key, rnk, k
    return size


@njit(cache=True)
def _grow(hk, hr, he, needed):
    """The heap arrays copied into ones of at least ``needed`` entries."""
    n = hk.shape[0]
    bigger = max(2 * n, needed)
    bigger_k = np.empty(bigger)
    bigger_r = np.empty(bigger, dtype=np.int64)
    bigger_e = np.empty(bigger, dtype=np.int64)
    bigger_k[:n], bigger_r[:n], bigger_e[:n] = hk, hr, he
    return bigger_k, bigger_r, bigger_e


# -------------------------------------------------------------- the round


@njit(cache=True)
def _matches(r, actor, issue, demand):
    """Whether exchange r has a side where ``actor`` supplies (or demands) ``issue``."""
    for sd in range(2):
        side_issue = r.sup[1 - sd] if demand else r.sup[sd]
        if r.act[sd] == actor and side_issue == issue:
            return True
    return False


@njit(cache=True)
def _compact(items, gone, start, live, key):
    """Drop the items marked gone from one list (its order kept) and clear their marks."""
    kept = start
    for pos in range(start, start + live[key]):
        if gone[pos]:
            gone[pos] = 0
        else:
            items[kept] = items[pos]
            kept += 1
    live[key] = kept - start


@njit(cache=True)
def _buckets(keys, order):
    """Number the exchanges by buckets of ascending keys, each in ``order`` within.

    A bucket holds the keys that agree on their bits above the twelve highest ones in
    which any keys differ (in the keys' unsigned order, which is their float order), so
    that all of one bucket's keys are below all of the next's. Returns each record's
    exchange and the buckets' first records (one more: the total). Only the exchanges
    still live when the front reaches a bucket are sorted (nearly all have died by
    then), instead of all of them at the start.
    """
    n = order.shape[0]
    bits = keys.view(np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    sortable = np.empty(n, dtype=np.uint64)
    for t in range(n):
        b = bits[t]
        sortable[t] = ~b if b & sign else b | sign
    lowest = sortable.min() if n else np.uint64(0)
    spread = (sortable.max() - lowest) if n else np.uint64(0)
    shift = 0
    while (spread >> np.uint64(shift)) >= np.uint64(4096):
        shift += 1
    n_buckets = int(spread >> np.uint64(shift)) + 1
    count = np.zeros(n_buckets + 1, dtype=np.int64)
    for t in range(n):
        count[int((sortable[t] - lowest) >> np.uint64(shift)) + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    layout = np.empty(n, dtype=np.int64)
    for t in range(n):
        src = order[t]
        g = int((sortable[src] - lowest) >> np.uint64(shift))
        layout[fill[g]] = src
        fill[g] += 1
    return layout, start


@njit(cache=True)
def _sort_bucket(first, end, rec, in_heap, key0, out):
    """Sort a bucket's live records that the heap does not hold into ``out``.

    By initial key, stably: records are numbered by rank within a bucket. Returns their
    number.
    """
    n = 0
    for k in range(first, end):
        if rec[k].alive and not in_heap[k]:
            out[n] = k
            n += 1
    if n > 1:
        chosen = out[:n].copy()
        by_key = np.argsort(key0[chosen], kind="mergesort")
        for t in range(n):
            out[t] = chosen[by_key[t]]
    return n


@njit(cache=True)
def _index(rec, n_keys, n_issues, demand):
    """Per (actor, supply or demand issue): the exchanges with such a side, as lists."""
    count = np.zeros(n_keys + 1, dtype=np.int64)
    n_ex = rec.shape[0]
    for k in range(n_ex):
        for sd in range(2):
            d = rec[k].sup[1 - sd] if demand else rec[k].sup[sd]
            count[rec[k].act[sd] * n_issues + d + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    items = np.empty(2 * n_ex, dtype=np.int32)
    for k in range(n_ex):
        for sd in range(2):
            d = rec[k].sup[1 - sd] if demand else rec[k].sup[sd]
            key = rec[k].act[sd] * n_issues + d
            items[fill[key]] = k
            fill[key] += 1
    return items, start, count[1:].copy()


@njit(cache=True, parallel=True)
def execute_round(
    rec,
    act_in,
    sup_in,
    move_in,
    gain_in,
    by_rank,
    model,
    issue_data,
    n_actors,
    n_issues,
    cap_decide,
):
    """Execute valid exchanges highest (quantised) gain first, recalculating those touched.

    ``rec`` is an empty array of ``n_ex`` records (see :func:`aligned_records`), filled
    here; ``by_rank`` orders the inputs for equal gains (a permutation). Returns, for the
    executed exchanges in order: their input indices, the NBS of both supply issues before
    and after, their positions on their supply issues when executed, their positions after
    and their gains.
    """
    n_ex = act_in.shape[0]
    initial_key = np.empty(n_ex)
    for src in range(n_ex):
        initial_key[src] = -quantise(gain_in[src])
    rank_in = np.empty(n_ex, dtype=np.int64)
    rank_in[by_rank] = np.arange(n_ex)
    layout, bucket_start = _buckets(initial_key, by_rank)
    key0 = initial_key[layout]  # the records' initial keys
    rank = rank_in[layout]
    for k in range(n_ex):
        src = layout[k]
        r = rec[k]
        for sd in range(2):
            r.act[sd] = act_in[src, sd]
            r.sup[sd] = sup_in[src, sd]
            r.move[sd] = move_in[src, sd]
            r.csum[sd] = 0.0
            r.csign[sd] = 0
        r.key = key0[k]
        r.alive = 1
    model[CUR] = model[X0]
    n_keys = n_actors * n_issues
    list_s, start_s, live_s = _index(rec, n_keys, n_issues, False)
    list_d, start_d, live_d = _index(rec, n_keys, n_issues, True)
    # the partners' updates per (demander, issue): contiguous lists in a pool (first
    # entry, length, capacity), moved to the pool's end, twice as long, when full; their
    # capacities sum to less than 8 per key plus 4 per entry, at most two entries per
    # execution (pages never used are never touched)
    spans = np.zeros((n_keys, 3), dtype=np.int64)
    pool = np.empty(8 * n_keys + 8 * n_ex, dtype=ENTRY)
    values = np.empty(pool.shape[0])  # the entries' positions
    n_entries = 0

    queued_key = key0.copy()  # the key of the exchange's best entry in the queue
    in_heap = np.zeros(n_ex, dtype=np.bool_)
    # the front: the current bucket's live exchanges sorted by (initial key, rank)
    n_buckets = bucket_start.shape[0] - 1
    bucket = 0
    largest = 0
    for g in range(n_buckets):
        largest = max(largest, bucket_start[g + 1] - bucket_start[g])
    candidates_ = np.empty(largest, dtype=np.int64)
    n_candidates = 0
    front = 0
    # The heap holds at most one entry per exchange moved from the front plus one per
    # rise (a requeue replaces the entry it pops), so it grows only before rises are
    # pushed, never inside the loops.
    hk = np.empty(n_ex + 1024)
    hr = np.empty(n_ex + 1024, dtype=np.int64)
    he = np.empty(n_ex + 1024, dtype=np.int64)
    size = 0
    rises = 0

    realized = np.empty(n_ex, dtype=np.int64)
    nbs = np.empty((n_ex, 4))  # before/after on side 0's supply issue, then side 1's
    x_out = np.empty((n_ex, 2))
    y_out = np.empty((n_ex, 2))
    gain_out = np.empty(n_ex)
    n_real = 0
    # per execution: the four lists' segments (first item, start in its list, demand?,
    # actor, issue; row 4 holds the item count), the items to push, the marks of the dead
    segments = np.zeros((5, 5), dtype=np.int64)
    push = np.empty(4 * n_ex, dtype=np.int64)
    gone_s = np.zeros(2 * n_ex, dtype=np.uint8)
    gone_d = np.zeros(2 * n_ex, dtype=np.uint8)
    while True:
        # the front: skip the dead and those the heap holds; move one whose gain fell to
        # the heap; sort the next bucket's live exchanges when this one is done
        while True:
            if front < n_candidates:
                k = candidates_[front]
                r = rec[k]
                if r.alive == 0 or in_heap[k]:
                    front += 1
                elif r.key != key0[k]:
                    size = _push(hk, hr, he, size, r.key, rank[k], k)
                    queued_key[k] = r.key
                    in_heap[k] = True
                    front += 1
                else:
                    break
            elif bucket < n_buckets:
                n_candidates = _sort_bucket(
                    bucket_start[bucket], bucket_start[bucket + 1], rec, in_heap, key0, candidates_
                )
                bucket += 1
                front = 0
            else:
                break
        has_front = front < n_candidates
        # the top of the heap: drop the dead and stale entries (requeue a fallen one)
        while size > 0:
            k = he[0]
            if rec[k].alive == 0:
                size = _pop(hk, hr, he, size)
            elif hk[0] != rec[k].key:
                stale_key = hk[0]
                size = _pop(hk, hr, he, size)
                if rec[k].key > stale_key and queued_key[k] == stale_key:
                    size = _push(hk, hr, he, size, rec[k].key, rank[k], k)
                    queued_key[k] = rec[k].key
            else:
                break
        if not has_front and size == 0:
            break
        k = candidates_[front] if has_front else 0
        if size == 0 or (has_front and _less(key0[k], rank[k], hk[0], hr[0])):
            best = k
            front += 1
        else:
            best = he[0]
            size = _pop(hk, hr, he, size)
        b = rec[best]
        b.alive = 0
        realized[n_real] = layout[best]
        # its gain, as last calculated (nothing it reads changed since, or it was touched)
        gain_out[n_real] = _calculate(
            b, n_issues, model, issue_data, spans, pool, values, cap_decide
        )[2]
        for sd in range(2):
            a, d = b.act[sd], b.sup[sd]
            x_out[n_real, sd] = model[CUR, a, d]
            y_out[n_real, sd] = model[CUR, a, d] + b.move[sd]
            if issue_data[DEN, d] <= 0:
                nbs[n_real, 2 * sd] = 0.0
                nbs[n_real, 2 * sd + 1] = 0.0
            else:
                others = _others(a, b.act[1 - sd], d, n_issues, issue_data, model, spans, pool)
                nbs[n_real, 2 * sd] = (others + model[W, a, d] * x_out[n_real, sd]) / issue_data[
                    DEN, d
                ]
                nbs[n_real, 2 * sd + 1] = (
                    others + model[W, a, d] * y_out[n_real, sd]
                ) / issue_data[DEN, d]
        # the shared state: the movers' positions, then each mover's position in the
        # update list of (its partner, the issue the partner demands)
        for md in range(2):
            model[CUR, b.act[md], b.sup[md]] = y_out[n_real, md]
        for md in range(2):
            mover, d = b.act[md], b.sup[md]
            key = b.act[1 - md] * n_issues + d
            new_value = y_out[n_real, md]
            found = -1
            first, length = spans[key, 0], spans[key, 1]
            for e in range(first, first + length):
                if pool[e].actor == mover:
                    found = e
                    break
            if found < 0:
                if length == spans[key, 2]:
                    capacity = max(4, 2 * length)
                    for e in range(length):
                        pool[n_entries + e] = pool[first + e]
                        values[n_entries + e] = values[first + e]
                    first = n_entries
                    spans[key, 0], spans[key, 2] = first, capacity
                    n_entries += capacity
                found = first + length
                pool[found].actor = mover
                spans[key, 1] = length + 1
            else:
                previous = values[found]
                # keep the smaller move, as decide does
                if model[X0, mover, d] <= previous:
                    new_value = min(previous, new_value)
                else:
                    new_value = max(previous, new_value)
            values[found] = new_value
            pool[found].term = model[W, mover, d] * (new_value - model[X0, mover, d])
        n_real += 1
        # the lists of the four keys the execution touches: exchanges where one of its
        # actors supplies the same issue (segments 0, 2) or demands the same (1, 3)
        n_items = 0
        for g in range(4):
            sd, demand = g // 2, g % 2
            actor = b.act[sd]
            issue = b.sup[1 - sd] if demand else b.sup[sd]
            key = actor * n_issues + issue
            segments[g, 0] = n_items
            segments[g, 1] = start_d[key] if demand else start_s[key]
            segments[g, 2] = demand
            segments[g, 3] = actor
            segments[g, 4] = issue
            n_items += live_d[key] if demand else live_s[key]
        segments[4, 0] = n_items
        best_key_0 = b.act[0] * n_issues + b.sup[0]
        best_key_1 = b.act[1] * n_issues + b.sup[1]
        # Each recalculation changes only its own record and reads the shared state, which
        # is complete for this execution; the queue's order is the keys' order. So the
        # order of the recalculations does not matter, and they run in parallel. An
        # exchange is in every list of a key it has; it is recalculated where the first
        # such list lists it (known from its actors and issues, which never change, so
        # no two threads touch one record). A dead one is marked to be dropped from its
        # list; a recalculated one whose key became better than its queued key, to be
        # pushed. (The body calls no function that takes an array: such a call costs
        # reference counting, which was most of the time.)
        n_push = 0
        for t in prange(n_items):
            g = 0
            while t >= segments[g + 1, 0]:
                g += 1
            pos = segments[g, 1] + t - segments[g, 0]
            demand = segments[g, 2] == 1
            k = list_d[pos] if demand else list_s[pos]
            if t + PREFETCH < segments[g + 1, 0]:
                ahead = list_d[pos + PREFETCH] if demand else list_s[pos + PREFETCH]
                _prefetch(rec, ahead)  # type: ignore[call-arg]
            push[t] = -1
            # (rec[k] every time: a record bound to a name in a parallel loop is a copy)
            first = True
            for h in range(g):
                if _matches(rec[k], segments[h, 3], segments[h, 4], segments[h, 2] == 1):
                    first = False
                    break
            if first and rec[k].alive:
                for sd in range(2):
                    side_key = rec[k].act[sd] * n_issues + rec[k].sup[sd]
                    if side_key in (best_key_0, best_key_1):
                        # decide appends the partner's move, then pops the last move of
                        # both sides: this side keeps its current move as a committed one
                        mv = rec[k].move[sd]
                        rec[k].csum[sd] = rec[k].csum[sd] + mv
                        rec[k].csign[sd] = 1 if mv > 0 else -1
                mi, mj, gain, ok = _calculate(
                    rec[k], n_issues, model, issue_data, spans, pool, values, cap_decide
                )
                rec[k].move[0] = mi
                rec[k].move[1] = mj
                if ok:
                    new_key = -quantise(gain)
                    # a key queued is never worse than the exchange's own, so only a key
                    # that got better (rarely: gains almost only fall) can beat it
                    if new_key < rec[k].key and new_key < queued_key[k]:
                        push[t] = k
                        n_push += 1
                    rec[k].key = new_key
                else:
                    rec[k].alive = 0
            if first and not rec[k].alive:
                if demand:
                    gone_d[pos] = 1
                else:
                    gone_s[pos] = 1
        for g in range(4):
            key = segments[g, 3] * n_issues + segments[g, 4]
            if segments[g, 2]:
                _compact(list_d, gone_d, segments[g, 1], live_d, key)
            else:
                _compact(list_s, gone_s, segments[g, 1], live_s, key)
        # a better key is queued at once; a worse one waits for its turn
        if n_push == 0:
            continue
        rises += n_push
        if hk.shape[0] < n_ex + rises:
            hk, hr, he = _grow(hk, hr, he, n_ex + rises)
        for t in range(n_items):
            k = push[t]
            if k >= 0:
                size = _push(hk, hr, he, size, rec[k].key, rank[k], k)
                queued_key[k] = rec[k].key
                in_heap[k] = True
    return (
        realized[:n_real],
        nbs[:n_real],
        x_out[:n_real],
        y_out[:n_real],
        gain_out[:n_real],
    )


@njit(cache=True, error_model="numpy")
def _pair_candidates(
    t,
    x,
    present,
    left,
    s,
    c,
    w,
    den,
    sums,
    pp,
    qq,
    ranks,
    act,
    sup,
    move,
    gain,
    tie,
    offset,
):
    """The valid exchanges on issue pair t, written from ``offset``; returns their number.

    They are only counted when ``act`` is empty. Per pair: actors right of the NBS on both
    issues with those left of both, then left on p and right on q with the reverse, each
    by actor (``left``: who is left of the NBS on each issue). ``ranks`` gives the tie
    key's parts: each actor's rank on every issue's position (columns 0 … issues - 1) and
    of its whole data row (the last column).
    """
    n = x.shape[0]
    m = x.shape[1]
    p, q = pp[t], qq[t]
    group = np.full(n, -1, dtype=np.int64)
    for a in range(n):
        if present[a, p] and present[a, q]:
            group[a] = (1 if left[a, p] else 0) | ((1 if left[a, q] else 0) << 1)
    found = 0
    for kind in range(2):
        lo, hi = (0, 3) if kind == 0 else (1, 2)
        for a in range(n):
            if group[a] != lo:
                continue
            for b in range(n):
                if group[b] != hi:
                    continue
                ia, ja = a, b
                if s[a, p] / s[a, q] < s[b, p] / s[b, q]:
                    ia, ja = b, a  # i supplies q, j supplies p
                xi_p, xi_q, xj_p, xj_q = x[ia, p], x[ia, q], x[ja, p], x[ja, q]
                dp = abs(xi_p - xj_p) * s[ja, p] * c[ja, p] / den[p]
                dq = (s[ja, p] + s[ia, p]) / (s[ja, q] + s[ia, q]) * dp
                mi = dq * den[q] / (c[ia, q] * s[ia, q])
                mj = abs(xi_p - xj_p)
                if abs(mi) > abs(xj_q - xi_q):
                    dq2 = abs(xj_q - xi_q) * s[ia, q] * c[ia, q] / den[q]
                    dp2 = (s[ia, q] + s[ja, q]) / (s[ia, p] + s[ja, p]) * dq2
                    dq, dp = dq2, dp2
                    mi = abs(xj_q - xi_q)
                    mj = dp2 * den[p] / (c[ja, p] * s[ja, p])
                if xi_q > xj_q:
                    mi = -mi
                if xj_p > xi_p:
                    mj = -mj
                g = abs(dq * s[ia, q] - dp * s[ia, p])
                valid = _fresh_ok(xi_q, mi) and _fresh_ok(xj_p, mj) and g >= 1e-10
                # check_nbs for i (issue q, target j's position), then j (p, i's)
                for side in range(2):
                    if side == 0:
                        side_x, si, sa, other_x, oi, oa, target = xi_q, q, ia, xj_p, p, ja, xj_q
                        side_move = mi
                    else:
                        side_x, si, sa, other_x, oi, oa, target = xj_p, p, ja, xi_q, q, ia, xi_p
                        side_move = mj
                    rest = sums[si] - w[sa, si] * side_x
                    nbs0 = (rest + w[sa, si] * side_x) / den[si]
                    nbs1 = (rest + w[sa, si] * (side_x + side_move)) / den[si]
                    crossing = valid and not (
                        (target - nbs0 >= -EPS and target - nbs1 >= -EPS)
                        or (target - nbs0 <= EPS and target - nbs1 <= EPS)
                    )
                    if not crossing:
                        continue
                    position = (target * den[si] - rest) / w[sa, si]
                    delta = abs(position - side_x)  # no updates yet: both caps agree
                    ratio_side = delta * s[sa, si] * c[sa, si] / den[si]
                    ratio_other = (s[sa, si] + s[oa, si]) / (s[sa, oi] + s[oa, oi]) * ratio_side
                    new_other = abs(ratio_other * den[oi] / (c[oa, oi] * s[oa, oi]))
                    if other_x > x[sa, oi]:
                        new_other = -new_other
                    new_side = -delta if side_x > target else delta
                    g = abs(ratio_other * s[oa, oi] - ratio_side * s[oa, si])
                    if side == 0:
                        mi, mj = new_side, new_other
                    else:
                        mj, mi = new_side, new_other
                if not (valid and _fresh_ok(xi_q, mi) and _fresh_ok(xj_p, mj)):
                    continue
                if act.shape[0]:
                    k = offset + found
                    act[k, 0], act[k, 1] = ia, ja
                    sup[k, 0], sup[k, 1] = q, p
                    move[k, 0], move[k, 1] = mi, mj
                    gain[k] = g
                    # equal gains are ordered by issues, positions, then the actors'
                    # whole data rows (as the Python engine's sort), as one integer
                    tie[k] = (
                        (((q * m + p) * n + ranks[ia, q]) * n + ranks[ja, p]) * n + ranks[ia, m]
                    ) * n + ranks[ja, m]
                found += 1
    return found


@njit(cache=True, parallel=True)
def candidates(x, present, left, s, c, w, den, sums, pp, qq, ranks):
    """The valid exchanges on the issue pairs ``(pp[t], qq[t])`` before any execution.

    The same arithmetic and order as ``exchange._candidate_arrays`` (numpy's rules for
    division by zero), pairs in parallel. Returns per exchange its actors (i, j), the
    issues they supply (q, p), their moves, the gain and its tie key (meaningful when
    issues² × actors⁴ < 2⁶²).
    """
    n_pairs = len(pp)
    counts = np.zeros(n_pairs + 1, dtype=np.int64)
    act = np.empty((0, 2), dtype=np.int32)
    sup = np.empty((0, 2), dtype=np.int32)
    move = np.empty((0, 2))
    gain = np.empty(0)
    tie = np.empty(0, dtype=np.int64)
    for t in prange(n_pairs):
        counts[t + 1] = _pair_candidates(
            t,
            x,
            present,
            left,
            s,
            c,
            w,
            den,
            sums,
            pp,
            qq,
            ranks,
            act,
            sup,
            move,
            gain,
            tie,
            0,
        )
    offsets = np.cumsum(counts)
    total = offsets[-1]
    act = np.empty((total, 2), dtype=np.int32)
    sup = np.empty((total, 2), dtype=np.int32)
    move = np.empty((total, 2))
    gain = np.empty(total)
    tie = np.empty(total, dtype=np.int64)
    for t in prange(n_pairs):
        _pair_candidates(
            t,
            x,
            present,
            left,
            s,
            c,
            w,
            den,
            sums,
            pp,
            qq,
            ranks,
            act,
            sup,
            move,
            gain,
            tie,
            offsets[t],
        )
    return act, sup, move, gain, tie


@njit(cache=True)
def _fresh_ok(x0, move):
    return abs(move) <= 100 and abs(move) > 1e-10 and x0 + move >= 0 and x0 + move <= 100


def _serial(kernel: Any, name: str) -> Any:
    """``kernel`` compiled without numba's threads (``prange`` runs as ``range``).

    Its own name keeps its cache apart from the parallel kernel's. A small case runs these:
    its rounds take less time than waking the threads, and a process that never started
    numba's (GNU OpenMP) threads can still fork workers that run the kernels.
    """
    f = kernel.py_func
    copy = pytypes.FunctionType(f.__code__, f.__globals__, name, f.__defaults__, f.__closure__)
    copy.__qualname__ = name
    copy.__doc__ = f.__doc__
    return njit(cache=True)(copy)


candidates_serial = _serial(candidates, "candidates_serial")
execute_round_serial = _serial(execute_round, "execute_round_serial")
