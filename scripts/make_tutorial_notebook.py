"""Write docs/notebooks/tutorial.ipynb (without outputs) from the cells below.

The notebook is executed by tests/docs/test_notebooks.py and rendered into the docs site
by docs/hooks.py; edit the cells here and rerun this script.
"""

from __future__ import annotations

import json
from pathlib import Path

CELLS: list[tuple[str, str]] = [
    (
        "markdown",
        """# stratagem in a notebook: Baghdad, January 2020

Every analysis of the command line is a function of `stratagem` that returns a frozen
result; results show as tables here and convert to pandas with `to_frame()` (tidy, long
format; `pip install 'stratagem[pandas]'`). This notebook loads the default case, runs
every model, simulates the branches, tests the compatibility of strategies, solves the
graph model, searches levers and backtests the models on real EU decisions.""",
    ),
    (
        "code",
        """import stratagem

scenario = stratagem.load()  # the embedded default
scenario""",
    ),
    ("code", "scenario.to_frame().head(8)"),
    ("markdown", "## Every model's forecast\n\nOne run of each model that applies, one seed."),
    ("code", "result = stratagem.forecast(scenario, seed=0)\nresult"),
    (
        "code",
        """frame = result.to_frame()
frame.pivot(index="issue_name", columns="model", values="forecast").round(1)""",
    ),
    (
        "code",
        """ax = result["eum"].plot("repression")  # each actor's position round by round
ax.get_title()""",
    ),
    (
        "markdown",
        """## Under uncertainty, branch by branch

The same draws of the uncertain inputs in every branch, so that differences between
branches are not noise.""",
    ),
    (
        "code",
        """branches = [b.name for b in scenario.branches]
ensemble = stratagem.simulate(scenario, "eum", 300, seed=0, branches=branches)
ensemble""",
    ),
    (
        "code",
        """import pandas as pd

worlds = [None, *ensemble.branches]
table = {w or "baseline": ensemble.outcome_probabilities(w) for w in worlds}
pd.DataFrame(table).fillna(0).round(3)""",
    ),
    (
        "markdown",
        """## Are the US and Iranian strategies compatible?

Pairwise strategic compatibility, with a test against a null of random positions.""",
    ),
    (
        "code",
        """compat = stratagem.compatibility(scenario)
actor = {a.id: a.name for a in scenario.actors}
issue = {i.id: i.name for i in scenario.issues}
[
    f"{actor[t['actors'][0]]} and {actor[t['actors'][1]]}: in concert on "
    f"{issue[t['in_concert_on']]}, apart on {issue[t['apart_on']]}"
    for t in compat.result.tacit()[:3]
]""",
    ),
    ("markdown", "## The graph model\n\nStability of every state under Nash, GMR, SEQ and SMR."),
    ("code", "conflict = stratagem.conflict_analysis(scenario)\nconflict"),
    ("code", "conflict.to_frame().head()"),
    (
        "markdown",
        """## What would it take?

The smallest single changes that make 'revolution prevails' the compromise model's
forecast, each checked by a plain run.""",
    ),
    (
        "code",
        """found = stratagem.levers(scenario, "revolution prevails", models=["compromise"])
[lever.words(scenario) for lever in found.singles["compromise"][:3]]""",
    ),
    (
        "markdown",
        """## Backtest on real decisions

The DEU III training file (EU legislative proposals 1996–2005 with known outcomes); its
path comes from `STRATAGEM_SHARED`.""",
    ),
    (
        "code",
        """import os
from pathlib import Path

shared = Path(os.environ.get("STRATAGEM_SHARED", "../../../shared"))
scores = stratagem.backtest(
    shared / "data" / "deu" / "deu3-1996-2005.tsv",
    models=["compromise", "weighted-median"],
    bootstrap=200,
    folds=5,
)
scores""",
    ),
    ("code", "scores.to_frame().round(2)"),
]


def notebook() -> dict[str, object]:
    """The notebook document (nbformat 4), without outputs."""
    cells = []
    for kind, text in CELLS:
        cell: dict[str, object] = {
            "cell_type": kind,
            "metadata": {},
            "source": text.splitlines(keepends=True),
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "tutorial.ipynb"
    out.write_text(json.dumps(notebook(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
