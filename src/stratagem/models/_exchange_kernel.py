"""Compiled execution of one round of the exchange model (numba).

The same arithmetic as :class:`stratagem.models.exchange._Round` (``calculate``,
``check_nbs``, ``recalculate``) and :func:`stratagem.models.exchange._execute`, on flat
arrays: exchange ``k`` has two sides, 0 (``i``: supplies issue ``q``, demands ``p``) and 1
(``j``: supplies ``p``, demands ``q``). A side's list of moves is kept as the running sum,
minimum, maximum and count of its committed moves plus the current one, which is all the
validity test reads; the partners' updates of an exchange are kept per supply issue as
linked lists in insertion order, so that their sums are taken in the same order as the
Python implementation's dictionaries. ``tests/unit/test_exchange.py`` checks that both
give identical runs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.typed import Dict

EPS = 1e-9


@njit(cache=True)
def quantise(gain: float) -> float:
    """Round a gain to 12 significant digits (equal gains in other summation orders tie)."""
    if gain == 0.0 or not math.isfinite(gain):
        return gain
    exponent = math.floor(math.log10(abs(gain)))
    scale = 10.0 ** (11 - exponent)
    return float(np.rint(gain * scale)) / scale


@njit(cache=True)
def _others(k, sd, act, sup, x0, w, sums, head, e_actor, e_val, e_next, ocache, ovalid):
    """Sum of c·s·x on side sd's supply issue over the other actors, updates applied.

    The sum runs from the round's total through the updates in insertion order; it is
    cached, extended when an update is appended (the same running sum) and recomputed
    after an update changes in place.
    """
    if ovalid[k, sd]:
        return ocache[k, sd]
    d = sup[k, sd]
    a = act[k, sd]
    total = sums[d] - w[a, d] * x0[a, d]
    e = head[k, sd]
    while e >= 0:
        b = e_actor[e]
        if b != a:
            total += w[b, d] * (e_val[e] - x0[b, d])
        e = e_next[e]
    ocache[k, sd] = total
    ovalid[k, sd] = True
    return total


@njit(cache=True)
def _adjusted_nbs(
    k, sd, position, act, sup, x0, w, den, sums, head, e_actor, e_val, e_next, ocache, ovalid
):
    d = sup[k, sd]
    if den[d] <= 0:
        return 0.0
    others = _others(k, sd, act, sup, x0, w, sums, head, e_actor, e_val, e_next, ocache, ovalid)
    return (others + w[act[k, sd], d] * position) / den[d]


@njit(cache=True)
def _move_valid(k, sd, mv, xcur, csum, cmin, cmax, ccount):
    if abs(mv) > 100 or abs(mv) <= 1e-10:
        return False
    after = xcur[k, sd] + mv
    if not (0 <= after <= 100):
        return False
    if csum[k, sd] + mv > 100:
        return False
    lo, hi = mv, mv
    if ccount[k, sd] > 0:
        lo = min(cmin[k, sd], mv)
        hi = max(cmax[k, sd], mv)
    return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)


@njit(cache=True)
def _check_nbs(
    k,
    sd,
    od,
    act,
    sup,
    dem,
    xcur,
    move,
    y,
    gain,
    x0,
    s,
    c,
    w,
    den,
    sums,
    head,
    e_actor,
    e_val,
    e_next,
    ocache,
    ovalid,
    cap_decide,
):
    a_s, d_s = act[k, sd], sup[k, sd]
    a_o, d_o = act[k, od], sup[k, od]
    nbs_0 = _adjusted_nbs(
        k, sd, xcur[k, sd], act, sup, x0, w, den, sums, head, e_actor, e_val, e_next, ocache, ovalid
    )
    nbs_1 = _adjusted_nbs(
        k, sd, y[k, sd], act, sup, x0, w, den, sums, head, e_actor, e_val, e_next, ocache, ovalid
    )
    target = x0[a_o, d_s]
    if (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS) or (
        target - nbs_0 <= EPS and target - nbs_1 <= EPS
    ):
        return
    others = _others(k, sd, act, sup, x0, w, sums, head, e_actor, e_val, e_next, ocache, ovalid)
    position = (target * den[d_s] - others) / w[a_s, d_s]
    delta = abs(position) if cap_decide else abs(position - xcur[k, sd])
    ratio_side = delta * s[a_s, d_s] * c[a_s, d_s] / den[d_s]
    ratio_other = ((s[a_s, d_s] + s[a_o, d_s]) / (s[a_s, dem[k, sd]] + s[a_o, d_o])) * ratio_side
    other_move = abs(ratio_other * den[d_o] / (c[a_o, d_o] * s[a_o, d_o]))
    side_move = delta
    if xcur[k, od] > x0[a_s, d_o]:
        other_move = -other_move
    if xcur[k, sd] > target:
        side_move = -side_move
    move[k, od] = other_move
    move[k, sd] = side_move
    y[k, od] = xcur[k, od] + other_move
    y[k, sd] = xcur[k, sd] + side_move
    gain[k] = abs(ratio_other * s[a_o, d_o] - ratio_side * s[a_o, dem[k, od]])


@njit(cache=True)
def _calculate(
    k,
    act,
    sup,
    dem,
    xcur,
    move,
    y,
    gain,
    valid,
    csum,
    cmin,
    cmax,
    ccount,
    x0,
    s,
    c,
    w,
    den,
    sums,
    head,
    e_actor,
    e_val,
    e_next,
    ocache,
    ovalid,
    cap_decide,
):
    ai, aj = act[k, 0], act[k, 1]
    q, p = sup[k, 0], sup[k, 1]
    xi, xj = xcur[k, 0], xcur[k, 1]
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
    move[k, 0], move[k, 1] = mi, mj
    y[k, 0], y[k, 1] = xi + mi, xj + mj
    gain[k] = abs(dq * s[ai, q] - dp * s[ai, p])
    ok = (
        _move_valid(k, 0, mi, xcur, csum, cmin, cmax, ccount)
        and _move_valid(k, 1, mj, xcur, csum, cmin, cmax, ccount)
        and gain[k] >= 1e-10
    )
    valid[k] = ok
    if not ok:
        return
    _check_nbs(
        k,
        0,
        1,
        act,
        sup,
        dem,
        xcur,
        move,
        y,
        gain,
        x0,
        s,
        c,
        w,
        den,
        sums,
        head,
        e_actor,
        e_val,
        e_next,
        ocache,
        ovalid,
        cap_decide,
    )
    _check_nbs(
        k,
        1,
        0,
        act,
        sup,
        dem,
        xcur,
        move,
        y,
        gain,
        x0,
        s,
        c,
        w,
        den,
        sums,
        head,
        e_actor,
        e_val,
        e_next,
        ocache,
        ovalid,
        cap_decide,
    )
    valid[k] = _move_valid(k, 0, move[k, 0], xcur, csum, cmin, cmax, ccount) and _move_valid(
        k, 1, move[k, 1], xcur, csum, cmin, cmax, ccount
    )


@njit(cache=True)
def _commit(k, sd, move, csum, cmin, cmax, ccount):
    mv = move[k, sd]
    if ccount[k, sd] == 0:
        cmin[k, sd] = mv
        cmax[k, sd] = mv
    else:
        cmin[k, sd] = min(cmin[k, sd], mv)
        cmax[k, sd] = max(cmax[k, sd], mv)
    csum[k, sd] = csum[k, sd] + mv
    ccount[k, sd] += 1


@njit(cache=True)
def _before(kq, rank, a, b):
    """Whether exchange a comes before b: higher quantised gain, then lower rank (unique)."""
    if kq[a] != kq[b]:
        return kq[a] < kq[b]
    return rank[a] < rank[b]


@njit(cache=True)
def _sift_up(heap, where, kq, rank, pos):
    k = heap[pos]
    while pos > 0:
        parent = (pos - 1) // 2
        other = heap[parent]
        if not _before(kq, rank, k, other):
            break
        heap[pos] = other
        where[other] = pos
        pos = parent
    heap[pos] = k
    where[k] = pos


@njit(cache=True)
def _sift_down(heap, where, kq, rank, pos, size):
    k = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and _before(kq, rank, heap[right], heap[child]):
            child = right
        if not _before(kq, rank, heap[child], k):
            break
        heap[pos] = heap[child]
        where[heap[pos]] = pos
        pos = child
    heap[pos] = k
    where[k] = pos


@njit(cache=True)
def _heap_remove(heap, where, kq, rank, k, size):
    """Remove exchange k; returns the new size."""
    pos = where[k]
    size -= 1
    where[k] = -1
    if pos == size:
        return size
    last = heap[size]
    heap[pos] = last
    where[last] = pos
    _sift_down(heap, where, kq, rank, pos, size)
    _sift_up(heap, where, kq, rank, where[last])
    return size


@njit(cache=True)
def execute_round(
    act, sup, dem, xcur, move, gain, rank, x0, s, c, w, den, sums, n_actors, n_issues, cap_decide
):
    """Execute valid exchanges highest (quantised) gain first, recalculating those touched.

    Returns the executed exchanges in order, with their final current positions, moves,
    target positions and gains (the arrays are updated in place), and for each executed
    exchange the NBS of both supply issues before and after its moves.
    """
    n_ex = act.shape[0]
    y = xcur + move
    valid = np.ones(n_ex, dtype=np.bool_)
    alive = np.ones(n_ex, dtype=np.bool_)
    csum = np.zeros((n_ex, 2))
    cmin = np.zeros((n_ex, 2))
    cmax = np.zeros((n_ex, 2))
    ccount = np.zeros((n_ex, 2), dtype=np.int64)
    head = np.full((n_ex, 2), -1, dtype=np.int64)
    ocache = np.zeros((n_ex, 2))
    ovalid = np.zeros((n_ex, 2), dtype=np.bool_)
    tail = np.full((n_ex, 2), -1, dtype=np.int64)
    capacity = max(16, 4 * n_ex)
    e_actor = np.empty(capacity, dtype=np.int64)
    e_val = np.empty(capacity)
    e_next = np.empty(capacity, dtype=np.int64)
    n_entries = 0
    entry_of = Dict.empty(key_type=types.int64, value_type=types.int64)

    # index: which exchanges have actor a supplying (or demanding) issue d
    keys = n_actors * n_issues
    counts_s = np.zeros(keys + 1, dtype=np.int64)
    counts_d = np.zeros(keys + 1, dtype=np.int64)
    for k in range(n_ex):
        for sd in range(2):
            counts_s[act[k, sd] * n_issues + sup[k, sd] + 1] += 1
            counts_d[act[k, sd] * n_issues + dem[k, sd] + 1] += 1
    start_s = np.cumsum(counts_s)
    start_d = np.cumsum(counts_d)
    fill_s = start_s[:-1].copy()
    fill_d = start_d[:-1].copy()
    list_s = np.empty(2 * n_ex, dtype=np.int64)
    list_d = np.empty(2 * n_ex, dtype=np.int64)
    for k in range(n_ex):
        for sd in range(2):
            ks = act[k, sd] * n_issues + sup[k, sd]
            list_s[fill_s[ks]] = k
            fill_s[ks] += 1
            kd = act[k, sd] * n_issues + dem[k, sd]
            list_d[fill_d[kd]] = k
            fill_d[kd] += 1

    # one heap entry per live exchange, keyed (-quantised gain, rank): the Python engine's
    # lazy heap with versions pops the same exchanges in the same order
    kq = np.empty(n_ex)
    for k in range(n_ex):
        kq[k] = -quantise(gain[k])
    heap = np.empty(n_ex, dtype=np.int64)
    where = np.full(n_ex, -1, dtype=np.int64)
    size = 0
    for k in range(n_ex):
        heap[size] = k
        where[k] = size
        size += 1
        _sift_up(heap, where, kq, rank, size - 1)

    realized = np.empty(n_ex, dtype=np.int64)
    nbs = np.empty((n_ex, 4))  # before/after on side 0's supply issue, then side 1's
    n_real = 0
    stamp = np.full(n_ex, -1, dtype=np.int64)
    touched = np.empty(n_ex, dtype=np.int64)
    while size > 0:
        best = heap[0]
        size = _heap_remove(heap, where, kq, rank, best, size)
        alive[best] = False
        realized[n_real] = best
        for sd in range(2):
            nbs[n_real, 2 * sd] = _adjusted_nbs(
                best,
                sd,
                xcur[best, sd],
                act,
                sup,
                x0,
                w,
                den,
                sums,
                head,
                e_actor,
                e_val,
                e_next,
                ocache,
                ovalid,
            )
            nbs[n_real, 2 * sd + 1] = _adjusted_nbs(
                best,
                sd,
                y[best, sd],
                act,
                sup,
                x0,
                w,
                den,
                sums,
                head,
                e_actor,
                e_val,
                e_next,
                ocache,
                ovalid,
            )
        n_real += 1
        n_touched = 0
        for sd in range(2):
            ks = act[best, sd] * n_issues + sup[best, sd]
            for t in range(start_s[ks], start_s[ks + 1]):
                k = list_s[t]
                if alive[k] and stamp[k] != best:
                    stamp[k] = best
                    touched[n_touched] = k
                    n_touched += 1
        for sd in range(2):
            kd = act[best, sd] * n_issues + dem[best, sd]
            for t in range(start_d[kd], start_d[kd + 1]):
                k = list_d[t]
                if alive[k] and stamp[k] != best:
                    stamp[k] = best
                    touched[n_touched] = k
                    n_touched += 1
        order = np.sort(touched[:n_touched])
        for k in order:
            before = gain[k]
            # --- recalculate(k, best) ---
            hit = False
            matched0 = False
            matched1 = False
            for sd in range(2):
                for td in range(2):
                    if act[k, sd] == act[best, td] and sup[k, sd] == sup[best, td]:
                        xcur[k, sd] = y[best, td]
                        if sd == 0:
                            matched0 = True
                        else:
                            matched1 = True
                        hit = True
                        break
            if hit:
                # decide appends the partner's move, then pops the last move of both
                # sides: a matched side keeps its current move as a committed one
                if matched0:
                    _commit(k, 0, move, csum, cmin, cmax, ccount)
                if matched1:
                    _commit(k, 1, move, csum, cmin, cmax, ccount)
            for md in range(2):
                dd = 1 - md  # the demander is the other side of the executed exchange
                relevant = False
                for sd in range(2):
                    if act[best, dd] == act[k, sd] and dem[best, dd] == dem[k, sd]:
                        relevant = True
                if not relevant:
                    continue
                d = dem[best, dd]
                slot = 0 if sup[k, 0] == d else 1
                mover = act[best, md]
                new_value = y[best, md]
                entry_key = (k * 2 + slot) * n_actors + mover
                found = -1
                if entry_key in entry_of:
                    found = entry_of[entry_key]
                if found < 0:
                    entry_of[entry_key] = n_entries
                    if n_entries == capacity:
                        capacity *= 2
                        grown_a = np.empty(capacity, dtype=np.int64)
                        grown_v = np.empty(capacity)
                        grown_n = np.empty(capacity, dtype=np.int64)
                        grown_a[:n_entries] = e_actor[:n_entries]
                        grown_v[:n_entries] = e_val[:n_entries]
                        grown_n[:n_entries] = e_next[:n_entries]
                        e_actor, e_val, e_next = grown_a, grown_v, grown_n
                    e_actor[n_entries] = mover
                    e_val[n_entries] = new_value
                    if ovalid[k, slot] and mover != act[k, slot]:
                        ocache[k, slot] += w[mover, d] * (new_value - x0[mover, d])
                    e_next[n_entries] = -1
                    if head[k, slot] < 0:
                        head[k, slot] = n_entries
                    else:
                        e_next[tail[k, slot]] = n_entries
                    tail[k, slot] = n_entries
                    n_entries += 1
                else:
                    previous = e_val[found]
                    start = x0[mover, sup[best, md]]
                    if start <= previous:  # keep the smaller move, as decide does
                        kept = min(previous, new_value)
                    else:
                        kept = max(previous, new_value)
                    if kept != previous:
                        e_val[found] = kept
                        ovalid[k, slot] = False
                hit = True
            if hit:
                _calculate(
                    k,
                    act,
                    sup,
                    dem,
                    xcur,
                    move,
                    y,
                    gain,
                    valid,
                    csum,
                    cmin,
                    cmax,
                    ccount,
                    x0,
                    s,
                    c,
                    w,
                    den,
                    sums,
                    head,
                    e_actor,
                    e_val,
                    e_next,
                    ocache,
                    ovalid,
                    cap_decide,
                )
            if not valid[k]:
                alive[k] = False
                size = _heap_remove(heap, where, kq, rank, k, size)
            elif gain[k] != before:
                old = kq[k]
                kq[k] = -quantise(gain[k])
                if kq[k] < old:
                    _sift_up(heap, where, kq, rank, where[k])
                elif kq[k] > old:
                    _sift_down(heap, where, kq, rank, where[k], size)
    return realized[:n_real], nbs[:n_real], y
