"""Monte Carlo over uncertain inputs: distributions of forecasts and outcome probabilities.

Reproducibility: one :class:`numpy.random.SeedSequence` per run, ``spawn``-ed into one child
per *chunk* of draws. Chunks have a fixed size whatever the executor, so the same seed
gives bit-identical results serially, on local processes or on a Dask cluster, with any
number of workers. Models with a batched entry point run each chunk as one vectorised
batch; others run draw by draw.

Branches are compared on the same draws (common random numbers): every draw keeps its
perturbation of the inputs a branch does not change, so "branch − baseline" is a paired
difference with its own interval.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import StratagemError
from stratagem.models.registry import get
from stratagem.results import Ensemble
from stratagem.scenario import Scenario
from stratagem.uncertainty.sampling import Draws, apply_branch, sample, uncertain_inputs

__all__ = [
    "DrawFailedError",
    "run_chunk",
    "simulate",
]

FloatArray = npt.NDArray[np.float64]
CHUNK = 250


class DrawFailedError(StratagemError):
    """A model failed on one draw; the draw's index and seed say how to reproduce it."""


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to compute one chunk (picklable)."""

    scenario: Scenario
    model: str
    params: Mapping[str, Any]
    seed: int
    chunk: int
    n_chunks: int
    start: int
    size: int
    branches: tuple[str | None, ...]
    spread: Mapping[str, float]


def _forecast_draws(
    scenario: Scenario,
    model: str,
    params: Mapping[str, Any],
    draws: Draws,
    first_draw: int,
    seed: int,
) -> FloatArray:
    spec = get(model)
    batch_error: Exception | None = None
    if spec.batch is not None:
        try:
            return np.asarray(spec.batch(scenario, draws, params), dtype=float)
        except Exception as exc:  # noqa: BLE001 - located draw by draw below
            batch_error = exc
    out = np.empty((draws.n, scenario.n_issues))
    for d in range(draws.n):
        try:
            one = scenario.with_inputs(draws.positions[d], draws.salience[d], draws.capability[d])
            forecast = spec.run(one, params, seed=seed + first_draw + d)
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


def run_chunk(task: ChunkTask) -> dict[str | None, FloatArray]:
    """Draw one chunk of perturbed inputs and forecast it under every branch."""
    children = np.random.SeedSequence(task.seed).spawn(task.n_chunks)
    rng = np.random.default_rng(children[task.chunk])
    inputs = uncertain_inputs(task.scenario, task.spread)
    draws = sample(task.scenario, inputs, task.size, rng)
    out: dict[str | None, FloatArray] = {}
    for branch in task.branches:
        scenario, branch_draws = apply_branch(task.scenario, branch, draws)
        out[branch] = _forecast_draws(
            scenario, task.model, task.params, branch_draws, task.start, task.seed
        )
    return out


Executor = Callable[[Sequence[ChunkTask]], Iterator[tuple[int, dict[str | None, FloatArray]]]]


def _serial(tasks: Sequence[ChunkTask]) -> Iterator[tuple[int, dict[str | None, FloatArray]]]:
    for task in tasks:
        yield task.chunk, run_chunk(task)


def _processes(workers: int | None) -> Executor:
    def run(tasks: Sequence[ChunkTask]) -> Iterator[tuple[int, dict[str | None, FloatArray]]]:
        import concurrent.futures as cf
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(
            max_workers=workers or os.cpu_count(), mp_context=context
        ) as pool:
            futures = {pool.submit(run_chunk, t): t.chunk for t in tasks}
            try:
                for future in cf.as_completed(futures):
                    yield futures[future], future.result()
            except BaseException:
                for f in futures:
                    f.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise

    return run


def _dask(address: str | None, workers: int | None) -> Executor:
    def run(tasks: Sequence[ChunkTask]) -> Iterator[tuple[int, dict[str | None, FloatArray]]]:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise StratagemError(
                "the dask executor needs the optional extra: pip install 'stratagem[dask]'"
            ) from exc
        cluster = None
        if address:
            client = Client(address)
        else:
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                processes=True,
            )
            client = Client(cluster)
        try:
            futures = client.map(run_chunk, list(tasks), pure=False)
            chunk_of = {f.key: t.chunk for f, t in zip(futures, tasks, strict=True)}
            for future in as_completed(futures):
                yield chunk_of[future.key], future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run


def simulate(
    scenario: Scenario,
    model: str,
    draws: int,
    seed: int,
    params: Mapping[str, Any] | None = None,
    branches: Sequence[str] = (),
    executor: str = "serial",
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
    executor : {"serial", "processes", "dask"}
        Where chunks run; results do not depend on it.
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
    """
    spec = get(model)
    resolved = spec.resolve({**spec.scenario_params(scenario), **(params or {})})
    reason = spec.unavailable(scenario)
    if reason is not None:
        from stratagem.errors import InvalidInputError, Problem

        raise InvalidInputError([Problem(f"model[{model}]", reason)])
    for b in branches:
        scenario.with_branch(b)  # unknown branch: InvalidInputError now, not in a worker
    merged_spread = {**scenario.spread, **(spread or {})}
    n_chunks = max(1, -(-draws // CHUNK))
    tasks = [
        ChunkTask(
            scenario,
            model,
            resolved,
            seed,
            k,
            n_chunks,
            k * CHUNK,
            min(CHUNK, draws - k * CHUNK),
            (None, *branches),
            merged_spread,
        )
        for k in range(n_chunks)
    ]
    run: Executor
    if executor == "serial":
        run = _serial
    elif executor == "processes":
        run = _processes(workers)
    elif executor == "dask":
        run = _dask(address or os.environ.get("STRATAGEM_DASK_ADDRESS"), workers)
    else:
        raise ValueError(f"unknown executor {executor!r}")
    results: dict[int, dict[str | None, FloatArray]] = {}
    interrupted = False
    done = 0
    try:
        for chunk, result in run(tasks):
            results[chunk] = result
            done += tasks[chunk].size
            if progress is not None:
                progress(done, draws)
    except KeyboardInterrupt:
        interrupted = True
    # keep the longest run of consecutive chunks from the first, so partial results are
    # exactly the first draws of the full run
    kept = []
    for k in range(n_chunks):
        if k not in results:
            break
        kept.append(results[k])
    if not kept:
        raise KeyboardInterrupt
    forecasts = {b: np.concatenate([r[b] for r in kept]) for b in (None, *branches)}
    inputs = tuple(u.name for u in uncertain_inputs(scenario, merged_spread))
    return Ensemble(
        scenario=scenario,
        model=model,
        params=resolved,
        seed=seed,
        draws=int(forecasts[None].shape[0]),
        forecasts=forecasts,
        inputs=inputs,
        interrupted=interrupted,
        executor=executor,
    )
