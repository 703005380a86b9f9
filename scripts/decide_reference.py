"""Record decide's own equal-gain runs as reference data for the exchange model's tests.

Runs in an interpreter where the decide package is installed (GPL-3.0; benchmark and
reference only, never a dependency of stratagem)::

    python3 -m venv /tmp/decide
    /tmp/decide/bin/pip install decide-exchange-model==2022.1.28 numpy
    /tmp/decide/bin/python scripts/decide_reference.py ../shared/data/decide \
        > tests/golden/data/decide_runs.json

decide breaks equal gains with Python's unseeded ``random``, so its published run is one
draw. Here its draws come from ``numpy.random.default_rng(seed)`` instead (its module's
``random`` is replaced), the same stream stratagem's ``ties=decide`` draws from with the
same seed. Recorded per file: for a few seeds, the preference compromise per round (round 0
first) and the exchanges of the first two rounds in execution order; for sample_data and
copenhagen, the round-9 compromise of 100 seeded runs (the spread of decide's own process).
It calls decide's model loop directly: decide's command line crashes and needs Qt.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import types
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop

ROUNDS = 10
SEEDED = range(5)
DRAWS = range(100)
KEPT_ROUNDS = 2
FILES = {"sample_data.txt": True, "copenhagen.csv": True, "cop21.csv": False}


def run(path: Path, seed: int) -> dict[str, Any]:
    """decide's equal-gain model (p = 0) for ROUNDS rounds, tie draws from the seed."""
    stream = np.random.default_rng(seed)
    equalgain.random = types.SimpleNamespace(random=stream.random, uniform=stream.uniform)
    model = ModelFactory(InputDataFile.open(str(path)))(
        model_klass=equalgain.EqualGainModel, randomized_value=0.0
    )
    compromise: dict[str, list[float]] = {}
    exchanges: list[list[list[Any]]] = []
    # the gain of each exchange executed, read when it is chosen: decide can leave an
    # executed exchange in its list (a tie draw appends it twice), and recalculating it
    # there zeroes the gain its after-loop event would report
    chosen_gains: list[float] = []
    choose = model.highest_gain

    def highest_gain() -> Any:
        exchange = choose()
        if exchange.is_valid:
            chosen_gains.append(float(exchange.gain))
        return exchange

    model.highest_gain = highest_gain
    with tempfile.TemporaryDirectory() as scratch:
        events = Observable(model_ref=model, output_directory=scratch)

        def after_loop(realized: list[Any], iteration: int, repetition: int) -> None:
            exchanges.append(
                [
                    [
                        e.i.actor.actor_id,
                        e.i.supply.issue.name,
                        e.j.actor.actor_id,
                        e.j.supply.issue.name,
                        gain,
                    ]
                    for e, gain in zip(realized, chosen_gains, strict=True)
                ]
            )
            chosen_gains.clear()

        events.after_loop = after_loop
        loop = ModelLoop(model, events, 0)
        for round_no in range(ROUNDS + 1):
            model.calc_nbs()
            for issue, value in model.nbs.items():
                compromise.setdefault(issue.name, []).append(float(issue.de_normalize(value)))
            if round_no < ROUNDS:
                loop.loop()
    return {"compromise_by_round": compromise, "exchanges": exchanges}


def main() -> None:
    folder = Path(sys.argv[1])
    out: dict[str, Any] = {
        "about": (
            f"decide-exchange-model {version('decide-exchange-model')}, equal gain, p = 0, "
            f"{ROUNDS} rounds; tie draws from numpy.random.default_rng(seed); written by "
            "scripts/decide_reference.py"
        ),
        "files": {},
    }
    for name, draws in FILES.items():
        start = time.perf_counter()
        runs = {seed: run(folder / name, seed) for seed in SEEDED}
        entry: dict[str, Any] = {
            "seeded": {
                str(seed): {
                    "compromise_by_round": r["compromise_by_round"],
                    "exchanges": r["exchanges"][:KEPT_ROUNDS],
                    "exchange_counts": [len(x) for x in r["exchanges"]],
                }
                for seed, r in runs.items()
            }
        }
        if draws:
            finals: dict[str, list[float]] = {}
            for seed in DRAWS:
                r = runs[seed] if seed in runs else run(folder / name, seed)
                for issue, values in r["compromise_by_round"].items():
                    finals.setdefault(issue, []).append(values[9])
            entry["round_9_by_seed"] = finals
        out["files"][name] = entry
        print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
