"""Report benchmark: an embedded case's full default report, as ``stratagem report`` makes it.

Every model that applies, 1,000 draws; figures drawn by a worker process per core beyond
the first while the analysis runs; written to a temporary directory.

Targets (issue 21): under 15 s for any embedded scenario, and at most 1.3× the time of the
simulations the report contains. The baseline is those simulations (``stratagem.simulate``
of every batched model, every branch, the same draws) run alone in the same process. A
second baseline, for information, is every analysis the report contains (models,
simulations, sensitivity, bottom line with its levers, compatibility, pivots, stance games,
graph model) run one after the other through the library, with no figure drawn and
nothing written: the report's own cost is what it adds to that.
"""

from __future__ import annotations

import os
import tempfile
import time

from common import Row, markdown

import stratagem
from stratagem.models import get
from stratagem.report.build import build_report, write_report

CASES = ("iraq-2020", "cop21-2015")


def _simulations(scenario: stratagem.Scenario, draws: int) -> float:
    branches = [b.name for b in scenario.branches]
    start = time.perf_counter()
    for f in stratagem.forecast(scenario).forecasts:
        spec = get(f.model)
        if spec.batch is not None and spec.uses_positions:
            stratagem.simulate(scenario, spec.name, draws, 0, branches=branches)
    return time.perf_counter() - start


def _analyses(scenario: stratagem.Scenario, draws: int) -> float:
    from stratagem.analysis.bottom_line import bottom_line
    from stratagem.analysis.findings import findings
    from stratagem.report.build import LEVER_BUDGET
    from stratagem.uncertainty.sensitivity import tornado

    branches = [b.name for b in scenario.branches]
    start = time.perf_counter()
    forecast_set = stratagem.forecast(scenario, seed=0)
    ensembles = []
    for f in forecast_set.forecasts:
        spec = get(f.model)
        if spec.batch is not None and spec.uses_positions:
            ensembles.append(stratagem.simulate(scenario, spec.name, draws, 0, branches=branches))
            tornado(scenario, spec.name)
    preferred = [e for e in ensembles if e.model == "eum"] or ensembles
    bottom_line(
        forecast_set,
        ensemble=preferred[0] if preferred else None,
        static_only=True,
        lever_budget=LEVER_BUDGET,
        seed=0,
    )
    findings(scenario, forecast_set.forecasts, conflict_draws=draws, seed=0)
    return time.perf_counter() - start


def run(smoke: bool) -> list[Row]:
    draws = 100 if smoke else 1000
    rows: list[Row] = []
    for name in CASES[:1] if smoke else CASES:
        scenario = stratagem.load(name)
        alone = _simulations(scenario, draws)
        analyses = _analyses(scenario, draws)
        start = time.perf_counter()
        report = build_report(
            scenario, draws=draws, seed=0, workers=max(0, (os.cpu_count() or 1) - 1)
        )
        built = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            write_report(report, out)
        done = time.perf_counter()
        took = done - start
        rows.append(
            {
                "case": f"report: {name}, every model, {draws} draws, "
                f"{len(report.figures)} figures",
                "ours": f"{took:.1f} s (computing and drawing {built - start:.1f} s)",
                "memory": "",
                "peer": f"its simulations alone {alone:.1f} s; all its analyses, serial, "
                f"undrawn {analyses:.1f} s",
                "ratio": f"{took / alone:.1f}× the simulations; {took / analyses:.2f}× the "
                "analyses",
                "target": ""
                if smoke
                else f"< 15 s ({'met' if took < 15 else 'missed'}); ≤ 1.3× "
                f"({'met' if took <= 1.3 * alone else 'missed'})",
            }
        )
    return rows


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
