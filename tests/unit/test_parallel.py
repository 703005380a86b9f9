"""Forked workers only where forking is safe: no pools within pools, no threads to lose."""

from __future__ import annotations

import os
import threading

from stratagem.parallel import can_fork, fork_map


def _pid(_: int) -> int:
    return os.getpid()


def test_work_called_from_another_thread_runs_in_that_thread_s_process() -> None:
    seen: list[object] = []

    def work() -> None:
        seen.append(can_fork())
        seen.append(fork_map(_pid, [0, 1, 2], 2))

    other = threading.Thread(target=work)
    other.start()
    other.join()
    assert seen == [False, [os.getpid()] * 3]


def test_a_worker_does_not_fork_workers_of_its_own() -> None:
    if not can_fork():  # another thread in this test process: nothing to check here
        return
    inner = fork_map(lambda _: fork_map(_pid, [0, 1], 2), [0, 1], 2)
    for pids in inner:
        assert len(set(pids)) == 1  # both items ran in the worker itself
        assert pids[0] != os.getpid()


def test_a_forked_worker_knows_when_numba_threads_ran_before_the_fork() -> None:
    """The exchange model's compiled kernel would abort a forked child of a process whose
    GNU OpenMP threads had started: such a child runs the numpy engine (the same runs)."""
    import stratagem
    from stratagem.parallel import forked_after_threads

    sc = stratagem.load()
    assert not forked_after_threads()  # not a forked child
    here = stratagem.run(sc, "exchange", {"engine": "compiled"}, seed=1).positions()
    if not can_fork():
        return
    there = fork_map(
        lambda _: (
            forked_after_threads(),
            stratagem.run(sc, "exchange", {"engine": "compiled"}, seed=1).positions(),
        ),
        [0, 1],
        2,
    )
    for flagged, positions in there:
        assert flagged
        assert positions == here
