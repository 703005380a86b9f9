"""Monte Carlo over uncertain inputs: distributions of forecasts and outcome probabilities.

A thin use of the one engine (:mod:`stratagem.uncertainty.engine`): its evaluator forecasts
every draw of a chunk with one model — as one vectorised batch where the model has a batched
entry point, draw by draw otherwise — and the draws of every branch on the same random
numbers, so "branch − baseline" is a paired difference with its own interval. The same seed
gives bit-identical results on every executor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.models.registry import forecasts_only, get, onto_scales
from stratagem.results import Ensemble
from stratagem.scenario import Scenario
from stratagem.uncertainty.engine import CHUNK, DrawFailedError, run_draws
from stratagem.uncertainty.sampling import Draws

__all__ = ["CHUNK", "DrawFailedError", "ForecastDraws", "forecast_draws", "simulate"]

FloatArray = npt.NDArray[np.float64]


def forecast_draws(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any],
    draws: Draws,
    first_draw: int = 0,
    seed: int = 0,
    vary_seed: bool = True,
) -> FloatArray:
    """The model's forecast of every draw, ``(draws, issues)``.

    A batched model runs all draws at once; if the batch fails, every draw runs alone so
    that the failing one is found and named. A stochastic model runs draw ``d`` with seed
    ``seed + first_draw + d`` (``vary_seed=False``: every draw with ``seed``, so that draws
    differ only by their inputs).

    Raises
    ------
    DrawFailedError
        Naming the draw's index and the run's seed.
    """
    spec = get(model)
    batch_error: Exception | None = None
    if spec.batch is not None:
        try:
            batched = np.array(spec.batch(scenario, draws, params), dtype=float)
            onto_scales(model, scenario.issues, batched)
        except Exception as exc:  # noqa: BLE001 - located draw by draw below
            batch_error = exc
        else:
            return batched
    out = np.empty((draws.n, scenario.n_issues))
    for d in range(draws.n):
        try:
            one = scenario.with_inputs(draws.positions[d], draws.salience[d], draws.capability[d])
            with forecasts_only():
                forecast = spec.run(one, params, seed=seed + first_draw + d if vary_seed else seed)
            out[d] = [forecast.issues[i].forecast for i in scenario.issue_ids]
        except Exception as exc:  # a failing draw is reported, never swallowed
            raise DrawFailedError(
                f"draw {first_draw + d} (seed {seed}, chunk size {CHUNK}) failed in model "
                f"{model}: {type(exc).__name__}: {exc}"
            ) from exc
    if batch_error is not None:  # every draw runs alone: the batched entry point is at fault
        raise DrawFailedError(
            f"draws {first_draw}–{first_draw + draws.n - 1} (seed {seed}): the batched "
            f"{model} failed ({type(batch_error).__name__}: {batch_error}) although each "
            "draw runs alone"
        ) from batch_error
    return out


@dataclass(frozen=True)
class ForecastDraws:
    """The engine's evaluator for forecast distributions: one model, its parameters."""

    model: str
    params: Mapping[str, Any]

    def __call__(self, scenario: Scenario, draws: Draws, first_draw: int, seed: int) -> FloatArray:
        """Forecasts ``(draws, issues)`` of one chunk."""
        return forecast_draws(scenario, self.model, self.params, draws, first_draw, seed)


def simulate(
    scenario: Scenario,
    model: str,
    draws: int,
    seed: int,
    params: Mapping[str, Any] | None = None,
    branches: Sequence[str] = (),
    executor: str = "auto",
    address: str | None = None,
    workers: int | None = None,
    spread: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Ensemble:
    """Forecast ``draws`` perturbed copies of the scenario (and of each branch, paired).

    Parameters
    ----------
    scenario : Scenario
        The scenario; its distributions and default spread say what is uncertain.
    model : str
        Registry name.
    draws : int
        Number of draws.
    seed : int
        Seed of the run's :class:`~numpy.random.SeedSequence`.
    params : mapping, optional
        Model parameters.
    branches : sequence of str
        Branches compared with the baseline on the same draws.
    executor : {"auto", "serial", "processes", "dask"}
        Where chunks run (``auto``: local processes above
        :data:`~stratagem.uncertainty.engine.AUTO_PROCESSES_ABOVE` draws); results do not
        depend on it.
    address : str, optional
        A running Dask scheduler (``tcp://host:port``); without it ``dask`` starts a local
        cluster for the run.
    workers : int, optional
        Worker processes (processes, local Dask cluster).
    spread : mapping, optional
        Default spreads overriding the scenario's.
    progress : callable, optional
        Called with (draws done, draws in all) after each chunk.

    Returns
    -------
    Ensemble
        With ``interrupted=True`` and the completed draws if the run was interrupted
        (Ctrl-C); chunks are kept in order so the completed draws are reproducible.

    Raises
    ------
    DrawFailedError
        If the model fails on a draw (its index and seed are in the message).

    Examples
    --------
    >>> import stratagem
    >>> ensemble = stratagem.simulate(stratagem.load(), "compromise", 200, seed=0)
    >>> ensemble.draws, round(sum(ensemble.outcome_probabilities().values()), 6)
    (200, 1.0)
    """
    resolved = get(model).prepare(scenario, params)
    run = run_draws(
        scenario,
        ForecastDraws(model, resolved),
        draws,
        seed,
        branches=branches,
        spread=spread,
        executor=executor,
        address=address,
        workers=workers,
        progress=progress,
    )
    notes = []
    if scenario.events and not get(model).dynamic:
        notes.append(f"the scenario's events do not act in {model}: it does not run in rounds")
    for b in branches:
        if np.array_equal(run.results[b], run.results[None]):
            notes.append(
                f"the branch {b} changes nothing in {model}: on every draw its forecasts "
                "equal the baseline's"
            )
    return Ensemble(
        scenario=scenario,
        model=model,
        params=resolved,
        seed=seed,
        draws=run.draws,
        forecasts=run.results,
        inputs=run.inputs,
        interrupted=run.interrupted,
        executor=run.executor,
        notes=tuple(notes),
    )
