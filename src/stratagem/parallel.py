"""Independent pieces of work in forked processes, without pickling what they work on.

A forked worker inherits the parent's memory, so the function and its items are handed
over through a module variable set just before the fork; only the results travel back
(pickled). Where the platform cannot fork, or there is nothing to share, the work runs
here, one piece after the other, with the same results in the same order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

__all__ = [
    "Begun",
    "begin_map",
    "can_fork",
    "fork_map",
    "forked_after_threads",
    "threads_started",
]

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


_NOT_YET = object()


class Begun(Generic[R]):
    """``[function(item) for item in items]`` begun by a forked helper while the caller goes on.

    The helper takes the items from the front; :meth:`result` makes the caller take them
    from the back (its core plays too) until the two meet, then gathers the helper's
    results. Each side writes only its own counter, so no lock is shared that a killed
    helper could leave held; where both take the last item at once, it is run twice, with
    the same result. An item the helper took and did not finish (it failed, or was killed)
    is run again here, so an exception is raised here as it would have been, and the
    results are those of the list comprehension, in its order, however the items were split.
    """

    def __init__(self, function: Callable[[T], R], items: Sequence[T]) -> None:
        self._function: Callable[[Any], R] = function
        self._items: list[Any] = list(items)
        self._results: list[Any] = [_NOT_YET] * len(self._items)
        self._helper: Any = None
        if len(self._items) > 1 and can_fork():
            context = multiprocessing.get_context("fork")
            self._front = context.RawValue("q", 0)  # the helper's next item
            self._back = context.RawValue("q", len(self._items))  # past the caller's last
            self._receive, send = context.Pipe(duplex=False)
            self._helper = context.Process(target=self._help, args=(send,), daemon=True)
            self._helper.start()
            send.close()

    def _help(self, send: Any) -> None:
        done: dict[int, Any] = {}
        # an item that raises is left undone: the caller runs it again and raises
        with contextlib.suppress(BaseException):
            while (index := int(self._front.value)) < self._back.value:
                self._front.value = index + 1
                done[index] = self._function(self._items[index])
        send.send(done)
        send.close()

    def result(self) -> list[R]:
        """The results in the items' order (waits for the helper; runs what it left here)."""
        if self._helper is not None:
            while (index := int(self._back.value) - 1) >= self._front.value:
                self._back.value = index
                self._results[index] = self._function(self._items[index])
            try:
                done = self._receive.recv()
            except (EOFError, OSError):  # the helper died: its items are run below
                done = {}
            self._stop()
            for index, value in done.items():
                if self._results[index] is _NOT_YET:
                    self._results[index] = value
        for index, value in enumerate(self._results):
            if value is _NOT_YET:
                self._results[index] = self._function(self._items[index])
        return list(self._results)

    def cancel(self) -> None:
        """Stop the helper at once (the caller failed and will not ask for the results)."""
        if self._helper is not None:
            self._helper.terminate()
            self._stop()

    def _stop(self) -> None:
        self._helper.join()
        self._helper.close()
        self._receive.close()
        self._helper = None


def begin_map(function: Callable[[T], R], items: Sequence[T]) -> Begun[R]:
    """Begin ``[function(item) for item in items]`` in a forked helper; see :class:`Begun`.

    Where the platform cannot fork (or there is one item), nothing starts now and
    :meth:`Begun.result` runs every item here.
    """
    return Begun(function, items)


def threads_started() -> bool:
    """Whether this process has started numba's thread pool (a forked child inherits it)."""
    pool = sys.modules.get("numba.np.ufunc.parallel")
    return bool(getattr(pool, "_is_initialized", False))


def forked_after_threads() -> bool:
    """Whether this is a forked child of a process that had started numba's thread pool.

    numba's compiled kernels cannot run there (its GNU OpenMP layer aborts the child), so
    code that has a serial path with the same results takes it.
    """
    return multiprocessing.parent_process() is not None and threads_started()
