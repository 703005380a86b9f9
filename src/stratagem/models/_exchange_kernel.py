"""Compiled execution of one round of the exchange model (numba).

The same arithmetic as :class:`stratagem.models.exchange._Round` (``calculate``,
``check_nbs``, ``recalculate``) and :func:`stratagem.models.exchange._execute`, on packed
records: exchange ``k`` has two sides, 0 (``i``: supplies issue ``q``, demands ``p``) and
1 (``j``: supplies ``p``, demands ``q``). Its floating-point fields are one row of ``rec_f``,
its integers and flags one row of ``rec_i`` (column offsets below), so
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
# rec_f (float64) columns; a side's field is at column + side
XCUR, MOVE, Y, GAIN, KEY, CSUM, CMIN, CMAX, OTHERS = 0, 2, 4, 6, 7, 8, 10, 12, 14
N_FLOAT = 16
# rec_i (int32, 64 bytes: one cache line) columns, flags included
ACT, SUP, DEM, CCOUNT, HEAD, TAIL, VALID, ALIVE, OTHERS_OK = 0, 2, 4, 6, 8, 10, 12, 13, 14
N_INT = 16
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
def _others(k, sd, rec_f, rec_i, model, issue_data, ea, ev, en):
    """Sum of c·s·x on side sd's supply issue over the other actors, updates applied."""
    if rec_i[k, OTHERS_OK + sd]:
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
    rec_i[k, OTHERS_OK + sd] = 1
    return total


@njit(cache=True)
def _adjusted_nbs(k, sd, position, rec_f, rec_i, model, issue_data, ea, ev, en):
    d = rec_i[k, SUP + sd]
    if issue_data[DEN, d] <= 0:
        return 0.0
    others = _others(k, sd, rec_f, rec_i, model, issue_data, ea, ev, en)
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
def _check_nbs(k, sd, od, rec_f, rec_i, model, issue_data, ea, ev, en, cap_decide):
    """Cap the exchange when the NBS of side sd's supply issue would cross od's demand."""
    a_s, d_s = rec_i[k, ACT + sd], rec_i[k, SUP + sd]
    a_o, d_o = rec_i[k, ACT + od], rec_i[k, SUP + od]
    nbs_0 = _adjusted_nbs(k, sd, rec_f[k, XCUR + sd], rec_f, rec_i, model, issue_data, ea, ev, en)
    nbs_1 = _adjusted_nbs(k, sd, rec_f[k, Y + sd], rec_f, rec_i, model, issue_data, ea, ev, en)
    target = model[X0, a_o, d_s]
    if (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS) or (
        target - nbs_0 <= EPS and target - nbs_1 <= EPS
    ):
        return
    others = _others(k, sd, rec_f, rec_i, model, issue_data, ea, ev, en)
    position = (target * issue_data[DEN, d_s] - others) / model[W, a_s, d_s]
    delta = abs(position) if cap_decide else abs(position - rec_f[k, XCUR + sd])
    ratio_side = delta * model[SAL, a_s, d_s] * model[CAP, a_s, d_s] / issue_data[DEN, d_s]
    ratio_other = (
        (model[SAL, a_s, d_s] + model[SAL, a_o, d_s])
        / (model[SAL, a_s, rec_i[k, DEM + sd]] + model[SAL, a_o, d_o])
    ) * (ratio_side)
    other_move = abs(
        ratio_other * issue_data[DEN, d_o] / (model[CAP, a_o, d_o] * model[SAL, a_o, d_o])
    )
    side_move = delta
    if rec_f[k, XCUR + od] > model[X0, a_s, d_o]:
        other_move = -other_move
    if rec_f[k, XCUR + sd] > target:
        side_move = -side_move
    rec_f[k, MOVE + od] = other_move
    rec_f[k, MOVE + sd] = side_move
    rec_f[k, Y + od] = rec_f[k, XCUR + od] + other_move
    rec_f[k, Y + sd] = rec_f[k, XCUR + sd] + side_move
    rec_f[k, GAIN] = abs(
        ratio_other * model[SAL, a_o, d_o] - ratio_side * model[SAL, a_o, rec_i[k, DEM + od]]
    )


@njit(cache=True)
def _calculate(k, rec_f, rec_i, model, issue_data, ea, ev, en, cap_decide):
    """Equal-gain moves of exchange k from its sides' current positions (``calculate``)."""
    ai, aj = rec_i[k, ACT], rec_i[k, ACT + 1]
    q, p = rec_i[k, SUP], rec_i[k, SUP + 1]
    xi, xj = rec_f[k, XCUR], rec_f[k, XCUR + 1]
    dp = abs(model[X0, ai, p] - xj) * model[SAL, aj, p] * model[CAP, aj, p] / issue_data[DEN, p]
    dq = ((model[SAL, aj, p] + model[SAL, ai, p]) / (model[SAL, aj, q] + model[SAL, ai, q])) * dp
    mi = dq * issue_data[DEN, q] / (model[CAP, ai, q] * model[SAL, ai, q])
    mj = abs(model[X0, ai, p] - xj)
    if abs(mi) > abs(model[X0, aj, q] - xi):  # i would overshoot: swap
        dq = abs(model[X0, aj, q] - xi) * model[SAL, ai, q] * model[CAP, ai, q] / issue_data[DEN, q]
        dp = (
            (model[SAL, ai, q] + model[SAL, aj, q]) / (model[SAL, ai, p] + model[SAL, aj, p])
        ) * dq
        mi = abs(model[X0, aj, q] - xi)
        mj = dp * issue_data[DEN, p] / (model[CAP, aj, p] * model[SAL, aj, p])
    if xi > model[X0, aj, q]:
        mi = -mi
    if xj > model[X0, ai, p]:
        mj = -mj
    rec_f[k, MOVE], rec_f[k, MOVE + 1] = mi, mj
    rec_f[k, Y], rec_f[k, Y + 1] = xi + mi, xj + mj
    rec_f[k, GAIN] = abs(dq * model[SAL, ai, q] - dp * model[SAL, ai, p])
    ok = (
        _move_valid(k, 0, mi, rec_f, rec_i)
        and _move_valid(k, 1, mj, rec_f, rec_i)
        and rec_f[k, GAIN] >= 1e-10
    )
    rec_i[k, VALID] = ok
    if not ok:
        return
    _check_nbs(k, 0, 1, rec_f, rec_i, model, issue_data, ea, ev, en, cap_decide)
    _check_nbs(k, 1, 0, rec_f, rec_i, model, issue_data, ea, ev, en, cap_decide)
    rec_i[k, VALID] = _move_valid(k, 0, rec_f[k, MOVE], rec_f, rec_i) and _move_valid(
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


# -------------------------------------------------------------- the queue
#
# Exchanges are taken best first by (-quantised gain, rank); ranks are unique, so the order
# is total. Nearly every queued exchange dies before its turn (about 540,000 of 544,000 in a
# round of 100 actors × 30 issues) and gains almost only fall, so the queue is a list
# sorted once by the initial keys, read from the front, plus a small heap for exchanges
# whose key changed: one whose gain fell is moved to the heap with its new key when the
# front reaches it, one whose gain rose is pushed at once. A death is a flag. The front of
# the list is then the best of the exchanges still at their initial key, and the fresh top
# of the heap the best of the rest: the better of the two is the best of all, the one the
# Python engine's heap pops.


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
def _grow(hk, hr, he):
    n = hk.shape[0]
    bigger_k = np.empty(2 * n)
    bigger_r = np.empty(2 * n, dtype=np.int64)
    bigger_e = np.empty(2 * n, dtype=np.int64)
    bigger_k[:n], bigger_r[:n], bigger_e[:n] = hk, hr, he
    return bigger_k, bigger_r, bigger_e


# -------------------------------------------------------------- the round


@njit(cache=True)
def _recalculate(
    k,
    best,
    free,
    befores,
    t,
    true_key,
    rec_f,
    rec_i,
    model,
    issue_data,
    ea,
    ev,
    en,
    cap_decide,
):
    """Bring exchange k up to date after ``best`` was executed (decide's ``recalculate``).

    A new update goes to entry ``free`` or ``free + 1`` of the update lists (reserved for
    this exchange, so that recalculations can run in parallel).
    """
    befores[t] = rec_f[k, GAIN]
    for sd in range(2):
        for td in range(2):
            if (
                rec_i[k, ACT + sd] == rec_i[best, ACT + td]
                and rec_i[k, SUP + sd] == rec_i[best, SUP + td]
            ):
                rec_f[k, XCUR + sd] = rec_f[best, Y + td]
                # decide appends the partner's move, then pops the last move of both
                # sides: a matched side keeps its current move as a committed one
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
            entry = free + md
            ea[entry] = mover
            ev[entry] = new_value
            en[entry] = -1
            if rec_i[k, OTHERS_OK + slot] and mover != rec_i[k, ACT + slot]:
                rec_f[k, OTHERS + slot] += model[W, mover, d] * (new_value - model[X0, mover, d])
            if rec_i[k, HEAD + slot] < 0:
                rec_i[k, HEAD + slot] = entry
            else:
                en[rec_i[k, TAIL + slot]] = entry
            rec_i[k, TAIL + slot] = entry
        else:
            previous = ev[found]
            start = model[X0, mover, rec_i[best, SUP + md]]
            # keep the smaller move, as decide does
            kept = min(previous, new_value) if start <= previous else max(previous, new_value)
            if kept != previous:
                ev[found] = kept
                rec_i[k, OTHERS_OK + slot] = 0
    _calculate(k, rec_f, rec_i, model, issue_data, ea, ev, en, cap_decide)
    if rec_i[k, VALID] and rec_f[k, GAIN] != befores[t]:
        true_key[k] = -quantise(rec_f[k, GAIN])


@njit(cache=True)
def _collect(items, start, live, key, rec_i, stamp, best, touched, n_touched):
    """Add the live exchanges of one list to ``touched`` (once each), dropping dead ones.

    A dead exchange is swapped out of the list's live front, so that later executions do
    not read it again (the order within a list does not matter).
    """
    t = start
    while t < start + live[key]:
        k = items[t]
        if not rec_i[k, ALIVE]:
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
    layout,
    model,
    issue_data,
    n_actors,
    n_issues,
    cap_decide,
):
    """Execute valid exchanges highest (quantised) gain first, recalculating those touched.

    Exchange ``layout[r]`` of the inputs is record ``r`` here. Returns, for the executed
    exchanges in order: their input indices, the NBS of both supply issues before and
    after, their positions on their supply issues when executed, their target positions
    and their gains.
    """
    n_ex = act_in.shape[0]
    rec_f = np.zeros((n_ex, N_FLOAT))
    rec_i = np.zeros((n_ex, N_INT), dtype=np.int32)
    rank = np.empty(n_ex, dtype=np.int64)
    for k in range(n_ex):
        src = layout[k]
        for sd in range(2):
            rec_i[k, ACT + sd] = act_in[src, sd]
            rec_i[k, SUP + sd] = sup_in[src, sd]
            rec_i[k, DEM + sd] = dem_in[src, sd]
            rec_i[k, HEAD + sd] = -1
            rec_i[k, TAIL + sd] = -1
            rec_f[k, XCUR + sd] = xcur_in[src, sd]
            rec_f[k, MOVE + sd] = move_in[src, sd]
            rec_f[k, Y + sd] = xcur_in[src, sd] + move_in[src, sd]
        rec_f[k, GAIN] = gain_in[src]
        rec_f[k, KEY] = -quantise(gain_in[src])
        rank[k] = rank_in[src]
        rec_i[k, VALID] = 1
        rec_i[k, ALIVE] = 1
    capacity = max(16, 4 * n_ex)
    # update lists: an entry's actor and next entry side by side (one cache line), its value
    links = np.empty((capacity, 2), dtype=np.int64)
    ea, en = links[:, 0], links[:, 1]
    ev = np.empty(capacity)
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

    # the queue: the exchanges sorted by (initial key, rank), and the heap of changed ones
    by_rank = np.argsort(rank)
    front_order = by_rank[np.argsort(rec_f[by_rank, KEY], kind="mergesort")]
    front = 0
    true_key = rec_f[:, KEY].copy()  # KEY keeps the initial key
    queued_key = rec_f[:, KEY].copy()  # the key of the exchange's best entry in the queue
    in_heap = np.zeros(n_ex, dtype=np.bool_)
    hk = np.empty(1024)
    hr = np.empty(1024, dtype=np.int64)
    he = np.empty(1024, dtype=np.int64)
    size = 0

    realized = np.empty(n_ex, dtype=np.int64)
    nbs = np.empty((n_ex, 4))  # before/after on side 0's supply issue, then side 1's
    n_real = 0
    stamp = np.full(n_ex, -1, dtype=np.int64)
    touched = np.empty(n_ex, dtype=np.int64)
    befores = np.empty(n_ex)
    while True:
        # the front of the sorted list: skip the dead and those the heap holds; move one
        # whose gain fell to the heap
        while front < n_ex:
            k = front_order[front]
            if rec_i[k, ALIVE] == 0 or in_heap[k]:
                front += 1
            elif true_key[k] != rec_f[k, KEY]:
                if size == hk.shape[0]:
                    hk, hr, he = _grow(hk, hr, he)
                size = _push(hk, hr, he, size, true_key[k], rank[k], k)
                queued_key[k] = true_key[k]
                in_heap[k] = True
                front += 1
            else:
                break
        # the top of the heap: drop the dead and stale entries (requeue a fallen one)
        while size > 0:
            k = he[0]
            if rec_i[k, ALIVE] == 0:
                size = _pop(hk, hr, he, size)
            elif hk[0] != true_key[k]:
                stale_key = hk[0]
                size = _pop(hk, hr, he, size)
                if true_key[k] > stale_key and queued_key[k] == stale_key:
                    if size == hk.shape[0]:
                        hk, hr, he = _grow(hk, hr, he)
                    size = _push(hk, hr, he, size, true_key[k], rank[k], k)
                    queued_key[k] = true_key[k]
            else:
                break
        if front >= n_ex and size == 0:
            break
        if size == 0 or (
            front < n_ex
            and _less(rec_f[front_order[front], KEY], rank[front_order[front]], hk[0], hr[0])
        ):
            best = front_order[front]
            front += 1
        else:
            best = he[0]
            size = _pop(hk, hr, he, size)
        rec_i[best, ALIVE] = 0
        realized[n_real] = best
        for sd in range(2):
            nbs[n_real, 2 * sd] = _adjusted_nbs(
                best, sd, rec_f[best, XCUR + sd], rec_f, rec_i, model, issue_data, ea, ev, en
            )
            nbs[n_real, 2 * sd + 1] = _adjusted_nbs(
                best, sd, rec_f[best, Y + sd], rec_f, rec_i, model, issue_data, ea, ev, en
            )
        n_real += 1
        n_touched = 0
        for sd in range(2):
            ks = rec_i[best, ACT + sd] * n_issues + rec_i[best, SUP + sd]
            n_touched = _collect(
                list_s, start_s[ks], live_s, ks, rec_i, stamp, best, touched, n_touched
            )
            kd = rec_i[best, ACT + sd] * n_issues + rec_i[best, DEM + sd]
            n_touched = _collect(
                list_d, start_d[kd], live_d, kd, rec_i, stamp, best, touched, n_touched
            )
        # The order of the touched exchanges does not matter: each one's recalculation
        # changes only that exchange (an update it appends goes to a slot reserved for it),
        # and the queue's order is the keys' order. So they run in parallel.
        order = np.sort(touched[:n_touched])  # ascending: memory order
        if n_entries + 2 * n_touched > capacity:
            capacity = 2 * (n_entries + 2 * n_touched)
            grown = np.empty((capacity, 2), dtype=np.int64)
            grown[:n_entries] = links[:n_entries]
            grown_v = np.empty(capacity)
            grown_v[:n_entries] = ev[:n_entries]
            links, ev = grown, grown_v
            ea, en = links[:, 0], links[:, 1]
        for t in prange(n_touched):
            _recalculate(
                order[t],
                best,
                n_entries + 2 * t,
                befores,
                t,
                true_key,
                rec_f,
                rec_i,
                model,
                issue_data,
                ea,
                ev,
                en,
                cap_decide,
            )
        n_entries += 2 * n_touched
        for t in range(n_touched):
            k = order[t]
            if not rec_i[k, VALID]:
                rec_i[k, ALIVE] = 0
            elif rec_f[k, GAIN] != befores[t] and true_key[k] < queued_key[k]:
                # a better key is queued at once; a worse one waits for its turn
                if size == hk.shape[0]:
                    hk, hr, he = _grow(hk, hr, he)
                size = _push(hk, hr, he, size, true_key[k], rank[k], k)
                queued_key[k] = true_key[k]
                in_heap[k] = True
    done = realized[:n_real]
    return (
        layout[done],
        nbs[:n_real],
        rec_f[done, XCUR : XCUR + 2].copy(),
        rec_f[done, Y : Y + 2].copy(),
        rec_f[done, GAIN].copy(),
    )


@njit(cache=True, error_model="numpy")
def candidates(x, present, nbs, s, c, w, den, sums, pp, qq, cap_decide):
    """The valid exchanges on the issue pairs ``(pp[t], qq[t])`` before any execution.

    The same arithmetic and order as ``exchange._candidate_arrays`` (numpy's rules for
    division by zero): per issue pair, actors left of the NBS on both issues with those
    right on both, then left on p and right on q with the reverse, each by actor. Returns
    i, j, p, q, i's and j's positions, moves and the gain, and the kind (0 "ad", 1 "bc").
    """
    n = x.shape[0]
    total = 0
    for t in range(len(pp)):
        p, q = pp[t], qq[t]
        sizes = np.zeros(4, dtype=np.int64)
        for a in range(n):
            if present[a, p] and present[a, q]:
                g = (1 if x[a, p] < nbs[p] - EPS else 0) | (
                    (1 if x[a, q] < nbs[q] - EPS else 0) << 1
                )
                sizes[g] += 1
        total += sizes[0] * sizes[3] + sizes[1] * sizes[2]
    out_i = np.empty((total, 5), dtype=np.int64)  # ia, ja, p, q, kind
    out_f = np.empty((total, 5))  # xi, xj, mi, mj, gain
    found = 0
    group = np.empty(n, dtype=np.int64)
    for t in range(len(pp)):
        p, q = pp[t], qq[t]
        for a in range(n):
            group[a] = -1
            if present[a, p] and present[a, q]:
                group[a] = (1 if x[a, p] < nbs[p] - EPS else 0) | (
                    (1 if x[a, q] < nbs[q] - EPS else 0) << 1
                )
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
                    gain = abs(dq * s[ia, q] - dp * s[ia, p])
                    valid = _fresh_ok(xi_q, mi) and _fresh_ok(xj_p, mj) and gain >= 1e-10
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
                        delta = abs(position) if cap_decide else abs(position - side_x)
                        ratio_side = delta * s[sa, si] * c[sa, si] / den[si]
                        ratio_other = (s[sa, si] + s[oa, si]) / (s[sa, oi] + s[oa, oi]) * ratio_side
                        new_other = abs(ratio_other * den[oi] / (c[oa, oi] * s[oa, oi]))
                        if other_x > x[sa, oi]:
                            new_other = -new_other
                        new_side = -delta if side_x > target else delta
                        gain = abs(ratio_other * s[oa, oi] - ratio_side * s[oa, si])
                        if side == 0:
                            mi, mj = new_side, new_other
                        else:
                            mj, mi = new_side, new_other
                    if valid and _fresh_ok(xi_q, mi) and _fresh_ok(xj_p, mj):
                        out_i[found, 0], out_i[found, 1] = ia, ja
                        out_i[found, 2], out_i[found, 3], out_i[found, 4] = p, q, kind
                        out_f[found, 0], out_f[found, 1] = xi_q, xj_p
                        out_f[found, 2], out_f[found, 3], out_f[found, 4] = mi, mj, gain
                        found += 1
    return out_i[:found], out_f[:found]


@njit(cache=True)
def _fresh_ok(x0, move):
    return abs(move) <= 100 and abs(move) > 1e-10 and x0 + move >= 0 and x0 + move <= 100
