"""The exchange model against decide's own equal-gain runs (p = 0, 10 rounds; MODELS.md §3.6).

Preference compromise (NBS) per issue at round 0 and round 9, within 0.5 on the issue's
scale. Where we miss, the case is xfail(strict=True) with the measured gap. decide breaks
exact gain ties (hundreds per round on these files) with Python's unseeded ``random``
(and, on one branch, puts the runner-up back into its list twice), so its published run is
one draw among many: with ``ties=random`` over seeds 0–19 our round-9 values span the
ranges noted below, which contain decide's value for most issues. Our default breaks ties
deterministically (the exchange found first wins).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import stratagem
from stratagem import io

# (file, issue, round 0, round 9, measured gap at round 9 or None, our 20-seed range)
CASES = [
    ("sample_data.txt", "tolheffing-binnenstad", 49.35, 65.88, 0.89, "65.12–66.30"),
    ("sample_data.txt", "woonwerkverkeer", 52.49, 13.36, None, ""),
    ("sample_data.txt", "extra-investering", 49.49, 80.23, None, ""),
    ("sample_data.txt", "kleine-of-grote-ring", 56.60, 48.15, None, ""),
    ("sample_data.txt", "wanneer-tol", 50.58, 48.70, None, ""),
    ("sample_data.txt", "tol-hoogte", 2.27, 4.12, None, ""),
    ("copenhagen.csv", "Newtreaty", 61.58, 56.67, 2.67, "54.26–59.30"),
    ("copenhagen.csv", "DevlopC2020", 58.14, 72.95, None, ""),
    ("copenhagen.csv", "Domestred", 30.71, 31.72, None, ""),
    ("copenhagen.csv", "MRVdecrease", 52.24, 47.67, 0.65, "46.15–48.79"),
    ("copenhagen.csv", "Commitments", 51.95, 20.77, 1.59, "19.68–23.32"),
    ("copenhagen.csv", "Control", 57.62, 73.34, 0.75, "71.46–76.10"),
    ("copenhagen.csv", "Extra", 64.62, 92.29, 1.61, "92.95–94.43"),
]

_RUNS: dict[str, stratagem.Forecast] = {}


def run(shared_data: Path, name: str) -> stratagem.Forecast:
    if name not in _RUNS:
        scenario = io.read(shared_data / "decide" / name)
        _RUNS[name] = stratagem.run(scenario, "exchange", params={"rounds": 10, "p": 0.0}, seed=1)
    return _RUNS[name]


@pytest.mark.parametrize(
    ("name", "issue", "start", "end", "gap", "spread"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_round_0(
    shared_data: Path,
    name: str,
    issue: str,
    start: float,
    end: float,
    gap: float | None,
    spread: str,
) -> None:
    compromise = run(shared_data, name).issues[issue].details["compromise_by_round"]
    assert compromise[0] == pytest.approx(start, abs=0.5)


@pytest.mark.parametrize(
    ("name", "issue", "start", "end", "gap", "spread"),
    [
        pytest.param(
            *c,
            marks=pytest.mark.xfail(
                strict=True,
                reason=f"measured |ours - decide| = {c[4]} at round 9; with ties=random over 20 "
                f"seeds ours spans {c[5]} (decide breaks gain ties with unseeded random)",
            ),
        )
        if c[4] is not None
        else c
        for c in CASES
    ],
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_round_9(
    shared_data: Path,
    name: str,
    issue: str,
    start: float,
    end: float,
    gap: float | None,
    spread: str,
) -> None:
    compromise = run(shared_data, name).issues[issue].details["compromise_by_round"]
    assert compromise[9] == pytest.approx(end, abs=0.5)
