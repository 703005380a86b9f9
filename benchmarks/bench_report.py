"""Report benchmark: the default case's full report (every model, 1,000 draws). Target < 15 s."""

from __future__ import annotations

import tempfile
import time

from common import Row, markdown

import stratagem
from stratagem.report.build import build_report, write_report


def run(smoke: bool) -> list[Row]:
    draws = 100 if smoke else 1000
    start = time.perf_counter()
    report = build_report(stratagem.load(), draws=draws, seed=0)
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_report(report, out)
    done = time.perf_counter()
    return [
        {
            "case": f"report: iraq-2020, every model, {draws} draws, {len(report.figures)} figures",
            "ours": f"{done - start:.1f} s (computing and drawing {built - start:.1f} s)",
            "memory": "",
            "peer": "",
            "ratio": "",
            "target": "< 15 s" if not smoke else "",
        }
    ]


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
