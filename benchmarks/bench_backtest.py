"""The backtest: every model on the DEU III training file, with the per-proposal runs, the
ensemble, the reference blend and the stacking model's nested cross-validation.

Target (issue 22): the whole training file with every model in under 2 minutes. The
baseline column is the compromise model's backtest alone in the same process. The smoke
run takes the first 40 issues with the compromise and the stacking model's base models.
"""

from __future__ import annotations

import time

from common import DATA, Row, markdown

from stratagem.validation.backtest import backtest
from stratagem.validation.deu import DEUDataset, read_deu

__all__ = ["markdown", "run"]


def run(smoke: bool) -> list[Row]:
    dataset = read_deu(DATA / "deu" / "deu3-1996-2005.tsv")
    models = None
    if smoke:
        dataset = DEUDataset(
            dataset.with_outcome[:40],
            dataset.actors,
            dataset.proxy,
            dataset.source,
            dataset.missing_salience,
        )
        models = ["compromise", "compromise:weights=equal"]
    start = time.perf_counter()
    backtest(dataset, ["compromise"], bootstrap=2000, ensemble=False, reference_blend=False)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    result = backtest(dataset, models, stacking=True)
    took = time.perf_counter() - start
    n = len(dataset.with_outcome)
    return [
        {
            "case": f"backtest: {n} issues, {len(result.scores)} models and variants scored",
            "ours": f"{took:.1f} s",
            "memory": "",
            "peer": f"compromise alone {alone:.2f} s",
            "ratio": f"{took / alone:.0f}× the compromise alone",
            "target": "" if smoke else "2 min" + (" (met)" if took < 120 else " (missed)"),
        }
    ]
