"""Independent pieces of work in forked processes, without pickling what they work on.

A forked worker inherits the parent's memory, so the function and its items are handed
over through a module variable set just before the fork; only the results travel back
(pickled). Where the platform cannot fork, or there is nothing to share, the work runs
here, one piece after the other, with the same results in the same order.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["can_fork", "fork_map", "forked_after_threads"]

T = TypeVar("T")
R = TypeVar("R")

_WORK: list[Any] = []  # (function, items) of the pool being forked


def can_fork() -> bool:
    """Whether worker processes can be forked here and now.

    On a platform that forks (Linux; not Windows, not macOS's default), from the main
    thread of a process that is not itself a worker (no pools within pools). Work that runs
    in another thread — the dashboard's sessions — stays in its process: a fork copies only
    the calling thread, and a lock another thread held would stay locked in the child.
    """
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and multiprocessing.parent_process() is None
        and threading.current_thread() is threading.main_thread()
    )


def _call(index: int) -> Any:
    function, items = _WORK[0]
    return function(items[index])


def fork_map(function: Callable[[T], R], items: Sequence[T], processes: int) -> list[R]:
    """``[function(item) for item in items]``, in up to ``processes`` forked workers.

    ``processes`` ≤ 1, one item, or a platform that cannot fork: run here. An exception in
    a worker is raised here, as it would have been.
    """
    count = min(processes, len(items))
    if count <= 1 or not can_fork():
        return [function(item) for item in items]
    _WORK[:] = [(function, items)]
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_call, range(len(items)), chunksize=1)
    finally:
        _WORK.clear()


def forked_after_threads() -> bool:
    """Whether this is a forked child of a process that had started numba's thread pool.

    numba's parallel kernels cannot run there (its GNU OpenMP layer aborts the child), so
    code that has a serial path with the same results takes it.
    """
    if multiprocessing.parent_process() is None:
        return False
    pool = sys.modules.get("numba.np.ufunc.parallel")
    return bool(getattr(pool, "_is_initialized", False))
