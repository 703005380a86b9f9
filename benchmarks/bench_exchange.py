"""Exchange model benchmarks: the decide files and synthetic cases (targets: cop21 < 0.2 s,
100 actors × 30 issues × 10 rounds < 10 s; decide itself takes about 20 s on cop21)."""

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


def timed(scenario: Scenario, rounds: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        stratagem.run(scenario, "exchange", params={"rounds": rounds}, seed=1)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    targets = {"cop21.csv": "< 0.2 s (decide ≈ 20 s)"}
    for name in ("sample_data.txt", "copenhagen.csv", "cop21.csv"):
        if not (SHARED / name).exists():
            continue
        took = timed(stratagem.io.read(SHARED / name), 10, 1 if smoke else 5)
        rows.append(
            {
                "case": f"exchange: {name}, 10 rounds",
                "ours": f"{took:.2f} s",
                "memory": "",
                "peer": "decide ≈ 20 s on cop21 (MODELS.md §3)" if name == "cop21.csv" else "",
                "ratio": "",
                "target": targets.get(name, ""),
            }
        )
    rng = np.random.default_rng(0)
    sizes = [(20, 6, 2)] if smoke else [(30, 10, 10), (50, 15, 10)]
    for n, m, rounds in sizes:
        scenario = Scenario.from_table(
            "synthetic",
            [f"a{k}" for k in range(n)],
            [f"i{k}" for k in range(m)],
            rng.uniform(0, 100, (n, m)),
            rng.uniform(0.1, 1, (n, m)),
            rng.uniform(0.1, 1, n),
        )
        took = timed(scenario, rounds, 1)
        rows.append(
            {
                "case": f"exchange: {n} actors × {m} issues × {rounds} rounds",
                "ours": f"{took:.2f} s",
                "memory": "",
                "peer": "",
                "ratio": "",
                "target": "100 × 30 × 10 < 10 s (not met)" if not smoke else "",
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
