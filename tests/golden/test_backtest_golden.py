"""Backtest figures on the DEU III training file (1996–2005), checked two ways.

The expected values were computed independently from the same file (issue 9); the
test recomputes them with a plain parser that shares no code with stratagem, and
compares both with the library's backtest.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from stratagem.validation.backtest import backtest
from stratagem.validation.deu import read_deu

EXPECTED = {
    # label: (model spec, n, MAE)
    "compromise (proxy capability)": ("compromise", 258, 23.93),
    "salience-only weights": ("compromise:weights=salience", 258, 23.26),
    "plain mean": ("compromise:weights=equal", 258, 23.23),
    "proxy-weighted median": ("weighted-median", 258, 28.70),
    "reference point": ("status-quo", 189, 50.61),
}


def independent(path: Path) -> dict[str, tuple[int, float]]:
    rows = list(csv.reader(path.open(encoding="utf-8"), delimiter="\t"))
    head, proxy, data = rows[0], rows[1], rows[2:]
    actors = [h[1:] for h in head if h.startswith("p") and "s" + h[1:] in head]
    col = {h: k for k, h in enumerate(head)}
    errors: dict[str, list[float]] = {k: [] for k in EXPECTED}
    for row in data:
        out = row[col["out"]].strip()
        if not out:
            continue
        y = float(out)
        both = [a for a in actors if row[col["p" + a]].strip() and row[col["s" + a]].strip()]
        x = np.array([float(row[col["p" + a]]) for a in both])
        s = np.array([float(row[col["s" + a]]) for a in both])
        c = np.array([float(proxy[col["p" + a]]) for a in both])
        w = c * s
        errors["compromise (proxy capability)"].append(abs(w @ x / w.sum() - y))
        errors["salience-only weights"].append(abs(s @ x / s.sum() - y))
        errors["plain mean"].append(abs(x.mean() - y))
        order = np.argsort(x)
        cum = np.cumsum(w[order])
        k = int(np.searchsorted(cum, cum[-1] / 2 - 1e-12))
        med = x[order][k]
        if abs(cum[k] - cum[-1] / 2) < 1e-9 and k + 1 < len(x):
            med = (x[order][k] + x[order][k + 1]) / 2
        errors["proxy-weighted median"].append(abs(med - y))
        if row[col["rp"]].strip():
            errors["reference point"].append(abs(float(row[col["rp"]]) - y))
    return {k: (len(v), float(np.mean(v))) for k, v in errors.items()}


@pytest.fixture(scope="module")
def deu_path(shared_data: Path) -> Path:
    return shared_data / "deu" / "deu3-1996-2005.tsv"


@pytest.fixture(scope="module")
def library(deu_path: Path) -> dict[str, tuple[int, float]]:
    result = backtest(
        read_deu(deu_path), [m for m, _, _ in EXPECTED.values()], bootstrap=200, ensemble=False
    )
    return {
        label: (result.scores[m].n, result.scores[m].mae) for label, (m, _, _) in EXPECTED.items()
    }


@pytest.mark.parametrize("label", EXPECTED)
def test_independent_computation_gives_the_published_check(deu_path: Path, label: str) -> None:
    n, mae = independent(deu_path)[label]
    assert (n, round(mae, 2)) == EXPECTED[label][1:]


@pytest.mark.parametrize("label", EXPECTED)
def test_library_backtest_matches(library: dict[str, tuple[int, float]], label: str) -> None:
    n, mae = library[label]
    assert (n, round(mae, 2)) == EXPECTED[label][1:]
