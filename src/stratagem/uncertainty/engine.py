"""The one uncertainty engine: perturbed copies of a scenario, in chunks, on any executor.

Every analysis that asks "how does this come out when the inputs vary?" — forecast
distributions (:func:`stratagem.uncertainty.montecarlo.simulate`), the stability of
coalitions, the survival of a game's equilibria — hands the engine an *evaluator*: a
picklable callable that turns one chunk of draws into one result per draw. The engine

* draws the scenario's uncertain inputs (its distributions and default spread,
  :mod:`stratagem.uncertainty.sampling`);
* splits the draws into chunks of :data:`CHUNK`, each with its own random stream
  ``SeedSequence(seed).spawn(n_chunks)[k]``, so the same seed gives the same numbers
  serially, on local processes or on a Dask cluster, with any number of workers;
* evaluates every chunk under the baseline and each branch on the same draws (common
  random numbers: a draw keeps its perturbation of the inputs a branch does not change);
* reports progress after each chunk, and on Ctrl-C keeps the completed first chunks, so
  partial results are exactly the first draws of the full run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from stratagem.errors import InvalidInputError, Problem, StratagemError
from stratagem.limits import exceeded, limit
from stratagem.scenario import Scenario
from stratagem.uncertainty.sampling import Draws, apply_branch, sample, uncertain_inputs

__all__ = [
    "AUTO_PROCESSES_ABOVE",
    "CHUNK",
    "EXECUTORS",
    "DrawFailedError",
    "DrawRun",
    "Evaluator",
    "RandomEvaluator",
    "choose_executor",
    "run_draws",
    "run_random_draws",
]

CHUNK = 250
"""Draws per chunk: fixed whatever the executor, so that results do not depend on it."""
AUTO_PROCESSES_ABOVE = 5000
"""``executor="auto"`` runs serially up to this many draws, on local processes above."""
EXECUTORS = ("auto", "serial", "processes", "dask")


class DrawFailedError(StratagemError):
    """An evaluation failed on one draw; the draw's index and seed say how to reproduce it."""


class Evaluator(Protocol):
    """Turns one chunk of draws into one result per draw (a list, or an array by draw)."""

    def __call__(self, scenario: Scenario, draws: Draws, first_draw: int, seed: int) -> Any:
        """Results for ``draws`` of ``scenario`` (the branch applied).

        ``first_draw`` is the index of the chunk's first draw in the run.
        """
        ...


class RandomEvaluator(Protocol):
    """Draws what it needs itself: one result per draw of a chunk, from the chunk's stream."""

    def __call__(self, size: int, first_draw: int, rng: np.random.Generator) -> Any:
        """Results for ``size`` draws, the first being draw ``first_draw`` of the run."""
        ...


@dataclass(frozen=True)
class _Chunk:
    """Everything a worker needs to evaluate one chunk (picklable).

    Without a scenario the evaluator is a :class:`RandomEvaluator`.
    """

    scenario: Scenario | None
    evaluate: Any
    seed: int
    chunk: int
    n_chunks: int
    start: int
    size: int
    branches: tuple[str | None, ...]
    spread: Mapping[str, float]


def _run_chunk(task: _Chunk) -> dict[str | None, Any]:
    children = np.random.SeedSequence(task.seed).spawn(task.n_chunks)
    rng = np.random.default_rng(children[task.chunk])
    if task.scenario is None:
        return {None: task.evaluate(task.size, task.start, rng)}
    inputs = uncertain_inputs(task.scenario, task.spread)
    draws = sample(task.scenario, inputs, task.size, rng)
    out: dict[str | None, Any] = {}
    for branch in task.branches:
        scenario, branch_draws = apply_branch(task.scenario, branch, draws)
        out[branch] = task.evaluate(scenario, branch_draws, task.start, task.seed)
    return out


@dataclass(frozen=True)
class DrawRun:
    """What :func:`run_draws` returns: per branch (``None``: baseline), one result per draw.

    ``results[branch]`` is an array with the draws on its first axis when the evaluator
    returns arrays, else a list.
    """

    results: Mapping[str | None, Any]
    draws: int
    requested: int
    seed: int
    inputs: tuple[str, ...]
    executor: str
    spread: Mapping[str, float] = field(default_factory=dict)

    @property
    def interrupted(self) -> bool:
        """Whether fewer draws completed than were asked for (Ctrl-C)."""
        return self.draws < self.requested


_Executor = Callable[[Sequence[_Chunk]], Iterator[tuple[int, dict[str | None, Any]]]]


def _serial(tasks: Sequence[_Chunk]) -> Iterator[tuple[int, dict[str | None, Any]]]:
    for task in tasks:
        yield task.chunk, _run_chunk(task)


def _processes(workers: int | None) -> _Executor:
    def run(tasks: Sequence[_Chunk]) -> Iterator[tuple[int, dict[str | None, Any]]]:
        import concurrent.futures as cf
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(
            max_workers=workers or os.cpu_count(), mp_context=context
        ) as pool:
            futures = {pool.submit(_run_chunk, t): t.chunk for t in tasks}
            try:
                for future in cf.as_completed(futures):
                    yield futures[future], future.result()
            except BaseException:
                for f in futures:
                    f.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise

    return run


def _dask(address: str | None, workers: int | None) -> _Executor:
    def run(tasks: Sequence[_Chunk]) -> Iterator[tuple[int, dict[str | None, Any]]]:
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
            futures = client.map(_run_chunk, list(tasks), pure=False)
            chunk_of = {f.key: t.chunk for f, t in zip(futures, tasks, strict=True)}
            for future in as_completed(futures):
                yield chunk_of[future.key], future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run


def choose_executor(executor: str, draws: int) -> str:
    """The executor ``auto`` stands for with this many draws (others are returned as given).

    Raises
    ------
    InvalidInputError
        If the executor is not one of :data:`EXECUTORS`.
    """
    if executor not in EXECUTORS:
        raise InvalidInputError(
            [Problem("executor", f"{executor!r} is not one of {', '.join(EXECUTORS)}")]
        )
    if executor == "auto":
        return "processes" if draws > AUTO_PROCESSES_ABOVE else "serial"
    return executor


def _concatenate(parts: list[Any]) -> Any:
    if parts and isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return [item for part in parts for item in part]


def run_draws(
    scenario: Scenario,
    evaluate: Evaluator,
    draws: int,
    seed: int,
    branches: Sequence[str] = (),
    spread: Mapping[str, float] | None = None,
    executor: str = "auto",
    address: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DrawRun:
    """Evaluate ``draws`` perturbed copies of the scenario, and of each branch, paired.

    Parameters
    ----------
    scenario : Scenario
        The scenario; its distributions and default spread say what is uncertain.
    evaluate : Evaluator
        Picklable: ``(scenario, draws, first_draw, seed) -> one result per draw``.
    draws : int
        Number of draws.
    seed : int
        Seed of the run's :class:`~numpy.random.SeedSequence`.
    branches : sequence of str
        Branches evaluated on the same draws as the baseline.
    spread : mapping, optional
        Default spreads overriding the scenario's.
    executor : {"auto", "serial", "processes", "dask"}
        Where chunks run (:func:`choose_executor`); results do not depend on it.
    address : str, optional
        A running Dask scheduler (``tcp://host:port``; default ``STRATAGEM_DASK_ADDRESS``);
        without one, ``dask`` starts a local cluster for the run.
    workers : int, optional
        Worker processes (processes, local Dask cluster).
    progress : callable, optional
        Called with (draws done, draws in all) after each chunk.

    Raises
    ------
    InvalidInputError
        If a branch or the executor is unknown, or the draws are over the ``draws`` limit.
    DrawFailedError
        If the evaluator fails on a draw.
    KeyboardInterrupt
        If interrupted before the first chunk completed.
    """
    if draws > limit("draws"):
        raise InvalidInputError([Problem("draws", exceeded("draws", f"{draws:,} draws"))])
    for b in branches:
        scenario.with_branch(b)  # unknown branch: InvalidInputError now, not in a worker
    merged_spread = {**scenario.spread, **(spread or {})}
    results, chosen = _execute(
        scenario,
        evaluate,
        draws,
        seed,
        (None, *branches),
        merged_spread,
        executor,
        address,
        workers,
        progress,
    )
    return DrawRun(
        results=results,
        draws=len(next(iter(results.values()))),
        requested=draws,
        seed=seed,
        inputs=tuple(u.name for u in uncertain_inputs(scenario, merged_spread)),
        executor=chosen,
        spread=merged_spread,
    )


def run_random_draws(
    evaluate: RandomEvaluator,
    draws: int,
    seed: int,
    executor: str = "auto",
    address: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DrawRun:
    """Evaluate ``draws`` draws that the evaluator makes itself from each chunk's stream.

    For uncertainty that is not in a scenario's inputs (the graph model's uncertain
    preference statements): the same chunks, seeds, executors, progress and interruption
    as :func:`run_draws`.
    """
    results, chosen = _execute(
        None, evaluate, draws, seed, (None,), {}, executor, address, workers, progress
    )
    return DrawRun(
        results=results,
        draws=len(results[None]),
        requested=draws,
        seed=seed,
        inputs=(),
        executor=chosen,
    )


def _execute(
    scenario: Scenario | None,
    evaluate: Any,
    draws: int,
    seed: int,
    branches: tuple[str | None, ...],
    spread: Mapping[str, float],
    executor: str,
    address: str | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str | None, Any], str]:
    """Run every chunk; the results per branch of the completed first chunks."""
    chosen = choose_executor(executor, draws)
    n_chunks = max(1, -(-draws // CHUNK))
    tasks = [
        _Chunk(
            scenario,
            evaluate,
            seed,
            k,
            n_chunks,
            k * CHUNK,
            min(CHUNK, draws - k * CHUNK),
            branches,
            spread,
        )
        for k in range(n_chunks)
    ]
    run: _Executor
    if chosen == "serial":
        run = _serial
    elif chosen == "processes":
        run = _processes(workers)
    else:
        run = _dask(address or os.environ.get("STRATAGEM_DASK_ADDRESS"), workers)
    results: dict[int, dict[str | None, Any]] = {}
    done = 0
    try:
        for chunk, result in run(tasks):
            results[chunk] = result
            done += tasks[chunk].size
            if progress is not None:
                progress(done, draws)
    except KeyboardInterrupt:
        pass
    kept = []
    for k in range(n_chunks):
        if k not in results:
            break
        kept.append(results[k])
    if not kept:
        raise KeyboardInterrupt
    return {b: _concatenate([r[b] for r in kept]) for b in branches}, chosen
