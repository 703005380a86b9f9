"""Time the decide package's own equal-gain model on a file (benchmark only).

Run with the interpreter of an environment where ``decide-exchange-model`` (GPL-3.0) is
installed — it pins old pandas and matplotlib, so it never goes into stratagem's own
environment. Its released command line crashes and needs a Qt display, so this calls its
model loop directly (``ModelLoop.loop`` per round, no observers). Prints the seconds.

    python decide_side.py FILE ROUNDS
"""

from __future__ import annotations

import sys
import tempfile
import time

from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop


def main() -> None:
    path, rounds = sys.argv[1], int(sys.argv[2])
    factory = ModelFactory(InputDataFile.open(path))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        model = factory(model_klass=equalgain.EqualGainModel, randomized_value=0.0)
        loop = ModelLoop(model, Observable(model_ref=model, output_directory=out), 0)
        for _ in range(rounds):
            loop.loop()
        print(time.perf_counter() - start)


if __name__ == "__main__":
    main()
