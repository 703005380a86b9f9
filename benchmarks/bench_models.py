"""Every registered model on every shipped example (the embedded scenarios and the KTAB and
decide files beside the repository), one run each timed as the median of several."""

from __future__ import annotations

import statistics
import time

from common import DATA, Row, markdown

import stratagem
import stratagem.io
from stratagem import Scenario, models
from stratagem.catalog import embedded_names, load_embedded

SHARED = DATA
FILES = ("ktab/SOE-Policy.csv", "ktab/dummyData_6Dim.csv", "decide/cop21.csv")


def examples(smoke: bool) -> list[tuple[str, Scenario]]:
    names = embedded_names()[:2] if smoke else embedded_names()
    cases = [(name, load_embedded(name)) for name in names]
    if not smoke:
        cases += [
            (path, stratagem.io.read(SHARED / path)) for path in FILES if (SHARED / path).exists()
        ]
    return cases


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    for name, scenario in examples(smoke):
        cells = []
        for spec in models.specs():
            if spec.unavailable(scenario) is not None:
                continue
            times = []
            for _ in range(1 if smoke else 3):
                start = time.perf_counter()
                spec.run(scenario, seed=1)
                times.append(time.perf_counter() - start)
            cells.append(f"{spec.name} {statistics.median(times) * 1000:.0f} ms")
        rows.append(
            {
                "case": f"{name} ({scenario.n_actors} × {scenario.n_issues})",
                "ours": "; ".join(cells),
                "memory": "",
                "peer": "",
                "ratio": "",
                "target": "",
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
