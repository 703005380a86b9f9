"""Levers: every single-actor lever (position, salience, capability) of the default case,
model by model, for the end "revolution prevails"; then with 1,000-draw uncertainty.

Targets (issue 21): all single-actor levers for every model in under 5 s; with 1,000-draw
uncertainty, under 60 s. No open tool searches levers, so there is no peer ratio; the
baseline column is one plain run of the model in the same process, and the ratio says how
many plain runs' time the search costs.
"""

from __future__ import annotations

import time

from common import Row, markdown

import stratagem
from stratagem.analysis.levers import levers
from stratagem.models import get

__all__ = ["markdown", "run"]

TARGET = "revolution prevails"


def run(smoke: bool) -> list[Row]:
    sc = stratagem.load()
    rows: list[Row] = []
    chosen = ("compromise", "eum") if smoke else stratagem.applicable_models(sc)
    total = 0.0
    for model in chosen:
        start = time.perf_counter()
        stratagem.run(sc, model, seed=0)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        found = levers(sc, TARGET, models=[model], combinations=1)
        took = time.perf_counter() - start
        total += took
        rows.append(
            {
                "case": f"iraq-2020 {model}: single levers ({found.evaluations[model]} runs, "
                f"{len(found.singles[model])} found)",
                "ours": f"{took:.2f} s",
                "memory": "",
                "peer": f"one run {plain * 1000:.1f} ms",
                "ratio": f"{took / plain:.0f}× one run" if plain > 0 else "",
                "target": "",
            }
        )
    rows.append(
        {
            "case": f"iraq-2020 every model ({len(chosen)}): single levers",
            "ours": f"{total:.1f} s",
            "memory": "",
            "peer": "",
            "ratio": "",
            "target": "" if smoke else "5 s" + (" (met)" if total < 5 else " (missed)"),
        }
    )
    draws = 50 if smoke else 1000
    start = time.perf_counter()
    batched = [m for m in chosen if get(m).batch is not None]
    levers(sc, TARGET, models=batched, combinations=1, draws=draws, level=0.5)
    took = time.perf_counter() - start
    rows.append(
        {
            "case": f"iraq-2020 {', '.join(batched)}: levers under {draws}-draw uncertainty",
            "ours": f"{took:.1f} s",
            "memory": "",
            "peer": "",
            "ratio": "",
            "target": "" if smoke else "60 s" + (" (met)" if took < 60 else " (missed)"),
        }
    )
    return rows
