"""Compiled execution of one round of the exchange model (numba).

The same arithmetic as :class:`stratagem.models.exchange._Round` (``calculate``,
``check_nbs``, ``recalculate``) and :func:`stratagem.models.exchange._execute`. Exchange
``k`` has two sides, 0 (``i``: supplies issue ``q``, demands ``p``) and 1 (``j``: supplies
``p``, demands ``q``).

What the Python engine keeps per exchange is, for every exchange still alive, shared:

* a side's current position on its supply issue is the position its actor reached in
  the last executed exchange where it supplied that issue (every live exchange with that
  side is recalculated then and takes it), so it is one array ``cur[actor, issue]``;
* an exchange's partners' updates on side ``s``'s supply issue ``d`` are the positions of
  the actors that moved on ``d`` in executed exchanges where the other side's actor
  demanded ``d``: they depend on (that actor, ``d``) only, so they are kept once per
  (demander, issue) as lists in insertion order (the Python dictionaries' order, so sums
  are taken in the same order) in a pool of at most two entries per execution.

What stays per exchange fits one 64-byte record (``RECORD``, one cache line): the current
moves, the running sum and the sign of each side's committed moves (the moves of a live
exchange always share one sign, so the sign is all the validity test needs of their
minimum and maximum), the queue key, the actors, the supply issues and flags. Records
are numbered by the initial queue order, so that the queue's front is read in memory
order. ``tests/unit/test_exchange.py`` checks that both engines give identical runs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EPS = 1e-9

RECORD = np.dtype(
    {
        "names": ["move", "csum", "key", "act", "sup", "stamp", "csign", "alive", "valid"],
        "formats": [
            ("f8", (2,)),  # the sides' current moves
            ("f8", (2,)),  # running sums of their committed moves
            "f8",  # queue key: -quantise(gain)
            ("i4", (2,)),  # actors
            ("i4", (2,)),  # supply issues (side 0 supplies q, side 1 supplies p)
            "i4",  # the execution that last collected it (collected once per execution)
            ("i1", (2,)),  # sign of the committed moves (0: none yet)
            "i1",  # alive: not executed and not invalid
            "i1",  # valid after the last calculation
        ],
        "offsets": [0, 16, 32, 40, 48, 56, 60, 62, 63],
        "itemsize": 64,
    }
)
"""One exchange's mutable state: 64 bytes, one cache line when the array is aligned."""

# model: (4, actors, issues) = x0 (round-start positions), s, c, w (= c·s where present)
X0, SAL, CAP, W = 0, 1, 2, 3
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
    if gain == 0.0 or not math.isfinite(gain):
        return gain
    exponent = math.floor(math.log10(abs(gain)))
    scale = 10.0 ** (11 - exponent)
    return float(np.rint(gain * scale)) / scale


@njit(cache=True)
def _others(r, sd, n_issues, model, issue_data, head, ua, uv, un):
    """Sum of c·s·x on side sd's supply issue over the other actors, partners' updates applied.

    The updates are those of the list of (the other side's actor, that issue), in
    insertion order, skipping side sd's own actor.
    """
    a, d = r.act[sd], r.sup[sd]
    total = issue_data[SUMS, d] - model[W, a, d] * model[X0, a, d]
    e = head[r.act[1 - sd] * n_issues + d]
    while e >= 0:
        b = ua[e]
        if b != a:
            total += model[W, b, d] * (uv[e] - model[X0, b, d])
        e = un[e]
    return total


@njit(cache=True)
def _move_valid(r, sd, mv, cur):
    if abs(mv) > 100 or abs(mv) <= 1e-10:
        return False
    after = cur[r.act[sd], r.sup[sd]] + mv
    if not (0 <= after <= 100):
        return False
    if r.csum[sd] + mv > 100:
        return False
    sign = r.csign[sd]
    return sign == 0 or (sign < 0) == (mv < 0)


@njit(cache=True)
def _calculate(r, cur, n_issues, model, issue_data, head, ua, uv, un, cap_decide):
    """Equal-gain moves of exchange r from the current positions (``calculate``).

    Returns side 0's move, side 1's move, the gain and whether the exchange is valid.
    """
    ai, aj = r.act[0], r.act[1]
    q, p = r.sup[0], r.sup[1]
    x = (cur[ai, q], cur[aj, p])
    xi, xj = x
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
    gain = abs(dq * model[SAL, ai, q] - dp * model[SAL, ai, p])
    if not (_move_valid(r, 0, mi, cur) and _move_valid(r, 1, mj, cur) and gain >= 1e-10):
        return mi, mj, gain, False
    # check_nbs for side 0 (its supply issue, the partner's demand), then for side 1
    for sd in range(2):
        od = 1 - sd
        a_s, d_s = r.act[sd], r.sup[sd]
        a_o, d_o = r.act[od], r.sup[od]
        side_x, other_x = x[sd], x[od]
        side_y = side_x + (mi if sd == 0 else mj)
        others = _others(r, sd, n_issues, model, issue_data, head, ua, uv, un)
        if issue_data[DEN, d_s] <= 0:
            nbs_0, nbs_1 = 0.0, 0.0
        else:
            nbs_0 = (others + model[W, a_s, d_s] * side_x) / issue_data[DEN, d_s]
            nbs_1 = (others + model[W, a_s, d_s] * side_y) / issue_data[DEN, d_s]
        target = model[X0, a_o, d_s]
        if (target - nbs_0 >= -EPS and target - nbs_1 >= -EPS) or (
            target - nbs_0 <= EPS and target - nbs_1 <= EPS
        ):
            continue
        position = (target * issue_data[DEN, d_s] - others) / model[W, a_s, d_s]
        delta = abs(position) if cap_decide else abs(position - side_x)
        ratio_side = delta * model[SAL, a_s, d_s] * model[CAP, a_s, d_s] / issue_data[DEN, d_s]
        ratio_other = (
            (model[SAL, a_s, d_s] + model[SAL, a_o, d_s])
            / (model[SAL, a_s, d_o] + model[SAL, a_o, d_o])
        ) * (ratio_side)
        other_move = abs(
            ratio_other * issue_data[DEN, d_o] / (model[CAP, a_o, d_o] * model[SAL, a_o, d_o])
        )
        side_move = delta
        if other_x > model[X0, a_s, d_o]:
            other_move = -other_move
        if side_x > target:
            side_move = -side_move
        if sd == 0:
            mi, mj = side_move, other_move
        else:
            mj, mi = side_move, other_move
        gain = abs(ratio_other * model[SAL, a_o, d_o] - ratio_side * model[SAL, a_o, d_s])
    ok = _move_valid(r, 0, mi, cur) and _move_valid(r, 1, mj, cur)
    return mi, mj, gain, ok


@njit(cache=True)
def _recalculate(
    rec, k, best_key_0, best_key_1, cur, n_issues, model, issue_data, head, ua, uv, un, cap_decide
):
    """Bring exchange k up to date after an execution (decide's ``recalculate``).

    ``best_key_0`` and ``best_key_1`` are the executed exchange's (actor, supply issue)
    pairs as ``actor * n_issues + issue``.

    A side that supplies what one of best's sides supplied keeps its current move as a
    committed one (decide appends the partner's move, then pops the last move of both
    sides); the new position and the partners' updates are already in ``cur`` and the
    update lists.
    """
    r = rec[k]
    for sd in range(2):
        side_key = r.act[sd] * n_issues + r.sup[sd]
        if side_key in (best_key_0, best_key_1):
            mv = r.move[sd]
            r.csum[sd] = r.csum[sd] + mv
            r.csign[sd] = 1 if mv > 0 else -1
    mi, mj, gain, ok = _calculate(r, cur, n_issues, model, issue_data, head, ua, uv, un, cap_decide)
    r.move[0], r.move[1] = mi, mj
    r.valid = ok
    if ok:
        r.key = -quantise(gain)


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
def _collect(items, start, live, key, rec, best, touched, n_touched):
    """Add the live exchanges of one list to ``touched`` (once each), dropping dead ones.

    A dead exchange is swapped out of the list's live front, so that later executions do
    not read it again (the order within a list does not matter).
    """
    t = start
    while t < start + live[key]:
        k = items[t]
        r = rec[k]
        if not r.alive:
            live[key] -= 1
            items[t] = items[start + live[key]]
            items[start + live[key]] = k
            continue
        if r.stamp != best:
            r.stamp = best
            touched[n_touched] = k
            n_touched += 1
        t += 1
    return n_touched


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
    rank_in,
    model,
    issue_data,
    n_actors,
    n_issues,
    cap_decide,
):
    """Execute valid exchanges highest (quantised) gain first, recalculating those touched.

    ``rec`` is an empty array of ``n_ex`` records (see :func:`aligned_records`), filled
    here. Returns, for the executed exchanges in order: their input indices, the NBS of
    both supply issues before and after, their positions on their supply issues when
    executed, their positions after and their gains.
    """
    n_ex = act_in.shape[0]
    initial_key = np.empty(n_ex)
    for src in range(n_ex):
        initial_key[src] = -quantise(gain_in[src])
    by_rank = np.argsort(rank_in)
    layout = by_rank[np.argsort(initial_key[by_rank], kind="mergesort")]
    key0 = initial_key[layout]  # the records' initial keys, in queue order
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
        r.stamp = -1
        r.alive = 1
        r.valid = 1
    cur = model[X0].copy()
    n_keys = n_actors * n_issues
    list_s, start_s, live_s = _index(rec, n_keys, n_issues, False)
    list_d, start_d, live_d = _index(rec, n_keys, n_issues, True)
    # the partners' updates per (demander, issue): linked lists in a pool of at most two
    # entries per execution (pages never used are never touched)
    head = np.full(n_keys, -1, dtype=np.int64)
    tail = np.full(n_keys, -1, dtype=np.int64)
    ua = np.empty(2 * n_ex, dtype=np.int64)
    uv = np.empty(2 * n_ex)
    un = np.empty(2 * n_ex, dtype=np.int64)
    n_entries = 0

    queued_key = key0.copy()  # the key of the exchange's best entry in the queue
    in_heap = np.zeros(n_ex, dtype=np.bool_)
    front = 0
    hk = np.empty(1024)
    hr = np.empty(1024, dtype=np.int64)
    he = np.empty(1024, dtype=np.int64)
    size = 0

    realized = np.empty(n_ex, dtype=np.int64)
    nbs = np.empty((n_ex, 4))  # before/after on side 0's supply issue, then side 1's
    x_out = np.empty((n_ex, 2))
    y_out = np.empty((n_ex, 2))
    gain_out = np.empty(n_ex)
    n_real = 0
    touched = np.empty(n_ex, dtype=np.int32)
    while True:
        # the front: skip the dead and those the heap holds; move one whose gain fell to
        # the heap
        while front < n_ex:
            r = rec[front]
            if r.alive == 0 or in_heap[front]:
                front += 1
            elif r.key != key0[front]:
                if size == hk.shape[0]:
                    hk, hr, he = _grow(hk, hr, he)
                size = _push(hk, hr, he, size, r.key, rank[front], front)
                queued_key[front] = r.key
                in_heap[front] = True
                front += 1
            else:
                break
        # the top of the heap: drop the dead and stale entries (requeue a fallen one)
        while size > 0:
            k = he[0]
            if rec[k].alive == 0:
                size = _pop(hk, hr, he, size)
            elif hk[0] != rec[k].key:
                stale_key = hk[0]
                size = _pop(hk, hr, he, size)
                if rec[k].key > stale_key and queued_key[k] == stale_key:
                    if size == hk.shape[0]:
                        hk, hr, he = _grow(hk, hr, he)
                    size = _push(hk, hr, he, size, rec[k].key, rank[k], k)
                    queued_key[k] = rec[k].key
            else:
                break
        if front >= n_ex and size == 0:
            break
        if size == 0 or (front < n_ex and _less(key0[front], rank[front], hk[0], hr[0])):
            best = front
            front += 1
        else:
            best = he[0]
            size = _pop(hk, hr, he, size)
        b = rec[best]
        b.alive = 0
        realized[n_real] = layout[best]
        # its gain, as last calculated (nothing it reads changed since, or it was touched)
        gain_out[n_real] = _calculate(
            b, cur, n_issues, model, issue_data, head, ua, uv, un, cap_decide
        )[2]
        for sd in range(2):
            a, d = b.act[sd], b.sup[sd]
            x_out[n_real, sd] = cur[a, d]
            y_out[n_real, sd] = cur[a, d] + b.move[sd]
            if issue_data[DEN, d] <= 0:
                nbs[n_real, 2 * sd] = 0.0
                nbs[n_real, 2 * sd + 1] = 0.0
            else:
                others = _others(b, sd, n_issues, model, issue_data, head, ua, uv, un)
                nbs[n_real, 2 * sd] = (others + model[W, a, d] * x_out[n_real, sd]) / issue_data[
                    DEN, d
                ]
                nbs[n_real, 2 * sd + 1] = (
                    others + model[W, a, d] * y_out[n_real, sd]
                ) / issue_data[DEN, d]
        # the shared state: the movers' positions, then each mover's position in the
        # update list of (its partner, the issue the partner demands)
        for md in range(2):
            cur[b.act[md], b.sup[md]] = y_out[n_real, md]
        for md in range(2):
            mover, d = b.act[md], b.sup[md]
            key = b.act[1 - md] * n_issues + d
            new_value = y_out[n_real, md]
            found = -1
            e = head[key]
            while e >= 0:
                if ua[e] == mover:
                    found = e
                    break
                e = un[e]
            if found < 0:
                ua[n_entries], uv[n_entries], un[n_entries] = mover, new_value, -1
                if head[key] < 0:
                    head[key] = n_entries
                else:
                    un[tail[key]] = n_entries
                tail[key] = n_entries
                n_entries += 1
            else:
                previous = uv[found]
                # keep the smaller move, as decide does
                if model[X0, mover, d] <= previous:
                    uv[found] = min(previous, new_value)
                else:
                    uv[found] = max(previous, new_value)
        n_real += 1
        n_touched = 0
        for sd in range(2):
            ks = b.act[sd] * n_issues + b.sup[sd]
            n_touched = _collect(list_s, start_s[ks], live_s, ks, rec, best, touched, n_touched)
            kd = b.act[sd] * n_issues + b.sup[1 - sd]
            n_touched = _collect(list_d, start_d[kd], live_d, kd, rec, best, touched, n_touched)
        # Each recalculation changes only its own record and reads the shared state, which
        # is complete for this execution; the queue's order is the keys' order. So the
        # order of the touched exchanges does not matter, and they run in parallel.
        order = np.sort(touched[:n_touched])  # ascending: memory order
        best_key_0 = b.act[0] * n_issues + b.sup[0]
        best_key_1 = b.act[1] * n_issues + b.sup[1]
        for t in prange(n_touched):
            _recalculate(
                rec,
                order[t],
                best_key_0,
                best_key_1,
                cur,
                n_issues,
                model,
                issue_data,
                head,
                ua,
                uv,
                un,
                cap_decide,
            )
        for t in range(n_touched):
            k = order[t]
            r = rec[k]
            if not r.valid:
                r.alive = 0
            elif r.key < queued_key[k]:
                # a better key is queued at once; a worse one waits for its turn
                if size == hk.shape[0]:
                    hk, hr, he = _grow(hk, hr, he)
                size = _push(hk, hr, he, size, r.key, rank[k], k)
                queued_key[k] = r.key
                in_heap[k] = True
    return (
        realized[:n_real],
        nbs[:n_real],
        x_out[:n_real],
        y_out[:n_real],
        gain_out[:n_real],
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
