"""Compiled execution of one round of the exchange model (numba).

The same arithmetic as :class:`stratagem.models.exchange._Round` (``calculate``,
``check_nbs``, ``recalculate``) and :func:`stratagem.models.exchange._execute`, on packed
records: exchange ``k`` has two sides, 0 (``i``: supplies issue ``q``, demands ``p``) and
1 (``j``: supplies ``p``, demands ``q``). Its floating-point fields are one row of ``rec_f``,
its integers one row of ``rec_i`` and its flags one row of ``rec_b`` (column offsets below), so
that recalculating it reads a few cache lines, and the helpers take a handful of arrays.

A side's list of moves is kept as the running sum, minimum, maximum and count of its
committed moves plus the current one, which is all the validity test reads. The partners'
updates of an exchange are kept per supply issue as linked lists in insertion order, so
that their sums are taken in the same order as the Python implementation's dictionaries
(and cached, extended on append and recomputed after a change in place).
``tests/unit/test_exchange.py`` checks that both engines give identical runs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EPS = 1e-9
PARALLEL_MIN = 256
"""Recalculations after one execution are spread over threads from this many on (fewer do
not repay starting the threads)."""

# rec_f (float64) columns; a side's field is at column + side
XCUR, MOVE, Y, GAIN, KEY, CSUM, CMIN, CMAX, OTHERS = 0, 2, 4, 6, 7, 8, 10, 12, 14
N_FLOAT = 16
# rec_i (int64) columns
ACT, SUP, DEM, CCOUNT, HEAD, TAIL, RANK, WHERE = 0, 2, 4, 6, 8, 10, 12, 13
N_INT = 14
# rec_b (bool) columns
VALID, ALIVE, OTHERS_OK = 0, 1, 2
N_FLAG = 4
# model: (4, actors, issues) = x0 (round-start positions), s, c, w (= c·s where present)
X0, SAL, CAP, W = 0, 1, 2, 3
# issue_data: (2, issues) = NBS denominator, sum of w·x
DEN, SUMS = 0, 1


@njit(cache=True)
def quantise(gain: float) -> float:
    """Round a gain to 12 significant digits (equal gains in other summation orders tie)."""
    if gain == 0.0 or not math.isfinite(gain):
        return gain
    exponent = math.floor(math.log10(abs(gain)))
    scale = 10.0 ** (11 - exponent)
    return float(np.rint(gain * scale)) / scale


@njit(cache=True)
def _others(k, sd, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en):
    """Sum of c·s·x on side sd's supply issue over the other actors, updates applied."""
    if rec_b[k, OTHERS_OK + sd]:
        return rec_f[k, OTHERS + sd]
    d = rec_i[k, SUP + sd]
    a = rec_i[k, ACT + sd]
    total = issue_data[SUMS, d] - model[W, a, d] * model[X0, a, d]
    e = rec_i[k, HEAD + sd]
    while e >= 0:
        b = ea[e]
        if b != a:
            total += model[W, b, d] * (ev[e] - model[X0, b, d])
        e = en[e]
    rec_f[k, OTHERS + sd] = total
    rec_b[k, OTHERS_OK + sd] = True
    return total


@njit(cache=True)
def _adjusted_nbs(k, sd, position, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en):
    d = rec_i[k, SUP + sd]
    if issue_data[DEN, d] <= 0:
        return 0.0
    others = _others(k, sd, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en)
    return (others + model[W, rec_i[k, ACT + sd], d] * position) / issue_data[DEN, d]


@njit(cache=True)
def _move_valid(k, sd, mv, rec_f, rec_i):
    if abs(mv) > 100 or abs(mv) <= 1e-10:
        return False
    after = rec_f[k, XCUR + sd] + mv
    if not (0 <= after <= 100):
        return False
    if rec_f[k, CSUM + sd] + mv > 100:
        return False
    lo, hi = mv, mv
    if rec_i[k, CCOUNT + sd] > 0:
        lo = min(rec_f[k, CMIN + sd], mv)
        hi = max(rec_f[k, CMAX + sd], mv)
    return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)


@njit(cache=True)
def _check_nbs(k, sd, od, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide):
    """Cap the exchange when the NBS of side sd's supply issue would cross od's demand."""
    a_s, d_s = rec_i[k, ACT + sd], rec_i[k, SUP + sd]
    a_o, d_o = rec_i[k, ACT + od], rec_i[k, SUP + od]
    nbs_0 = _adjusted_nbs(
        k, sd, rec_f[k, XCUR + sd], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en
    )
    nbs_1 = _adjusted_nbs(
        k, sd, rec_f[k, Y + sd], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en
    )
    target = model[X0, a_o, d_s]
    if (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS) or (
        target - nbs_0 <= EPS and target - nbs_1 <= EPS
    ):
        return
    s = model[SAL]
    c = model[CAP]
    den = issue_data[DEN]
    others = _others(k, sd, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en)
    position = (target * den[d_s] - others) / model[W, a_s, d_s]
    delta = abs(position) if cap_decide else abs(position - rec_f[k, XCUR + sd])
    ratio_side = delta * s[a_s, d_s] * c[a_s, d_s] / den[d_s]
    ratio_other = ((s[a_s, d_s] + s[a_o, d_s]) / (s[a_s, rec_i[k, DEM + sd]] + s[a_o, d_o])) * (
        ratio_side
    )
    other_move = abs(ratio_other * den[d_o] / (c[a_o, d_o] * s[a_o, d_o]))
    side_move = delta
    if rec_f[k, XCUR + od] > model[X0, a_s, d_o]:
        other_move = -other_move
    if rec_f[k, XCUR + sd] > target:
        side_move = -side_move
    rec_f[k, MOVE + od] = other_move
    rec_f[k, MOVE + sd] = side_move
    rec_f[k, Y + od] = rec_f[k, XCUR + od] + other_move
    rec_f[k, Y + sd] = rec_f[k, XCUR + sd] + side_move
    rec_f[k, GAIN] = abs(ratio_other * s[a_o, d_o] - ratio_side * s[a_o, rec_i[k, DEM + od]])


@njit(cache=True)
def _calculate(k, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide):
    """Equal-gain moves of exchange k from its sides' current positions (``calculate``)."""
    s = model[SAL]
    c = model[CAP]
    x0 = model[X0]
    den = issue_data[DEN]
    ai, aj = rec_i[k, ACT], rec_i[k, ACT + 1]
    q, p = rec_i[k, SUP], rec_i[k, SUP + 1]
    xi, xj = rec_f[k, XCUR], rec_f[k, XCUR + 1]
    dp = abs(x0[ai, p] - xj) * s[aj, p] * c[aj, p] / den[p]
    dq = ((s[aj, p] + s[ai, p]) / (s[aj, q] + s[ai, q])) * dp
    mi = dq * den[q] / (c[ai, q] * s[ai, q])
    mj = abs(x0[ai, p] - xj)
    if abs(mi) > abs(x0[aj, q] - xi):  # i would overshoot: swap
        dq = abs(x0[aj, q] - xi) * s[ai, q] * c[ai, q] / den[q]
        dp = ((s[ai, q] + s[aj, q]) / (s[ai, p] + s[aj, p])) * dq
        mi = abs(x0[aj, q] - xi)
        mj = dp * den[p] / (c[aj, p] * s[aj, p])
    if xi > x0[aj, q]:
        mi = -mi
    if xj > x0[ai, p]:
        mj = -mj
    rec_f[k, MOVE], rec_f[k, MOVE + 1] = mi, mj
    rec_f[k, Y], rec_f[k, Y + 1] = xi + mi, xj + mj
    rec_f[k, GAIN] = abs(dq * s[ai, q] - dp * s[ai, p])
    ok = (
        _move_valid(k, 0, mi, rec_f, rec_i)
        and _move_valid(k, 1, mj, rec_f, rec_i)
        and rec_f[k, GAIN] >= 1e-10
    )
    rec_b[k, VALID] = ok
    if not ok:
        return
    _check_nbs(k, 0, 1, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide)
    _check_nbs(k, 1, 0, rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide)
    rec_b[k, VALID] = _move_valid(k, 0, rec_f[k, MOVE], rec_f, rec_i) and _move_valid(
        k, 1, rec_f[k, MOVE + 1], rec_f, rec_i
    )


@njit(cache=True)
def _commit(k, sd, rec_f, rec_i):
    """The side's current move becomes one of its committed moves."""
    mv = rec_f[k, MOVE + sd]
    if rec_i[k, CCOUNT + sd] == 0:
        rec_f[k, CMIN + sd] = mv
        rec_f[k, CMAX + sd] = mv
    else:
        rec_f[k, CMIN + sd] = min(rec_f[k, CMIN + sd], mv)
        rec_f[k, CMAX + sd] = max(rec_f[k, CMAX + sd], mv)
    rec_f[k, CSUM + sd] = rec_f[k, CSUM + sd] + mv
    rec_i[k, CCOUNT + sd] += 1


# -------------------------------------------------------------- the queue (indexed heap)


@njit(cache=True)
def _before(rec_f, rec_i, a, b):
    """Whether exchange a comes before b: higher quantised gain, then lower rank (unique)."""
    if rec_f[a, KEY] != rec_f[b, KEY]:
        return rec_f[a, KEY] < rec_f[b, KEY]
    return rec_i[a, RANK] < rec_i[b, RANK]


@njit(cache=True)
def _sift_up(heap, rec_f, rec_i, pos):
    k = heap[pos]
    while pos > 0:
        parent = (pos - 1) // 2
        other = heap[parent]
        if not _before(rec_f, rec_i, k, other):
            break
        heap[pos] = other
        rec_i[other, WHERE] = pos
        pos = parent
    heap[pos] = k
    rec_i[k, WHERE] = pos


@njit(cache=True)
def _sift_down(heap, rec_f, rec_i, pos, size):
    k = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and _before(rec_f, rec_i, heap[right], heap[child]):
            child = right
        if not _before(rec_f, rec_i, heap[child], k):
            break
        heap[pos] = heap[child]
        rec_i[heap[pos], WHERE] = pos
        pos = child
    heap[pos] = k
    rec_i[k, WHERE] = pos


@njit(cache=True)
def _heap_remove(heap, rec_f, rec_i, k, size):
    """Remove exchange k; returns the new size."""
    pos = rec_i[k, WHERE]
    size -= 1
    rec_i[k, WHERE] = -1
    if pos == size:
        return size
    last = heap[size]
    heap[pos] = last
    rec_i[last, WHERE] = pos
    _sift_down(heap, rec_f, rec_i, pos, size)
    _sift_up(heap, rec_f, rec_i, rec_i[last, WHERE])
    return size


# -------------------------------------------------------------- the round


@njit(cache=True)
def _collect(items, start, live, key, rec_b, stamp, best, touched, n_touched):
    """Add the live exchanges of one list to ``touched`` (once each), dropping dead ones.

    A dead exchange is swapped out of the list's live front, so that later executions do
    not read it again (the order within a list does not matter).
    """
    t = start
    while t < start + live[key]:
        k = items[t]
        if not rec_b[k, ALIVE]:
            live[key] -= 1
            items[t] = items[start + live[key]]
            items[start + live[key]] = k
            continue
        if stamp[k] != best:
            stamp[k] = best
            touched[n_touched] = k
            n_touched += 1
        t += 1
    return n_touched


@njit(cache=True, parallel=True)
def execute_round(
    act_in,
    sup_in,
    dem_in,
    xcur_in,
    move_in,
    gain_in,
    rank_in,
    model,
    issue_data,
    n_actors,
    n_issues,
    cap_decide,
):
    """Execute valid exchanges highest (quantised) gain first, recalculating those touched.

    Returns the executed exchanges in order; every exchange's position on its supply issues
    when last calculated (for an executed one: when executed), its target positions and
    gain; and for each executed exchange the NBS of both supply issues before and after.
    """
    n_ex = act_in.shape[0]
    rec_f = np.zeros((n_ex, N_FLOAT))
    rec_i = np.zeros((n_ex, N_INT), dtype=np.int64)
    rec_b = np.zeros((n_ex, N_FLAG), dtype=np.bool_)
    for k in range(n_ex):
        for sd in range(2):
            rec_i[k, ACT + sd] = act_in[k, sd]
            rec_i[k, SUP + sd] = sup_in[k, sd]
            rec_i[k, DEM + sd] = dem_in[k, sd]
            rec_i[k, HEAD + sd] = -1
            rec_i[k, TAIL + sd] = -1
            rec_f[k, XCUR + sd] = xcur_in[k, sd]
            rec_f[k, MOVE + sd] = move_in[k, sd]
            rec_f[k, Y + sd] = xcur_in[k, sd] + move_in[k, sd]
        rec_f[k, GAIN] = gain_in[k]
        rec_f[k, KEY] = -quantise(gain_in[k])
        rec_i[k, RANK] = rank_in[k]
        rec_b[k, VALID] = True
        rec_b[k, ALIVE] = True
    capacity = max(16, 4 * n_ex)
    ea = np.empty(capacity, dtype=np.int64)  # update lists: actor, value, next entry
    ev = np.empty(capacity)
    en = np.empty(capacity, dtype=np.int64)
    n_entries = 0

    # which exchanges have actor a supplying (or demanding) issue d
    keys = n_actors * n_issues
    count_s = np.zeros(keys + 1, dtype=np.int64)
    count_d = np.zeros(keys + 1, dtype=np.int64)
    for k in range(n_ex):
        for sd in range(2):
            count_s[rec_i[k, ACT + sd] * n_issues + rec_i[k, SUP + sd] + 1] += 1
            count_d[rec_i[k, ACT + sd] * n_issues + rec_i[k, DEM + sd] + 1] += 1
    start_s = np.cumsum(count_s)
    start_d = np.cumsum(count_d)
    live_s = count_s[1:].copy()  # live exchanges at the front of each list
    live_d = count_d[1:].copy()
    fill_s = start_s[:-1].copy()
    fill_d = start_d[:-1].copy()
    list_s = np.empty(2 * n_ex, dtype=np.int64)
    list_d = np.empty(2 * n_ex, dtype=np.int64)
    for k in range(n_ex):
        for sd in range(2):
            ks = rec_i[k, ACT + sd] * n_issues + rec_i[k, SUP + sd]
            list_s[fill_s[ks]] = k
            fill_s[ks] += 1
            kd = rec_i[k, ACT + sd] * n_issues + rec_i[k, DEM + sd]
            list_d[fill_d[kd]] = k
            fill_d[kd] += 1

    # one queue entry per live exchange, keyed (-quantised gain, rank): the Python engine's
    # lazy heap with versions pops the same exchanges in the same order
    heap = np.empty(n_ex, dtype=np.int64)
    true_key = rec_f[:, KEY].copy()
    size = 0
    for k in range(n_ex):
        heap[size] = k
        rec_i[k, WHERE] = size
        size += 1
        _sift_up(heap, rec_f, rec_i, size - 1)

    realized = np.empty(n_ex, dtype=np.int64)
    nbs = np.empty((n_ex, 4))  # before/after on side 0's supply issue, then side 1's
    n_real = 0
    stamp = np.full(n_ex, -1, dtype=np.int64)
    touched = np.empty(n_ex, dtype=np.int64)
    befores = np.empty(n_ex)
    while size > 0:
        best = heap[0]
        if true_key[best] != rec_f[best, KEY]:
            # its gain fell since it was queued: requeue it at its true place and look again
            rec_f[best, KEY] = true_key[best]
            _sift_down(heap, rec_f, rec_i, 0, size)
            continue
        size = _heap_remove(heap, rec_f, rec_i, best, size)
        rec_b[best, ALIVE] = False
        realized[n_real] = best
        for sd in range(2):
            nbs[n_real, 2 * sd] = _adjusted_nbs(
                best, sd, rec_f[best, XCUR + sd], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en
            )
            nbs[n_real, 2 * sd + 1] = _adjusted_nbs(
                best, sd, rec_f[best, Y + sd], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en
            )
        n_real += 1
        n_touched = 0
        for sd in range(2):
            ks = rec_i[best, ACT + sd] * n_issues + rec_i[best, SUP + sd]
            n_touched = _collect(
                list_s, start_s[ks], live_s, ks, rec_b, stamp, best, touched, n_touched
            )
            kd = rec_i[best, ACT + sd] * n_issues + rec_i[best, DEM + sd]
            n_touched = _collect(
                list_d, start_d[kd], live_d, kd, rec_b, stamp, best, touched, n_touched
            )
        # the order of the touched exchanges does not matter: each recalculation changes
        # only its own exchange and the queue's order is the keys' order
        order = touched[:n_touched]
        # 1. bookkeeping in order (the update lists are shared); 2. the recalculations,
        # which each touch only their own exchange, in parallel; 3. the queue, in order
        for t in range(n_touched):
            k = order[t]
            befores[t] = rec_f[k, GAIN]
            for sd in range(2):
                for td in range(2):
                    if (
                        rec_i[k, ACT + sd] == rec_i[best, ACT + td]
                        and rec_i[k, SUP + sd] == rec_i[best, SUP + td]
                    ):
                        rec_f[k, XCUR + sd] = rec_f[best, Y + td]
                        # decide appends the partner's move, then pops the last move of
                        # both sides: a matched side keeps its current move as committed
                        _commit(k, sd, rec_f, rec_i)
                        break
            for md in range(2):
                dd = 1 - md  # the demander is the other side of the executed exchange
                relevant = False
                for sd in range(2):
                    if (
                        rec_i[best, ACT + dd] == rec_i[k, ACT + sd]
                        and rec_i[best, DEM + dd] == rec_i[k, DEM + sd]
                    ):
                        relevant = True
                if not relevant:
                    continue
                d = rec_i[best, DEM + dd]
                slot = 0 if rec_i[k, SUP] == d else 1
                mover = rec_i[best, ACT + md]
                new_value = rec_f[best, Y + md]
                found = -1
                e = rec_i[k, HEAD + slot]
                while e >= 0:  # the lists are short: about one entry on average
                    if ea[e] == mover:
                        found = e
                        break
                    e = en[e]
                if found < 0:
                    if n_entries == capacity:
                        capacity *= 2
                        grown_a = np.empty(capacity, dtype=np.int64)
                        grown_v = np.empty(capacity)
                        grown_n = np.empty(capacity, dtype=np.int64)
                        grown_a[:n_entries] = ea[:n_entries]
                        grown_v[:n_entries] = ev[:n_entries]
                        grown_n[:n_entries] = en[:n_entries]
                        ea, ev, en = grown_a, grown_v, grown_n
                    ea[n_entries] = mover
                    ev[n_entries] = new_value
                    en[n_entries] = -1
                    if rec_b[k, OTHERS_OK + slot] and mover != rec_i[k, ACT + slot]:
                        rec_f[k, OTHERS + slot] += model[W, mover, d] * (
                            new_value - model[X0, mover, d]
                        )
                    if rec_i[k, HEAD + slot] < 0:
                        rec_i[k, HEAD + slot] = n_entries
                    else:
                        en[rec_i[k, TAIL + slot]] = n_entries
                    rec_i[k, TAIL + slot] = n_entries
                    n_entries += 1
                else:
                    previous = ev[found]
                    start = model[X0, mover, rec_i[best, SUP + md]]
                    if start <= previous:  # keep the smaller move, as decide does
                        kept = min(previous, new_value)
                    else:
                        kept = max(previous, new_value)
                    if kept != previous:
                        ev[found] = kept
                        rec_b[k, OTHERS_OK + slot] = False
        if n_touched >= PARALLEL_MIN:
            for t in prange(n_touched):
                _calculate(order[t], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide)
        else:
            for t in range(n_touched):
                _calculate(order[t], rec_f, rec_i, rec_b, model, issue_data, ea, ev, en, cap_decide)
        for t in range(n_touched):
            k = order[t]
            if not rec_b[k, VALID]:
                rec_b[k, ALIVE] = False
                size = _heap_remove(heap, rec_f, rec_i, k, size)
            elif rec_f[k, GAIN] != befores[t]:
                true_key[k] = -quantise(rec_f[k, GAIN])
                if true_key[k] < rec_f[k, KEY]:
                    rec_f[k, KEY] = true_key[k]
                    _sift_up(heap, rec_f, rec_i, rec_i[k, WHERE])
                # a worse key waits: the queue holds a better one, fixed when it reaches the
                # top (the top then is the true best, since every stored key is at least as
                # good as the true one)
    xcur = rec_f[:, XCUR : XCUR + 2].copy()
    y = rec_f[:, Y : Y + 2].copy()
    gain = rec_f[:, GAIN].copy()
    return realized[:n_real], nbs[:n_real], xcur, y, gain
