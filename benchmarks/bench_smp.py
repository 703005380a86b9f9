"""Spatial model (KTAB's SMP) on every shipped KTAB file, next to KTAB's own timings
(targets: 40 actors < 1 s, 80 actors < 5 s, 160 actors < 60 s, memory < 4 GB)."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from pathlib import Path

from common import DATA, Row, markdown

import stratagem.io
from stratagem import models

SHARED = DATA / "ktab"

# KTAB's compiled smpc on one 2-core machine, with its SQLite log (MODELS.md §2 table)
PEERS = {
    "dummyData_3Dim.csv": (0.11, "0.10–0.12 s, 10 iterations"),
    "SOE-Pol-Comp.csv": (0.99, "0.99 s, 27 iterations"),
    "SOE-Policy.csv": (7.6, "7.6 s, 19 iterations"),
    "SOE-Competitive.csv": (32.0, "32 s, 35 iterations"),
    "dummyData_6Dim.csv": (6.9, "6.9 s, 29 iterations"),
    "dummyData-a040.csv": (34.0, "34 s (14 s CPU), 20 iterations"),
    "dummyData-a080.csv": (348.0, "348 s (173 s CPU), 17 iterations"),
    "dummyData-a160.csv": (3600.0, "> 1 h (projected; stopped after 3 iterations)"),
}
TARGETS = {
    "dummyData-a040.csv": "< 1 s",
    "dummyData-a080.csv": "< 5 s",
    "dummyData-a160.csv": "< 60 s",
}
SMOKE = ("dummyData_3Dim.csv", "SOE-Pol-Comp.csv")


def _run(path: Path) -> int:
    forecast = models.get("smp").run(stratagem.io.read(path))
    return int(forecast.details["turns"])


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    for name, (peer_s, peer_text) in PEERS.items():
        path = SHARED / name
        if not path.exists() or (smoke and name not in SMOKE):
            continue
        scenario = stratagem.io.read(path)
        repeat = 1 if smoke or scenario.n_actors >= 80 else 5
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            turns = _run(path)
            times.append(time.perf_counter() - start)
        took = statistics.median(times)
        tracemalloc.start()
        _run(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ratio = peer_s / took
        rows.append(
            {
                "case": f"smp: {name} ({scenario.n_actors} × {scenario.n_issues}), {turns} turns",
                "ours": f"{took:.3f} s",
                "memory": f"{peak / 2**20:.0f} MB",
                "peer": f"KTAB {peer_text}",
                "ratio": f"{'≥ ' if name.endswith('a160.csv') else ''}{ratio:,.0f}× faster",
                "target": TARGETS.get(name, ""),
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
