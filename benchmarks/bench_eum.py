"""Expected utility model benchmarks: speed against a plain-loop implementation, scaling, batches.

Run with ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_eum.py``;
``--smoke`` runs each case once at small sizes (CI uses it so the suite cannot rot).
Times are medians of several runs; ratios are measured in this one process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Row, markdown
from eum_loops import LoopOptions, run_loops

import stratagem
from stratagem.models import eum


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def options(**overrides: object) -> eum.EUMOptions:
    params = stratagem.models.get("eum").resolve({"stop": "rounds", **overrides})
    return eum.EUMOptions.from_params(params)


def random_issue(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, n), rng.uniform(0.01, 1, n), rng.uniform(0.01, 1, n)


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    repeat = 1 if smoke else 7
    emissions = stratagem.load("eu-emissions-1994")
    x, c, s = (emissions.positions[:, 0], emissions.capability[:, 0], emissions.salience[:, 0])
    for preset, loop_opts in (
        ("bdm", LoopOptions(rounds=10)),
        (
            "scholz-table",
            LoopOptions(
                probability="scholz-code",
                perspective="receiver",
                selection="scholz-code",
                capitulation=False,
                rounds=10,
            ),
        ),
    ):
        opts = options(preset=preset, rounds=10)
        ours = timed(lambda opts=opts: eum.simulate(x, c, s, opts, record=False), repeat)
        loops = timed(
            lambda lo=loop_opts: run_loops(list(x), list(c), list(s), lo), max(1, repeat // 2)
        )
        rows.append(
            {
                "case": f"eum {preset}: EU emissions, 10 actors × 10 rounds",
                "ours": f"{ours * 1000:.2f} ms",
                "memory": f"{peak_memory_mb(lambda opts=opts: eum.simulate(x, c, s, opts)):.2f} MB",
                "peer": f"plain loops {loops * 1000:.1f} ms",
                "ratio": f"{loops / ours:.0f}× faster",
                "target": "< 5 ms",
            }
        )
    for n in (10, 30) if smoke else (10, 30, 60):
        xs, cs, ss = random_issue(n)
        ours = timed(
            lambda xs=xs, cs=cs, ss=ss: eum.simulate(xs, cs, ss, options(rounds=5), record=False),
            repeat,
        )
        loops = timed(
            lambda xs=xs, cs=cs, ss=ss: run_loops(
                list(xs), list(cs), list(ss), LoopOptions(rounds=5)
            ),
            1,
        )
        rows.append(
            {
                "case": f"eum bdm: {n} random actors × 5 rounds",
                "ours": f"{ours * 1000:.1f} ms",
                "memory": "",
                "peer": f"plain loops {loops * 1000:.0f} ms",
                "ratio": f"{loops / ours:.0f}× faster",
                "target": "",
            }
        )
    sizes = (100,) if smoke else (100, 1000)
    for n in sizes:
        xs, cs, ss = random_issue(n)
        opts = options(rounds=20)
        ours = timed(
            lambda xs=xs, cs=cs, ss=ss, opts=opts: eum.simulate(xs, cs, ss, opts, record=False),
            1 if n >= 1000 else repeat,
        )
        mem = peak_memory_mb(
            lambda xs=xs, cs=cs, ss=ss, opts=opts: eum.simulate(xs, cs, ss, opts, record=False)
        )
        rows.append(
            {
                "case": f"eum bdm: {n} actors × 20 rounds",
                "ours": f"{ours:.2f} s",
                "memory": f"{mem:.0f} MB",
                "peer": "",
                "ratio": "",
                "target": "< 30 s, < 2 GB" if n == 1000 else "",
            }
        )
    draws = 500 if smoke else 10_000
    rng = np.random.default_rng(1)
    batch = np.clip(x + rng.normal(0, 0.75, (draws, 10)), 4, 10)
    opts = options(rounds=10)
    ours = timed(lambda: eum.simulate(batch, c, s, opts, record=False), 1)
    one_by_one = timed(
        lambda: [eum.simulate(batch[b], c, s, opts, record=False) for b in range(50)], 1
    )
    per_draw_single = one_by_one / 50
    rows.append(
        {
            "case": f"eum batch: {draws} perturbed EU emissions × 10 rounds",
            "ours": f"{ours:.2f} s",
            "memory": "",
            "peer": f"one at a time {per_draw_single * draws:.1f} s (extrapolated from 50)",
            "ratio": f"{per_draw_single * draws / ours:.1f}× faster",
            "target": "< 10 s for 10,000" if not smoke else "",
        }
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="each case once, small sizes")
    args = parser.parse_args()
    print(markdown(run(args.smoke)))


if __name__ == "__main__":
    main()
