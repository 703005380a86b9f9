"""A straightforward loop implementation of the expected utility model's equations.

This is the in-process baseline of the benchmarks (the way the public replications are
written: Python loops over dyads and third parties) and an independent check of the
vectorised model in the tests. It covers the options of the ``bdm`` and ``scholz-table``
presets: probability ``eq30`` or ``scholz-code``, any Q with T by Scholz's rule,
``challenger`` or ``receiver`` perspective, ``least-move`` or ``scholz-code`` selection.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LoopOptions:
    probability: str = "eq30"
    q: float = 1.0
    perspective: str = "challenger"
    selection: str = "least-move"
    capitulation: bool = True
    rounds: int = 10


def _median(x: list[float], w: list[float]) -> float:
    best_cost, tied = None, []
    for xj in x:
        cost = sum(wi * abs(xi - xj) for xi, wi in zip(x, w, strict=True))
        if best_cost is None or cost < best_cost - 1e-12 * max(1.0, abs(best_cost)):
            best_cost, tied = cost, [xj]
        elif abs(cost - best_cost) <= 1e-12 * max(1.0, abs(best_cost)):
            tied.append(xj)
    return (min(tied) + max(tied)) / 2.0


def _probability(
    i: int, j: int, x: list[float], w: list[float], r: list[float], delta: float, rule: str
) -> float:
    n = len(x)
    if rule == "scholz-code":
        if x[i] == x[j]:
            return 0.0

        def vote(k: int, a: int, b: int) -> float:
            # k's vote for position a against position b, with k's own exponent
            return w[k] * ((abs(x[k] - x[b]) / delta) ** r[k] - (abs(x[k] - x[a]) / delta) ** r[k])

        support = sum(max(0.0, vote(k, i, j)) for k in range(n))
        everything = sum(abs(vote(k, a, b)) for k in range(n) for a in range(n) for b in range(n))
        return support / everything if everything > 0 else 0.0
    votes = [w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i])) for k in range(n)]
    total = sum(abs(v) for v in votes)
    return sum(v for v in votes if v > 0) / total if total > 0 else 0.5


def _eu(
    ch: int,
    tg: int,
    x: list[float],
    s: list[float],
    p: float,
    r: float,
    mu: float,
    delta: float,
    q: float,
) -> float:
    d = abs(x[ch] - x[tg]) / delta
    u_s = 2 - 4 * (0.5 - 0.5 * d) ** r
    u_f = 2 - 4 * (0.5 + 0.5 * d) ** r
    u_sq = 2 - 4 * 0.5**r
    eu = s[tg] * (p * u_s + (1 - p) * u_f) + (1 - s[tg]) * u_s - q * u_sq
    if q < 1.0:
        spread = 0.25 * (abs(x[ch] - mu) + abs(x[ch] - x[tg])) / delta
        u_b = 2 - 4 * max(0.0, 0.5 - spread) ** r
        u_w = 2 - 4 * (0.5 + spread) ** r
        t = 1.0 if abs(x[ch] - mu) < abs(x[ch] - x[tg]) else 0.0
        eu -= (1 - q) * (t * u_b + (1 - t) * u_w)
    return eu


def run_loops(
    x0: list[float], c: list[float], s: list[float], opts: LoopOptions
) -> tuple[list[float], list[list[float]]]:
    """Medians per round (round 0 first) and positions per round, running exactly ``rounds``."""
    x = list(x0)
    n = len(x)
    w = [ci * si for ci, si in zip(c, s, strict=True)]
    delta = max(x) - min(x)
    medians, paths = [_median(x, w)], [list(x)]
    eps = 1e-12
    for _ in range(opts.rounds):
        mu = _median(x, w)
        ones = [1.0] * n
        p1 = [
            [_probability(i, j, x, w, ones, delta, opts.probability) for j in range(n)]
            for i in range(n)
        ]
        a1 = [
            [_eu(i, j, x, s, p1[i][j], 1.0, mu, delta, opts.q) for j in range(n)] for i in range(n)
        ]
        sec = [sum(a1[j][i] for j in range(n) if j != i) for i in range(n)]
        hi, lo = max(sec), min(sec)
        big_r = [(2 * v - hi - lo) / (hi - lo) if hi > lo else 0.0 for v in sec]
        r = [(1 - b / 3) / (1 + b / 3) for b in big_r]
        p2 = (
            p1
            if opts.probability != "scholz-code"
            else [
                [_probability(i, j, x, w, r, delta, opts.probability) for j in range(n)]
                for i in range(n)
            ]
        )
        new_x = list(x)
        for i in range(n):
            offers: dict[str, list[tuple[float, float, float]]] = {
                "conf": [],
                "comp": [],
                "cap": [],
            }
            for j in range(n):
                if j == i or x[i] == x[j]:
                    continue
                a = _eu(i, j, x, s, p2[i][j], r[i], mu, delta, opts.q)
                r_j = r[j] if opts.perspective == "challenger" else r[i]
                b = _eu(j, i, x, s, p2[j][i], r_j, mu, delta, opts.q)
                if a > eps and b > a + eps:
                    offers["conf"].append((abs(x[j] - x[i]), x[j], 0.0))
                elif b > eps and a < -eps and b > -a + eps:
                    to = x[i] + (x[j] - x[i]) * abs(a / b)
                    point = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    offers["comp"].append((abs(to - x[i]), to, point))
                elif opts.capitulation and b > eps and a < -eps and b < -a - eps:
                    offers["cap"].append((abs(x[j] - x[i]), x[j], 0.0))
            for kind in ("conf", "comp", "cap"):
                if offers[kind]:
                    if kind == "comp" and opts.selection == "scholz-code":
                        best = min(offers[kind], key=lambda o: (o[2], o[0]))
                    else:
                        best = min(offers[kind], key=lambda o: (o[0], o[1]))
                    new_x[i] = best[1]
                    break
        x = new_x
        medians.append(_median(x, w))
        paths.append(list(x))
    return medians, paths
