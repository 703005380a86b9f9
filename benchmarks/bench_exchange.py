"""Exchange model benchmarks: the decide files and synthetic cases, compiled and Python
engines side by side (targets: cop21 < 0.2 s, 100 actors × 30 issues × 10 rounds < 10 s;
decide itself takes about 20 s on cop21)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
from common import Row, markdown

import stratagem
import stratagem.io
from stratagem import Scenario

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "decide"


def timed(scenario: Scenario, rounds: int, repeat: int, engine: str = "compiled") -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        stratagem.run(scenario, "exchange", params={"rounds": rounds, "engine": engine}, seed=1)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(n: int, m: int, seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    return Scenario.from_table(
        "synthetic",
        [f"a{k}" for k in range(n)],
        [f"i{k}" for k in range(m)],
        rng.uniform(0, 100, (n, m)),
        rng.uniform(0.1, 1, (n, m)),
        rng.uniform(0.1, 1, n),
    )


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    start = time.perf_counter()
    stratagem.run(
        stratagem.load("copenhagen-2009"), "exchange", params={"rounds": 1, "engine": "compiled"}
    )
    warm = time.perf_counter() - start
    rows.append(
        {
            "case": "exchange: first compiled run in this process (kernel load or compile)",
            "ours": f"{warm:.2f} s",
            "memory": "",
            "peer": "",
            "ratio": "",
            "target": "",
        }
    )
    for name in ("sample_data.txt", "copenhagen.csv", "cop21.csv"):
        if not (SHARED / name).exists():
            continue
        scenario = stratagem.io.read(SHARED / name)
        repeat = 1 if smoke else 5
        took = timed(scenario, 10, repeat)
        python = timed(scenario, 10, 1 if smoke else 3, engine="python")
        rows.append(
            {
                "case": f"exchange: {name}, 10 rounds",
                "ours": f"{took:.3f} s",
                "memory": "",
                "peer": (
                    f"Python engine {python:.2f} s"
                    + ("; decide ≈ 20 s (MODELS.md §3)" if name == "cop21.csv" else "")
                ),
                "ratio": f"{python / took:.0f}× faster than the Python engine",
                "target": "< 0.2 s" if name == "cop21.csv" else "",
            }
        )
    sizes = [(20, 6, 2)] if smoke else [(30, 10, 10), (50, 15, 10), (100, 30, 10)]
    for n, m, rounds in sizes:
        took = timed(synthetic(n, m), rounds, 1)
        rows.append(
            {
                "case": f"exchange: {n} actors × {m} issues × {rounds} rounds",
                "ours": f"{took:.2f} s",
                "memory": "",
                "peer": "",
                "ratio": "",
                "target": "< 10 s" if (n, m) == (100, 30) else "",
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
