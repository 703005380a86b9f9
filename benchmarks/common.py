"""What every benchmark module shares: its rows and how they print."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from stratagem import Scenario

Row = dict[str, str]

DATA = (
    Path(os.environ.get("STRATAGEM_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "data"
)
"""The reference data (MODELS.md's files): ``$STRATAGEM_SHARED/data``, by default the
``shared`` directory beside the repository, as the tests find it."""
COLUMNS = ("case", "ours", "memory", "peer", "ratio", "target")


def markdown(rows: list[Row]) -> str:
    """A markdown table of benchmark rows."""
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    return head + "".join("| " + " | ".join(r[c] for c in COLUMNS) + " |\n" for r in rows)


def synthetic(n: int, m: int, seed: int = 0) -> Scenario:
    """A random scenario: n actors, m issues, positions on 0–100, saliences and capabilities
    uniform in [0.1, 1] (the synthetic cases of the exchange and scaling benchmarks)."""
    rng = np.random.default_rng(seed)
    return Scenario.from_table(
        "synthetic",
        [f"a{k}" for k in range(n)],
        [f"i{k}" for k in range(m)],
        rng.uniform(0, 100, (n, m)),
        rng.uniform(0.1, 1, (n, m)),
        rng.uniform(0.1, 1, n),
    )
