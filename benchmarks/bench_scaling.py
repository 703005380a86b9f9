"""Scaling: time against the number of actors for each model (log–log, fitted exponent);
writes benchmarks/scaling.png."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from common import DATA, Row, markdown, synthetic

import stratagem
import stratagem.io
from stratagem import Scenario, models

HERE = Path(__file__).resolve().parent
KTAB = DATA / "ktab"


def ktab_cases(smoke: bool) -> list[Scenario]:
    names = ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy", "dummyData-a040"]
    if not smoke:
        names += ["dummyData-a080", "dummyData-a160"]
    return [stratagem.io.read(KTAB / f"{n}.csv") for n in names if (KTAB / f"{n}.csv").exists()]


def plan(smoke: bool) -> dict[str, list[tuple[Scenario, dict[str, object]]]]:
    small = smoke
    eum_sizes = [10, 30] if small else [10, 100, 1000]
    exchange_sizes = [10, 20] if small else [10, 25, 50, 100]
    base_sizes = [10, 100] if small else [10, 100, 1000, 10_000]
    return {
        "compromise": [(synthetic(n, 1), {}) for n in base_sizes],
        "eum": [(synthetic(n, 1), {"stop": "rounds", "rounds": 10}) for n in eum_sizes],
        "smp": [(sc, {}) for sc in ktab_cases(smoke)],
        "exchange": [
            (synthetic(n, 10), {"rounds": 10, "engine": "compiled"}) for n in exchange_sizes
        ],
    }


def fit(actors: list[int], seconds: list[float]) -> float:
    """Exponent b of seconds ≈ a · actors^b (least squares on the logs)."""
    if len(actors) < 2:
        return float("nan")
    slope, _ = np.polyfit(np.log(actors), np.log(seconds), 1)
    return float(slope)


def run(smoke: bool) -> list[Row]:
    rows: list[Row] = []
    curves: dict[str, tuple[list[int], list[float]]] = {}
    # compile the exchange kernel before timing it
    stratagem.run(synthetic(5, 3), "exchange", params={"rounds": 1, "engine": "compiled"})
    for model, cases in plan(smoke).items():
        spec = models.get(model)
        sizes, times = [], []
        for scenario, params in cases:
            start = time.perf_counter()
            spec.run(scenario, params, seed=1)
            sizes.append(scenario.n_actors)
            times.append(time.perf_counter() - start)
        curves[model] = (sizes, times)
        exponent = fit(sizes, times)
        rows.append(
            {
                "case": f"scaling {model}: actors {', '.join(map(str, sizes))}",
                "ours": ", ".join(f"{t:.3g} s" for t in times),
                "memory": "",
                "peer": "KTAB ≈ O(n^3.3) (MODELS.md §2)" if model == "smp" else "",
                "ratio": f"time ∝ actors^{exponent:.2f}",
                "target": "",
            }
        )
    if not smoke:
        _plot(curves)
    return rows


def _plot(curves: dict[str, tuple[list[int], list[float]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for model, (sizes, times) in curves.items():
        ax.loglog(sizes, times, marker="o", label=f"{model} (∝ n^{fit(sizes, times):.2f})")
    ax.set_xlabel("actors")
    ax.set_ylabel("seconds per run")
    ax.set_title("Time against number of actors (log–log)", loc="left")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "scaling.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    print(markdown(run(smoke=False)))
