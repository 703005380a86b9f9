"""Monte Carlo benchmarks: draws per second on each executor, and the overhead against serial.

Case: the expected utility model on the EU emissions table (10 actors, 10 rounds), every
position, salience and capability uncertain. Target: 10,000 draws in under 10 s.
"""

from __future__ import annotations

import time

from common import Row, markdown

import stratagem
from stratagem.uncertainty.montecarlo import simulate


def run(smoke: bool) -> list[Row]:
    draws = 1000 if smoke else 10_000
    scenario = stratagem.load("eu-emissions-1994").evolve(
        spread={"position": 1.0, "salience": 0.1, "capability": 0.25}
    )
    params = {"stop": "rounds", "rounds": 10}
    rows: list[Row] = []
    serial_time = None
    executors = ["serial", "processes"] + ([] if smoke else ["dask"])
    for executor in executors:
        try:
            start = time.perf_counter()
            simulate(scenario, "eum", draws, seed=1, params=params, executor=executor, workers=2)
            took = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - an executor that cannot start is reported
            rows.append(
                {
                    "case": f"montecarlo eum {executor}",
                    "ours": f"failed: {exc}",
                    "memory": "",
                    "peer": "",
                    "ratio": "",
                    "target": "",
                }
            )
            continue
        if serial_time is None:
            serial_time = took
        rows.append(
            {
                "case": f"montecarlo eum, {draws} draws × 10 rounds, {executor}",
                "ours": f"{took:.2f} s ({draws / took:,.0f} draws/s)",
                "memory": "",
                "peer": "no open tool propagates input uncertainty",
                "ratio": f"{took / serial_time:.2f}× serial time",
                "target": "< 10 s for 10,000" if executor == "serial" and not smoke else "",
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
