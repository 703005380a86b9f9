"""Golden tables for the expected utility model (MODELS.md §1.7, §1.11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pin_eum import SHARED_FILES, pinned

import stratagem
from stratagem import io
from stratagem.catalog import embedded_names

ISSUE = "emission-standards"

# Scholz, Calbert & Smith (2011) Table 2, Q = 1.0, via the schelling extract (MODELS.md §1.11)
SCHOLZ_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
SCHOLZ_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
# Round-1 risk exponents printed in MODELS.md §1.7, in the table's actor order
R_SCHOLZ_CODE = [1.406, 0.754, 0.509, 1.406, 1.047, 1.047, 1.965, 0.500, 2.000, 1.112]
R_MASAD = [1.127, 0.781, 0.500, 1.127, 1.078, 1.078, 2.000, 0.525, 1.472, 1.140]


@pytest.fixture(scope="module")
def emissions(shared_data: Path) -> stratagem.Scenario:
    return io.read(shared_data / "eum" / "emission-standards.txt")


@pytest.fixture(scope="module")
def scholz_run(emissions: stratagem.Scenario) -> dict[str, object]:
    return dict(
        stratagem.run(emissions, "eum", params={"preset": "scholz-table"}).issues[ISSUE].to_dict()
    )


@pytest.mark.parametrize("round_", range(1, 9), ids=lambda r: f"round-{r}")
def test_scholz_table_median(scholz_run: dict[str, object], round_: int) -> None:
    median = scholz_run["median_by_round"]
    assert isinstance(median, list)
    assert median[round_] == pytest.approx(SCHOLZ_MEDIAN[round_ - 1], abs=0.35)


@pytest.mark.parametrize("round_", range(1, 9), ids=lambda r: f"round-{r}")
def test_scholz_table_mean(scholz_run: dict[str, object], round_: int) -> None:
    mean = scholz_run["mean_by_round"]
    assert isinstance(mean, list)
    assert mean[round_] == pytest.approx(SCHOLZ_MEAN[round_ - 1], abs=0.1)


def test_scholz_table_round_one_moves(scholz_run: dict[str, object]) -> None:
    """MODELS.md §1.11: Belgium compromises with France → 8.416; Luxembourg loses to
    Belgium → 7.0; Ireland loses to Luxembourg → 4.0."""
    offers = scholz_run["offers"]
    assert isinstance(offers, list)
    first = [
        (o["actor"], o["type"], o["proposer"], round(o["to"], 3)) for o in offers if o["round"] == 1
    ]
    assert first == [
        ("Belgium", "compromise", "France", 8.416),
        ("Luxembourg", "confrontation", "Belgium", 7.0),
        ("Ireland", "confrontation", "Luxembourg", 4.0),
    ]


@pytest.mark.parametrize(
    ("preset", "expected"), [("scholz-table", R_SCHOLZ_CODE), ("masad", R_MASAD)]
)
def test_round_one_risk_exponents(
    emissions: stratagem.Scenario, preset: str, expected: list[float]
) -> None:
    f = stratagem.run(emissions, "eum", params={"preset": preset, "rounds": 1, "stop": "rounds"})
    assert f.issues[ISSUE].details["risk_by_round"][0] == pytest.approx(expected, abs=5e-4)


def test_initial_median_and_mean(emissions: stratagem.Scenario) -> None:
    path = stratagem.run(emissions, "eum").trajectory(ISSUE)
    assert path is not None
    assert path.median is not None
    assert path.mean is not None
    assert path.median.values[0] == 7.0
    assert path.mean.values[0] == pytest.approx(7.3900, abs=5e-5)


def assert_same(got: object, want: object, where: str = "") -> None:
    """Equal structure; floats within 1e-9 (summation order may differ across BLAS builds)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        assert set(got) == set(want), where
        for k in want:
            assert_same(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list), where
        assert len(got) == len(want), where
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{k}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), where
    else:
        assert got == want, where


PINNED = json.loads((Path(__file__).parent / "data" / "eum_pinned.json").read_text())


@pytest.mark.parametrize("name", embedded_names())
def test_pinned_default_preset_embedded(name: str) -> None:
    assert_same(pinned(stratagem.load(name)), PINNED[f"embedded:{name}"], name)


@pytest.mark.parametrize("rel", SHARED_FILES)
def test_pinned_default_preset_shared(shared_data: Path, rel: str) -> None:
    assert_same(pinned(io.read(shared_data / rel)), PINNED[f"shared:{rel}"], rel)
