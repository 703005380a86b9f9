"""Graph model (GMCR): stability of the shipped conflicts, and synthetic conflicts of 4
decision makers with 12, 16 and 20 binary options (4,096, 65,536 and 1,048,576 states).

Targets (issue 19): 65,536 states with every concept in under 10 s and 2 GB; 1,048,576
states with Nash, GMR and SEQ in under 60 s. The fitted exponent is of time against the
number of states. No peer publishes timings for these sizes (gmcr-py is a GUI that builds
dense state × state matrices), so there is no ratio.
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from common import DATA, Row, markdown

import stratagem
from stratagem import io
from stratagem.conflict.model import Conflict, DecisionMaker, Option
from stratagem.conflict.stability import Graph, stability

__all__ = ["markdown", "run"]

ALL = ("nash", "gmr", "smr", "seq", "sim", "seqsim")
LARGE = ("nash", "gmr", "seq")


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(options_per_dm: int, dms: int = 4, seed: int = 0) -> tuple[Conflict, np.ndarray]:
    """Every state feasible, every option reversible; random preference scores with ties."""
    rng = np.random.default_rng(seed)
    m = options_per_dm * dms
    options = tuple(Option(f"o{k}", f"d{k // options_per_dm}") for k in range(m))
    conflict = Conflict("synthetic", tuple(DecisionMaker(f"d{k}") for k in range(dms)), options)
    return conflict, rng.integers(0, 1000, size=(dms, conflict.n_states))


def all_concepts(graph: Graph, concepts: tuple[str, ...]) -> None:
    for concept in concepts:
        stability(graph, concept)


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    repeat = 1 if smoke else 5
    shipped = [(p.stem, io.read_conflict(p)) for p in sorted((DATA / "gmcr").glob("*.gmcr"))]
    case = stratagem.load().conflict
    if case is not None:
        shipped.append(("iraq-2020", case))
    for name, conflict in shipped:
        # a fresh graph each time: a graph keeps what it has computed
        seconds = timed(lambda c=conflict: all_concepts(Graph.build(c), ALL), repeat)
        rows.append(
            {
                "case": f"gmcr {name}: {conflict.n_states} states, build and every concept",
                "ours": f"{seconds * 1000:.1f} ms",
                "memory": "",
                "peer": "",
                "ratio": "",
                "target": "",
            }
        )
    sizes = (2, 3) if smoke else (3, 4, 5)
    states, work, times = [], [], []
    for per in sizes:
        conflict, scores = synthetic(per)
        start = time.perf_counter()
        graph = Graph.build(conflict, scores)
        build = time.perf_counter() - start
        concepts = ALL if per <= 4 else LARGE
        if per <= 4:
            tracemalloc.start()
        start = time.perf_counter()
        all_concepts(graph, LARGE)
        core = time.perf_counter() - start
        rest = 0.0
        if per <= 4:
            start = time.perf_counter()
            all_concepts(graph, tuple(c for c in ALL if c not in LARGE))
            rest = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            memory = f"{peak / 2**20:.0f} MB peak"
        else:
            memory = f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MB max RSS"
        states.append(conflict.n_states)
        work.append(conflict.n_states * sum(len(m) for m in graph.moves))
        times.append(build + core)
        target = ""
        if conflict.n_states == 65_536:
            target = f"every concept < 10 s: {'met' if build + core + rest < 10 else 'MISSED'}"
        elif conflict.n_states == 1_048_576:
            target = f"nash, gmr, seq < 60 s: {'met' if build + core < 60 else 'MISSED'}"
        rows.append(
            {
                "case": f"gmcr synthetic: 4 DMs × {per} options, {conflict.n_states:,} states, "
                + ", ".join(concepts),
                "ours": f"build {build:.2f} s + nash/gmr/seq {core:.2f} s"
                + (f" + smr/sim/seqsim {rest:.2f} s" if rest else ""),
                "memory": memory,
                "peer": "",
                "ratio": "",
                "target": target,
            }
        )

    def exponent(x: list[int]) -> float:
        return float(np.polyfit(np.log(x), np.log(times), 1)[0]) if len(x) > 1 else 0.0

    rows.append(
        {
            "case": "gmcr scaling: build + nash, gmr, seq against states "
            + ", ".join(f"{s:,}" for s in states),
            "ours": ", ".join(f"{t:.3g} s" for t in times),
            "memory": "",
            "peer": "",
            "ratio": f"time ∝ states^{exponent(states):.2f} "
            f"(∝ (states × moves)^{exponent(work):.2f})",
            "target": "",
        }
    )
    return rows
