"""Limits stratagem works within, declared once.

Each limit protects time or memory that grows faster than the input, and is checked before
that memory is allocated: a file's size before it is read, its nesting depth, numbers'
lengths and YAML aliases while it is parsed, the numbers of actors, issues and dimensions
before arrays are made, draws and rounds before a run starts. Exceeding one is an input
error (exit 3) that names the limit and how to raise it. A limit can be raised for a run
with its environment variable (``STRATAGEM_MAX_ACTORS=500000``); a value that is not a
positive whole number is refused when the limit is read. ``stratagem limits`` and the
README list them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from stratagem.errors import InvalidInputError, Problem

__all__ = ["LIMITS", "Limit", "exceeded", "limit"]


@dataclass(frozen=True)
class Limit:
    """A named limit with its default, its environment variable and what it protects."""

    name: str
    default: int
    env: str
    protects: str

    def value(self) -> int:
        """The limit in force: the environment variable's value, or the default.

        Raises
        ------
        InvalidInputError
            If the environment variable is set to something other than a positive integer.
        """
        text = os.environ.get(self.env)
        if text is None or not text.strip():
            return self.default
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise InvalidInputError(
                [Problem(self.env, f"must be a positive whole number, got {text!r}")]
            )
        return value


LIMITS = {
    limit.name: limit
    for limit in (
        Limit(
            "file_bytes",
            64 * 1024 * 1024,
            "STRATAGEM_MAX_FILE_BYTES",
            "the size of a file read (a scenario, a conflict, a dataset); checked before "
            "it is read",
        ),
        Limit(
            "nesting_depth",
            64,
            "STRATAGEM_MAX_NESTING",
            "how deeply lists and maps nest in a YAML or JSON file (a scenario needs 7)",
        ),
        Limit(
            "number_length",
            100,
            "STRATAGEM_MAX_NUMBER_LENGTH",
            "the digits of one number in a file (longer numbers cannot be floats)",
        ),
        Limit(
            "alias_nodes",
            10_000,
            "STRATAGEM_MAX_ALIAS_NODES",
            "the values YAML aliases (*name) may repeat in all: an alias bomb expands a "
            "few hundred bytes into billions of values",
        ),
        Limit("actors", 200_000, "STRATAGEM_MAX_ACTORS", "the actors of a scenario"),
        Limit(
            "issues", 1_000, "STRATAGEM_MAX_ISSUES", "the issues (KTAB: dimensions) of a scenario"
        ),
        Limit(
            "values",
            2_000_000,
            "STRATAGEM_MAX_VALUES",
            "actors × issues: the size of every array a model holds per round",
        ),
        Limit(
            "rounds",
            10_000,
            "STRATAGEM_MAX_ROUNDS",
            "the rounds of a dynamic model and the round of an event",
        ),
        Limit("draws", 1_000_000, "STRATAGEM_MAX_DRAWS", "the Monte Carlo draws of a simulation"),
        Limit(
            "model_memory_mb",
            4_096,
            "STRATAGEM_MAX_MODEL_MEMORY_MB",
            "the memory (MB) a model may hold at once; a run that would need more is refused "
            "before it starts (the expected utility model holds actors² numbers per issue)",
        ),
        Limit(
            "pairwise_actors",
            100,
            "STRATAGEM_PAIRWISE_ACTORS",
            "analyses of every pair of actors (the expected utility model's dyadic "
            "relations, compatibility, the stance games of reports) are left out above "
            "this many actors",
        ),
    )
}
"""Every limit, by name."""


def limit(name: str) -> int:
    """The value in force of the named limit (see :data:`LIMITS`)."""
    return LIMITS[name].value()


def exceeded(name: str, found: str) -> str:
    """The reason of an input error for a limit exceeded: what, the limit, how to raise it.

    Parameters
    ----------
    name : str
        The limit's name in :data:`LIMITS`.
    found : str
        What the input has, in words (``"2000000000 dimensions"``).
    """
    lim = LIMITS[name]
    return (
        f"{found}: the limit is {lim.value():,} ({lim.name}: {lim.protects}); "
        f"raise it with the environment variable {lim.env} if the input is meant"
    )
