"""Limits stratagem works within, declared once.

Each limit protects time or memory that grows faster than the input: analyses that look at
every pair of actors hold ``actors²`` numbers per round. A limit can be raised for a run
with its environment variable (``STRATAGEM_PAIRWISE_ACTORS=250``); a value that is not a
positive whole number is refused when the limit is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from stratagem.errors import InvalidInputError, Problem

__all__ = ["LIMITS", "Limit", "limit"]


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
