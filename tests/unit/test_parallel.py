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


def _slow_square(x: int) -> tuple[int, int]:
    import time

    time.sleep(0.02)
    return x * x, os.getpid()


def test_a_begun_map_returns_the_list_comprehension_and_shares_the_items() -> None:
    from stratagem.parallel import begin_map

    begun = begin_map(_slow_square, list(range(12)))
    results = begun.result()
    assert [r[0] for r in results] == [x * x for x in range(12)]
    if can_fork():  # the helper took some items, this process the others
        assert {r[1] for r in results} > {os.getpid()}
    assert begin_map(_slow_square, [3]).result()[0][0] == 9  # one item: run here
    assert begin_map(_slow_square, []).result() == []


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_a_begun_map_raises_here_what_an_item_raised_and_survives_its_helper() -> None:
    import pytest

    from stratagem.parallel import begin_map

    begun = begin_map(_fails_on_three, [0, 1, 2, 3, 4])
    with pytest.raises(ValueError, match="three"):
        begun.result()

    killed = begin_map(_slow_square, list(range(6)))
    if killed._helper is not None:  # a helper killed midway: its items are run here
        killed._helper.kill()
    assert [r[0] for r in killed.result()] == [x * x for x in range(6)]
    cancelled = begin_map(_slow_square, list(range(6)))
    cancelled.cancel()  # the caller gave up: the helper is gone
    assert cancelled._helper is None
