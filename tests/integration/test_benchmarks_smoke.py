"""The benchmark suite runs (smoke sizes), so it cannot rot between `make bench` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmarks_smoke() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "| eum bdm: EU emissions, 10 actors × 10 rounds |" in result.stdout
    for section in (
        "bench_backtest",
        "bench_exchange",
        "bench_gmcr",
        "bench_large_inputs",
        "bench_levers",
        "bench_models",
        "bench_scaling",
        "bench_smp",
    ):
        assert f"## {section}" in result.stdout
    assert "| smp: SOE-Pol-Comp.csv (13 × 2), 27 turns |" in result.stdout
    assert "time ∝ actors^" in result.stdout
    assert "| gmcr Prisoners: 4 states, build and every concept |" in result.stdout
    assert "time ∝ states^" in result.stdout
    assert "| iraq-2020 compromise: single levers (" in result.stdout
    assert "| json: 2,000 actors × 2 issues, read and validated |" in result.stdout
    assert "| backtest: 40 issues," in result.stdout
