"""Helpers shared by the format readers: decoding, numbers, and where a field came from."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from stratagem.errors import InvalidInputError, Problem
from stratagem.limits import exceeded, limit
from stratagem.scenario import Scenario


def csv_rows(reader: Any, source: str) -> Iterator[tuple[list[str], int]]:
    """The rows of a ``csv.reader`` with their line numbers; CSV errors become input errors.

    Raises
    ------
    InvalidInputError
        At a cell over the csv module's limit (128 KiB) or a quote that never closes.
    """
    try:
        for row in reader:
            yield row, reader.line_num
    except csv.Error as exc:
        raise InvalidInputError(
            [Problem("file", f"cannot be read as CSV: {exc}", max(reader.line_num, 1), source)]
        ) from None


def decode(data: bytes, source: str, what: str) -> str:
    """Decode a file's bytes as UTF-8 text (BOM removed), refusing binary content.

    Raises
    ------
    InvalidInputError
        If the content is binary or not UTF-8.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    f"is not a {what} file: it holds binary data (a NUL byte)",
                    line,
                    source,
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            [Problem("file", f"is not UTF-8 text ({exc.reason})", line, source)]
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_file_size(size: int, source: str) -> None:
    """Refuse a file larger than the ``file_bytes`` limit (before it is read).

    Raises
    ------
    InvalidInputError
        If ``size`` is over the limit.
    """
    if size > limit("file_bytes"):
        raise InvalidInputError(
            [Problem("file", exceeded("file_bytes", f"{size:,} bytes"), None, source)]
        )


# quoted strings on one line (YAML's and JSON's): brackets and digits inside are text
_QUOTED = re.compile(r"""\"(?:[^"\\\n]|\\.)*\"|'[^'\n]*'""")
_OPEN_CLOSE = np.zeros(256, dtype=np.int32)
_OPEN_CLOSE[[ord("["), ord("{")]] = 1
_OPEN_CLOSE[[ord("]"), ord("}")]] = -1


def _depth(text: str) -> np.ndarray[Any, np.dtype[np.int32]]:
    """The bracket depth after each byte of ``text``."""
    codes = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return np.cumsum(_OPEN_CLOSE[codes], dtype=np.int32)


def check_text_limits(text: str, source: str) -> None:
    """Refuse YAML or JSON text that nests brackets too deeply or holds an over-long number.

    Both are checked on the text, before a parser recurses into the nesting or converts the
    number (Python refuses integers over 4,300 digits; deep nesting exhausts its stack).
    Brackets and digits inside quoted strings do not count.

    Raises
    ------
    InvalidInputError
        Naming the line and the limit exceeded.
    """
    deepest = limit("nesting_depth")
    digits = limit("number_length")
    long_number = re.compile(rf"\d{{{digits + 1},}}")
    plain = text
    depth = _depth(text)
    if (depth.size and int(depth.max()) > deepest) or long_number.search(text):
        # brackets and digits inside strings may have counted: look again without them
        plain = _QUOTED.sub("", text)
        depth = _depth(plain)
    if depth.size and int(depth.max()) > deepest:
        at = int(np.argmax(depth > deepest))
        line = plain.encode("utf-8")[:at].count(b"\n") + 1
        found = "lists and maps nested deeper than that"
        raise InvalidInputError([Problem("file", exceeded("nesting_depth", found), line, source)])
    match = long_number.search(plain) if plain is not text else None
    if match is not None:
        line = plain.count("\n", 0, match.start()) + 1
        found = f"a number of {match.end() - match.start():,} digits"
        raise InvalidInputError([Problem("file", exceeded("number_length", found), line, source)])


def parse_number(text: str) -> float | None:
    """Parse a number from a table cell; ``None`` if it is not one (NaN/inf are numbers)."""
    try:
        return float(text.strip().strip("'\""))
    except ValueError:
        return None


@dataclass
class Collector:
    """Accumulates problems and the line each field path came from, while reading a file.

    Parameters
    ----------
    source : str
        File name used in messages.
    """

    source: str
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, fieldpath: str, reason: str, line: int | None = None) -> None:
        """Record a problem (line looked up from the field path if not given)."""
        self.problems.append(
            Problem(
                fieldpath,
                reason,
                line if line is not None else self.line_of(fieldpath),
                self.source,
            )
        )

    def at(self, fieldpath: str, line: int | None) -> None:
        """Remember that ``fieldpath`` was read at ``line``."""
        if line is not None:
            self.lines.setdefault(fieldpath, line)

    def line_of(self, fieldpath: str) -> int | None:
        """The line of ``fieldpath`` or of its nearest recorded parent."""
        path = fieldpath
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return self.lines.get(path)

    def build(self, make: Callable[[], Scenario]) -> Scenario:
        """Build the scenario; raise every problem (reading and validation) at once."""
        scenario: Scenario | None = None
        problems = list(self.problems)
        try:
            scenario = make()
        except InvalidInputError as err:
            problems.extend(err.located(self.source, self.line_of).problems)
        if problems or scenario is None:
            raise InvalidInputError(_dedupe(problems))
        # where it came from is not part of the scenario's value: set, not revalidated
        object.__setattr__(scenario, "origin", self.source)
        object.__setattr__(scenario, "field_lines", MappingProxyType(dict(self.lines)))
        return scenario


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, int | None]] = set()
    out = []
    for p in problems:
        key = (p.field, p.reason, p.line)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def finite_or_nan(x: float | None) -> float:
    """``x`` or NaN when missing (so validation reports it as not a finite number)."""
    return math.nan if x is None else x


# ---------------------------------------------------------------------- formats

FEATURES = (
    "events",
    "branches",
    "outcomes",
    "status_quo",
    "value_notes",
    "actor_notes",
    "uncertainty",
    "model_params",
    "smp_params",
    "per_issue_capability",
    "scale_points",
    "display_names",
    "seed",
    "conflict",
)
"""What a scenario can hold beyond its actor table; each format declares which it keeps."""


def features_used(scenario: Scenario) -> dict[str, str]:
    """The features the scenario uses, each with the words a lossy write reports it by."""
    used: dict[str, str] = {}
    if scenario.events:
        used["events"] = f"{len(scenario.events)} event(s)"
    if scenario.branches:
        used["branches"] = f"{len(scenario.branches)} branch(es)"
    if scenario.outcomes:
        used["outcomes"] = f"{len(scenario.outcomes)} outcome(s)"
    if any(i.status_quo is not None for i in scenario.issues):
        used["status_quo"] = "status quo positions"
    if any(v.note or v.source for v in scenario.values.values()) or any(
        a.source for a in scenario.actors
    ):
        used["value_notes"] = "notes and sources"
    if any(a.note for a in scenario.actors):
        used["actor_notes"] = "notes and sources"
    if scenario.uncertainty or scenario.spread:
        used["uncertainty"] = "uncertain inputs"
    if any(k != "smp" for k in scenario.model_params):
        used["model_params"] = "model parameters"
    if "smp" in scenario.model_params:
        used["smp_params"] = "model parameters"
    if any(v.capability is not None for v in scenario.values.values()):
        used["per_issue_capability"] = "per-issue capabilities"
    if any(i.points for i in scenario.issues):
        used["scale_points"] = "named scale points"
    if any(a.name != a.id for a in scenario.actors):
        used["display_names"] = "actor display names"
    if scenario.seed is not None:
        used["seed"] = "the seed"
    if scenario.conflict is not None or any(b.conflict for b in scenario.branches):
        used["conflict"] = "the graph model's conflict (options and preferences)"
    return used


@dataclass(frozen=True)
class Format:
    """A file format: its name, file suffixes, how to recognise, read and write it.

    Parameters
    ----------
    name : str
        The name used with ``--to`` and ``fmt=`` (``yaml``, ``ktab-csv``, ...).
    suffixes : tuple of str
        File suffixes it is read from (``.csv`` is shared: content decides).
    read : callable
        ``(text, source) -> Scenario``.
    write : callable
        ``Scenario -> text``.
    sniff : callable
        ``text -> bool``: whether text looks like this format.
    holds : frozenset of str
        The :data:`FEATURES` a file of this format keeps; a write loses the others.
    """

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[str, str], Scenario]
    write: Callable[[Scenario], str]
    sniff: Callable[[str], bool]
    holds: frozenset[str] = frozenset(FEATURES)

    def lost(self, scenario: Scenario) -> list[str]:
        """What a file of this format cannot hold of the scenario (empty: nothing is lost)."""
        words = [w for f, w in features_used(scenario).items() if f not in self.holds]
        return list(dict.fromkeys(words))
