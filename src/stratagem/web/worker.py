"""The dashboard's runs in a worker process, reporting progress, cancelled by a kill.

The server stays free for every other session while a run computes.

A run (the chosen models, their simulations, the graph model) is a :class:`RunJob`; the
session awaits :func:`run_in_worker` in a thread (a Shiny extended task), which starts a
fork of the dashboard's forkserver, relays its progress into a :class:`RunHandle` and
returns what the worker sent. :meth:`RunHandle.cancel` kills the worker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import stratagem
from stratagem import models
from stratagem.errors import InvalidInputError
from stratagem.limits import limit
from stratagem.scenario import Scenario

__all__ = ["RunHandle", "RunJob", "run_in_worker"]


@dataclass(frozen=True)
class RunJob:
    """What a Run computes: forecasts, simulations of the batched models, the graph model."""

    scenario: Scenario
    models: tuple[str, ...]
    branch: str | None
    draws: int
    seed: int = 0


@dataclass
class RunHandle:
    """One session's running job: its worker, its progress, whether it was cancelled."""

    process: Any = None
    progress: tuple[int, int, str] = (0, 0, "")
    cancelled: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cancel(self) -> None:
        """Kill the worker, if one runs."""
        with self.lock:
            self.cancelled = True
            if self.process is not None and self.process.is_alive():
                self.process.kill()


def _run_job(job: RunJob, conn: Any) -> None:
    import resource

    cap = limit("model_memory_mb") * 1024 * 1024 * 2  # the models' own check, with room
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        sc = job.scenario
        result = stratagem.forecast(sc, list(job.models), seed=job.seed, branch=job.branch)
        batched = [m for m in job.models if models.get(m).batch is not None] if job.draws else []
        ensembles = []
        total = job.draws * len(batched)
        for k, name in enumerate(batched):

            def advance(
                done: int, _all: int, before: int = k * job.draws, what: str = name
            ) -> None:
                conn.send(("progress", before + done, total, what))

            ensembles.append(
                stratagem.simulate(
                    sc,
                    name,
                    job.draws,
                    seed=job.seed,
                    branches=[job.branch] if job.branch else [],
                    executor="serial",  # the worker is the process: no pool of its own
                    progress=advance,
                )
            )
        analysed = None
        if sc.with_branch(job.branch).conflict is not None:
            conn.send(("progress", total, total, "the graph model"))
            analysed = stratagem.conflict_analysis(sc, job.branch, executor="serial")
        conn.send(
            (
                "done",
                {
                    "forecasts": result.forecasts,
                    "ensembles": ensembles,
                    "branch": job.branch,
                    "conflict": analysed,
                },
            )
        )
    except InvalidInputError as err:
        conn.send(("invalid", "\n".join(p.format() for p in err.problems)))
    except MemoryError:
        conn.send(("failed", "the run needs more memory than the dashboard's worker may use"))
    except Exception as exc:  # noqa: BLE001 - a model's failure is shown, never a crash
        conn.send(("failed", f"the run failed ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


def run_in_worker(job: RunJob, handle: RunHandle, context: Any) -> tuple[str, Any]:
    """Run ``job`` in a worker started from ``context``; block until it answers.

    Returns ``("done", results)``, ``("invalid", messages)``, ``("failed", why)`` or
    ``("cancelled", None)``.
    """
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run_job, args=(job, send), daemon=True)
    with handle.lock:
        handle.cancelled = False
        handle.progress = (0, 0, "starting")
        handle.process = process
        process.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                if handle.cancelled:
                    return ("cancelled", None)
                return ("failed", "the run's worker stopped without an answer")
            if message[0] == "progress":
                handle.progress = (int(message[1]), int(message[2]), str(message[3]))
                continue
            return (str(message[0]), message[1])
    finally:
        process.kill()
        process.join(5)
        receive.close()
        with handle.lock:
            handle.process = None
