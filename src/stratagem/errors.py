"""Errors raised for a user's mistakes, carrying every problem found at once.

A :class:`Problem` names the field and the reason; readers of file formats add the
file and line. The CLI prints each as ``FILE:LINE: field: reason`` and exits with
code 3 (:data:`EXIT_INVALID_INPUT`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

__all__ = [
    "EXIT_FAILURE",
    "EXIT_INVALID_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "InvalidInputError",
    "Problem",
    "StratagemError",
]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INVALID_INPUT = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    field : str
        Dotted path of the offending field, e.g. ``actors[us].capability``.
    reason : str
        Why the value is not acceptable, in plain words.
    line : int or None
        1-based line in the source file, when known.
    source : str or None
        The file (or ``<stdin>``) the value came from, when known.
    """

    field: str
    reason: str
    line: int | None = None
    source: str | None = None

    def format(self) -> str:
        """Render as ``FILE:LINE: field: reason`` (parts that are unknown are omitted)."""
        where = self.source or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.field}: {self.reason}"

    def located(self, source: str | None, line: int | None) -> Problem:
        """Return a copy with the source and line filled in where still unknown."""
        return replace(
            self,
            source=self.source if self.source is not None else source,
            line=self.line if self.line is not None else line,
        )


class StratagemError(Exception):
    """Base class of every error stratagem raises on purpose."""


class InvalidInputError(StratagemError):
    """The input (a scenario, a file, a parameter) is not valid.

    Parameters
    ----------
    problems : iterable of Problem
        Every problem found; never empty.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InvalidInputError needs at least one problem")
        super().__init__("\n".join(p.format() for p in self.problems))

    def located(
        self, source: str | None, line_of: Callable[[str], int | None] | None = None
    ) -> InvalidInputError:
        """Return a copy whose problems name ``source`` and, via ``line_of``, their lines."""
        return InvalidInputError(
            p.located(source, line_of(p.field) if line_of is not None else None)
            for p in self.problems
        )
