"""Exchange model benchmarks: the decide files and synthetic cases, compiled and Python
engines side by side (targets: cop21 < 0.2 s, 100 actors × 30 issues × 10 rounds < 10 s).

The decide package runs side by side when ``STRATAGEM_DECIDE_PYTHON`` names an interpreter
where it is installed (``decide-exchange-model==2022.1.28``, benchmark only; see
``decide_side.py``); otherwise its published figure (about 20 s on cop21) is shown."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

from common import DATA, Row, markdown, synthetic

import stratagem
import stratagem.io
from stratagem import Scenario

SHARED = DATA / "decide"


def timed(scenario: Scenario, rounds: int, repeat: int, engine: str = "compiled") -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        stratagem.run(scenario, "exchange", params={"rounds": rounds, "engine": engine}, seed=1)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def decide_seconds(path: Path, rounds: int) -> float | None:
    """decide's own time on the file, when an interpreter with it is configured."""
    python = os.environ.get("STRATAGEM_DECIDE_PYTHON")
    if not python:
        return None
    script = Path(__file__).resolve().parent / "decide_side.py"
    done = subprocess.run(
        [python, str(script), str(path), str(rounds)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return float(done.stdout.strip()) if done.returncode == 0 else None


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
        decide = None if smoke else decide_seconds(SHARED / name, 10)
        if decide is not None:
            peer = f"Python engine {python:.2f} s; decide {decide:.1f} s (run here)"
            ratio = f"{python / took:.0f}× the Python engine, {decide / took:.0f}× decide"
        else:
            peer = f"Python engine {python:.2f} s" + (
                "; decide ≈ 20 s (MODELS.md §3)" if name == "cop21.csv" else ""
            )
            ratio = f"{python / took:.0f}× faster than the Python engine"
        rows.append(
            {
                "case": f"exchange: {name}, 10 rounds",
                "ours": f"{took:.3f} s",
                "memory": "",
                "peer": peer,
                "ratio": ratio,
                "target": "< 0.2 s" if name == "cop21.csv" else "",
            }
        )
    sizes = [(20, 6, 2)] if smoke else [(30, 10, 10), (50, 15, 10), (100, 30, 10)]
    for n, m, rounds in sizes:
        took = timed(synthetic(n, m), rounds, 1 if smoke else 3)
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
