"""Forked workers only where forking is safe: no pools within pools, no threads to lose."""

from __future__ import annotations

import os
import threading

from stratagem.parallel import can_fork, fork_map


def _pid(_: int) -> int:
    return os.getpid()


def test_work_runs_here_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        assert fork_map(_pid, [0, 1, 2], 2) == [os.getpid()] * 3
    finally:
        release.set()
        other.join()


def test_a_worker_does_not_fork_workers_of_its_own() -> None:
    if not can_fork():  # another thread in this test process: nothing to check here
        return
    inner = fork_map(lambda _: fork_map(_pid, [0, 1], 2), [0, 1], 2)
    for pids in inner:
        assert len(set(pids)) == 1  # both items ran in the worker itself
        assert pids[0] != os.getpid()
