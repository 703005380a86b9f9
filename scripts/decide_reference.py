"""Record decide's own runs (equal gain and randomized) as reference data for the tests.

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
first) and the exchanges of the first round in execution order (actors, issues, gain,
each side's gain), for the equal-gain model and for the randomized one (p = 0.5); for
sample_data and copenhagen, the round-9 compromise of 100 seeded equal-gain runs (the
spread of decide's own process).
It calls decide's model loop directly: decide's command line crashes and needs Qt.
"""

from __future__ import annotations

import json
import re
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
RANDOMIZED_P = 0.5
SEEDED = range(5)
DRAWS = range(100)
KEPT_ROUNDS = 1
FILES = {"sample_data.txt": True, "copenhagen.csv": True, "cop21.csv": False}


def run(path: Path, seed: int, p: float = 0.0) -> dict[str, Any]:
    """decide's equal-gain model (randomized with p > 0) for ROUNDS rounds, seeded draws."""
    stream = np.random.default_rng(seed)
    equalgain.random = types.SimpleNamespace(random=stream.random, uniform=stream.uniform)
    model = ModelFactory(InputDataFile.open(str(path)))(
        model_klass=equalgain.EqualGainModel, randomized_value=str(p) if p else 0.0
    )  # decide's arithmetic wants p as a decimal string
    compromise: dict[str, list[float]] = {}
    exchanges: list[list[list[Any]]] = []
    # the gains of each exchange executed, read when it is chosen: decide can leave an
    # executed exchange in its list (a tie draw appends it twice), and recalculating it
    # there zeroes the gains its after-loop event would report
    chosen_gains: list[list[float]] = []
    choose = model.highest_gain

    def highest_gain() -> Any:
        exchange = choose()
        if exchange.is_valid:
            gains = (exchange.gain, exchange.i.eu, exchange.j.eu)
            chosen_gains.append([float(g) for g in gains])
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
                        *gains,
                    ]
                    for e, gains in zip(realized, chosen_gains, strict=True)
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
            f"decide-exchange-model {version('decide-exchange-model')}, equal gain (p = 0) "
            f"and randomized (p = {RANDOMIZED_P}), {ROUNDS} rounds; draws from "
            "numpy.random.default_rng(seed); written by scripts/decide_reference.py"
        ),
        "files": {},
    }
    for name, draws in FILES.items():
        start = time.perf_counter()
        runs = {seed: run(folder / name, seed) for seed in SEEDED}
        randomized = {seed: run(folder / name, seed, RANDOMIZED_P) for seed in SEEDED}
        entry: dict[str, Any] = {
            label: {
                str(seed): {
                    "compromise_by_round": r["compromise_by_round"],
                    "exchanges": r["exchanges"][:KEPT_ROUNDS],
                    "exchange_counts": [len(x) for x in r["exchanges"]],
                }
                for seed, r in group.items()
            }
            for label, group in (("seeded", runs), ("randomized", randomized))
        }
        entry["randomized_p"] = RANDOMIZED_P
        if draws:
            finals: dict[str, list[float]] = {}
            for seed in DRAWS:
                r = runs[seed] if seed in runs else run(folder / name, seed)
                for issue, values in r["compromise_by_round"].items():
                    finals.setdefault(issue, []).append(values[9])
            entry["round_9_by_seed"] = finals
        out["files"][name] = entry
        print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    sys.stdout.write(compact(json.dumps(out, indent=1)) + "\n")


def compact(text: str) -> str:
    """Lists of plain values (rows, series) on one line each."""
    return re.sub(
        r"\[\n\s*([^\[\]{}]*?)\n\s*\]",
        lambda match: "[" + re.sub(r",\n\s*", ", ", match.group(1)) + "]",
        text,
    )


if __name__ == "__main__":
    main()
