"""Published numbers the baselines must reproduce (MODELS.md §1.11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratagem import io, run

GOLDEN = [
    # (id, model, expected, tolerance)
    ("condorcet-initial-median", "condorcet", 7.0, 1e-12),
    ("weighted-median", "weighted-median", 7.0, 1e-12),
    ("compromise-initial-mean", "compromise", 7.3900, 5e-5),
]


@pytest.mark.parametrize(("case", "model", "expected", "tol"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_eu_emissions_initial_statistics(
    shared_data: Path, case: str, model: str, expected: float, tol: float
) -> None:
    scenario = io.read(shared_data / "eum" / "emission-standards.txt")
    forecast = run(scenario, model)
    assert forecast.issues["emission-standards"].forecast == pytest.approx(expected, abs=tol)


def test_embedded_copy_matches_the_published_table(shared_data: Path) -> None:
    from stratagem.catalog import load_embedded

    original = io.read(shared_data / "eum" / "emission-standards.txt")
    embedded = load_embedded("eu-emissions-1994")
    assert embedded.values == original.values
    assert embedded.actors == original.actors
