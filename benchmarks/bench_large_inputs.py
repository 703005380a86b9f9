"""Large legitimate inputs: a scenario of 100,000 actors on two issues, read and validated
from YAML and from JSON, then forecast by the compromise model.

Targets (issue 24): validate in under 5 s, the compromise model in under 2 s. The baseline
column is the bare parse of the same text (libyaml's events, json's C parser) in the same
process: what any reader has to pay before checking anything.
"""

from __future__ import annotations

import gc
import json
import time

import numpy as np
import yaml
from common import Row, markdown

import stratagem
from stratagem import io

__all__ = ["markdown", "run"]


def _documents(n: int) -> tuple[str, str]:
    rng = np.random.default_rng(1)
    caps = rng.integers(1, 101, n)
    pos = rng.integers(0, 101, (n, 2))
    lines = ["name: big", "issues: [{id: x}, {id: y}]", "actors:"]
    actors = []
    for k in range(n):
        lines.append(
            f"  - {{id: a{k}, capability: {caps[k]}, "
            f"positions: {{x: [{pos[k, 0]}, 0.5], y: [{pos[k, 1]}, 0.3]}}}}"
        )
        actors.append(
            {
                "id": f"a{k}",
                "capability": int(caps[k]),
                "positions": {"x": [int(pos[k, 0]), 0.5], "y": [int(pos[k, 1]), 0.3]},
            }
        )
    doc = {"name": "big", "issues": [{"id": "x"}, {"id": "y"}], "actors": actors}
    return "\n".join(lines) + "\n", json.dumps(doc, indent=1)


def run(smoke: bool) -> list[Row]:
    n = 2_000 if smoke else 100_000
    yaml_text, json_text = _documents(n)
    rows: list[Row] = []
    for fmt, text in (("yaml", yaml_text), ("json", json_text)):
        # each format read as `stratagem validate` reads it, in a process not holding the
        # other's 100,000 actors (whose objects every garbage collection would walk again)
        scenario = None
        gc.collect()
        start = time.perf_counter()
        if fmt == "yaml":
            sum(1 for _ in yaml.parse(text, Loader=yaml.CBaseLoader))
        else:
            json.loads(text)
        bare = time.perf_counter() - start
        start = time.perf_counter()
        scenario = stratagem.validate(io.read_text(text, f"big.{fmt}", fmt)).scenario
        took = time.perf_counter() - start
        met = " (met)" if took < 5 else " (missed)"
        rows.append(
            {
                "case": f"{fmt}: {n:,} actors × 2 issues, read and validated",
                "ours": f"{took:.2f} s",
                "memory": "",
                "peer": f"bare parse {bare:.2f} s",
                "ratio": f"{took / bare:.1f}× the bare parse",
                "target": "" if smoke else "5 s" + met,
            }
        )
    start = time.perf_counter()
    stratagem.run(scenario, "compromise")
    took = time.perf_counter() - start
    rows.append(
        {
            "case": f"compromise: {n:,} actors × 2 issues",
            "ours": f"{took:.2f} s",
            "memory": "",
            "peer": "",
            "ratio": "",
            "target": "" if smoke else "2 s" + (" (met)" if took < 2 else " (missed)"),
        }
    )
    return rows
