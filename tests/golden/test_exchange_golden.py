"""The exchange model against decide's own equal-gain runs (p = 0, 10 rounds; MODELS.md §3.6).

Published: the preference compromise (NBS) per issue at round 0 and round 9, within 0.5 on
the issue's scale. Where we miss, the case is xfail(strict=True) with the measured gap.

decide breaks exact gain ties (dozens per round on these files) with Python's unseeded
``random``, so its published run is one draw of a random process. ``data/decide_runs.json``
records decide itself (``scripts/decide_reference.py``) with its draws taken from a seeded
stream: five seeded runs per file of the equal-gain and of the randomized model (p = 0.5)
and, for the two published files, the round-9 compromise of 100 seeded runs. Those runs
give two more golden tests:

* with ``ties=decide, nbs_cap=decide`` (and ``random_cap=decide``) and the same seed, our
  first round is decide's, exchange for exchange (actors, issues, gains) and compromise
  for compromise, for both models;
* the mean round-9 compromise of our seeded runs is within 0.5 of decide's mean, on all 13
  issues: the process is reproduced even where the one published draw is not.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stratagem
from stratagem import io

DECIDE = json.loads((Path(__file__).parent / "data" / "decide_runs.json").read_text())
DECIDE_LIKE = {"ties": "decide", "nbs_cap": "decide", "on_nbs": "left", "engine": "python"}
OUR_DRAWS = 40

# (file, issue, round 0, round 9, measured |ours - decide| at round 9 when over 0.5)
CASES = [
    ("sample_data.txt", "tolheffing-binnenstad", 49.35, 65.88, 0.89),
    ("sample_data.txt", "woonwerkverkeer", 52.49, 13.36, None),
    ("sample_data.txt", "extra-investering", 49.49, 80.23, None),
    ("sample_data.txt", "kleine-of-grote-ring", 56.60, 48.15, None),
    ("sample_data.txt", "wanneer-tol", 50.58, 48.70, None),
    ("sample_data.txt", "tol-hoogte", 2.27, 4.12, None),
    ("copenhagen.csv", "Newtreaty", 61.58, 56.67, 2.67),
    ("copenhagen.csv", "DevlopC2020", 58.14, 72.95, None),
    ("copenhagen.csv", "Domestred", 30.71, 31.72, None),
    ("copenhagen.csv", "MRVdecrease", 52.24, 47.67, 0.65),
    ("copenhagen.csv", "Commitments", 51.95, 20.77, 1.59),
    ("copenhagen.csv", "Control", 57.62, 73.34, 0.75),
    ("copenhagen.csv", "Extra", 64.62, 92.29, 1.61),
]
IDS = [f"{c[0]}-{c[1]}" for c in CASES]

_RUNS: dict[str, stratagem.Forecast] = {}


def run(shared_data: Path, name: str) -> stratagem.Forecast:
    if name not in _RUNS:
        scenario = io.read(shared_data / "decide" / name)
        _RUNS[name] = stratagem.run(scenario, "exchange", params={"rounds": 10, "p": 0.0}, seed=1)
    return _RUNS[name]


def decide_spread(name: str, issue: str, published: float) -> str:
    """Where the published value lies among decide's own 100 seeded runs."""
    values = np.array(DECIDE["files"][name]["round_9_by_seed"][issue])
    within = float(np.mean(np.abs(values - published) <= 0.5))
    return (
        f"decide's own 100 seeded runs give {values.min():.2f}–{values.max():.2f} "
        f"(mean {values.mean():.2f}) and are within 0.5 of its published {published} in "
        f"{within:.0%} of runs"
    )


@pytest.mark.parametrize(("name", "issue", "start", "end", "gap"), CASES, ids=IDS)
def test_round_0(
    shared_data: Path, name: str, issue: str, start: float, end: float, gap: float | None
) -> None:
    compromise = run(shared_data, name).issues[issue].to_dict()["compromise_by_round"]
    assert compromise[0] == pytest.approx(start, abs=0.5)


@pytest.mark.parametrize(
    ("name", "issue", "start", "end", "gap"),
    [
        pytest.param(
            *c,
            marks=pytest.mark.xfail(
                strict=True,
                reason=f"measured |ours - published| = {c[4]} at round 9 (ties=first); "
                f"the published run is one draw: {decide_spread(c[0], c[1], c[3])}",
            ),
        )
        if c[4] is not None
        else c
        for c in CASES
    ],
    ids=IDS,
)
def test_round_9(
    shared_data: Path, name: str, issue: str, start: float, end: float, gap: float | None
) -> None:
    compromise = run(shared_data, name).issues[issue].to_dict()["compromise_by_round"]
    assert compromise[9] == pytest.approx(end, abs=0.5)


SEEDED = [
    (name, kind, int(seed))
    for name in DECIDE["files"]
    for kind in ("seeded", "randomized")
    for seed in DECIDE["files"][name][kind]
]
WHOLE_ROUND = {
    ("sample_data.txt", "seeded"),
    ("copenhagen.csv", "seeded"),
    ("sample_data.txt", "randomized"),
}
"""Where every recorded seed's first round is decide's whole (measured)."""
AT_LEAST = 30
"""Where the runs part (at equal gains), at least this many exchanges before are decide's."""


@pytest.mark.parametrize(
    ("name", "kind", "seed"), SEEDED, ids=[f"{n}-{k}-seed{s}" for n, k, s in SEEDED]
)
def test_first_round_is_decides_exchange_for_exchange(
    shared_data: Path, name: str, kind: str, seed: int
) -> None:
    """decide's own first round, with its draws from the same seeded stream.

    Equal gain (p = 0) and randomized (p = 0.5, ``random_cap=decide``): the same exchanges
    in the same order, with the same gain (and, randomized, the same gain for each side),
    and the same NBS after the round. The runs may part only where two exchanges have the
    same gain (within 1e-12; they agree to 15 digits): decide orders those by the last of
    its 28 decimal digits (its arithmetic is ``Decimal``) and we by their place in its
    list. That happens on cop21 after 46 to 48 exchanges (every seed) and in one
    randomized copenhagen run after 34.
    """
    reference = DECIDE["files"][name][kind][str(seed)]
    p = DECIDE["files"][name]["randomized_p"] if kind == "randomized" else 0.0
    scenario = io.read(shared_data / "decide" / name)
    params = {**DECIDE_LIKE, "rounds": 1, "p": p, "random_cap": "decide"}
    forecast = stratagem.run(scenario, "exchange", params=params, seed=seed)
    ours = [
        (
            e["i"]["actor"],
            e["i"]["supply"],
            e["j"]["actor"],
            e["j"]["supply"],
            e["gain"],
            e["i"]["gain"],
            e["j"]["gain"],
        )
        for e in forecast.details["exchanges"]
    ]
    theirs = [tuple(row) for row in reference["exchanges"][0]]
    assert len(theirs) == reference["exchange_counts"][0]
    common = 0
    while common < min(len(ours), len(theirs)) and ours[common][:4] == theirs[common][:4]:
        common += 1
    if (name, kind) in WHOLE_ROUND or common == max(len(ours), len(theirs)):
        assert len(ours) == len(theirs) == common
        for issue, values in reference["compromise_by_round"].items():
            after = forecast.issues[issue].to_dict()["compromise_by_round"][1]
            assert after == pytest.approx(values[1], abs=1e-9)
    else:
        assert common >= AT_LEAST
        assert ours[common][4] == pytest.approx(theirs[common][4], rel=1e-12)
    # each side's gain: decide leaves the one from before the NBS caps in an equal-gain
    # exchange (its randomized model sets both)
    for column in (4, 5, 6) if kind == "randomized" else (4,):
        assert [row[column] for row in ours[:common]] == pytest.approx(
            [row[column] for row in theirs[:common]], rel=1e-9
        )


@functools.cache
def our_round_9(shared_data: Path, name: str) -> dict[str, Any]:
    scenario = io.read(shared_data / "decide" / name)
    finals: dict[str, list[float]] = {}
    for seed in range(OUR_DRAWS):
        forecast = stratagem.run(
            scenario, "exchange", params={**DECIDE_LIKE, "rounds": 10}, seed=seed
        )
        for issue, result in forecast.issues.items():
            finals.setdefault(issue, []).append(result.to_dict()["compromise_by_round"][9])
    return finals


@pytest.mark.parametrize(("name", "issue", "start", "end", "gap"), CASES, ids=IDS)
def test_round_9_of_decides_process(
    shared_data: Path, name: str, issue: str, start: float, end: float, gap: float | None
) -> None:
    """The mean round-9 compromise of 40 of our seeded runs against 100 of decide's."""
    ours = np.mean(our_round_9(shared_data, name)[issue])
    theirs = np.mean(DECIDE["files"][name]["round_9_by_seed"][issue])
    assert ours == pytest.approx(theirs, abs=0.5)
