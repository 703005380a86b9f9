"""Reading and writing scenario files; one module per format, each with its :class:`Format`.

=============  ==========================  =========================================
format         suffixes                    module
=============  ==========================  =========================================
``yaml``       ``.yaml``, ``.yml``         :mod:`stratagem.io.yaml_io` (native)
``json``       ``.json``                   :mod:`stratagem.io.yaml_io` (native)
``csv``        ``.csv``, ``.tsv``, ``.txt``  :mod:`stratagem.io.table_csv`
``ktab-csv``   ``.csv``                    :mod:`stratagem.io.ktab`
``ktab-xml``   ``.xml``                    :mod:`stratagem.io.ktab`
``decide``     ``.csv``, ``.txt``          :mod:`stratagem.io.decide`
=============  ==========================  =========================================

A graph-model conflict alone is read from gmcr-py's ``.gmcr`` files (:func:`read_conflict`,
:mod:`stratagem.io.gmcr`); the native format holds it as the scenario's ``conflict:``.

Files whose suffix several formats share are told apart by their content (each format's
``sniff``); text without a suffix (standard input) by its content alone. Adding a format is
one module that defines its :class:`Format` and one entry in :data:`REGISTERED`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from stratagem.conflict.model import Conflict
from stratagem.errors import InvalidInputError, Problem
from stratagem.io import decide, ktab, table_csv, yaml_io
from stratagem.io._common import Format, check_file_size, csv_rows, decode, parse_number
from stratagem.limits import limit
from stratagem.scenario import Scenario

__all__ = [
    "FORMATS",
    "REGISTERED",
    "Format",
    "atomic_write_text",
    "csv_rows",
    "decode",
    "detect_format",
    "format_for_path",
    "get_format",
    "lost_in",
    "parse_number",
    "read",
    "read_bytes",
    "read_conflict",
    "read_text",
    "write",
    "write_text",
]

REGISTERED: tuple[Format, ...] = (
    yaml_io.YAML,
    yaml_io.JSON,
    table_csv.TABLE,
    ktab.KTAB_CSV,
    ktab.KTAB_XML,
    decide.DECIDE,
)
"""Every format, in the order ``--to`` lists them."""

FORMATS = tuple(f.name for f in REGISTERED)
_BY_NAME = {f.name: f for f in REGISTERED}
# shared table suffixes: the most specific content test first
_TABLES = (decide.DECIDE, ktab.KTAB_CSV, table_csv.TABLE)
_TABLE_SUFFIXES = {s for f in _TABLES for s in f.suffixes}
# text without a suffix: tried in this order, YAML (which accepts anything) last
_BY_CONTENT = (yaml_io.JSON, ktab.KTAB_XML, *_TABLES, yaml_io.YAML)


_NOT_WHAT_IT_SAYS = {
    "ktab-xml": "is not XML (it does not start with '<')",
    "json": "is not JSON (it does not start with '{')",
}


def get_format(name: str) -> Format:
    """The format with this name.

    Raises
    ------
    InvalidInputError
        If no format has this name (the message lists them).
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidInputError(
            [Problem("format", f"unknown format {name!r}; one of {', '.join(FORMATS)}")]
        ) from None


def _not_a_table(source: str, suffix: str, text: str) -> InvalidInputError:
    stripped = text.lstrip()
    what = (
        "JSON" if stripped.startswith("{") else "YAML" if ":" in stripped.split("\n")[0] else None
    )
    hint = f" (it looks like {what})" if what else ""
    return InvalidInputError(
        [
            Problem(
                "file",
                f"is not a {suffix[1:]} scenario table{hint}: expected a "
                "header with actor/capability/position/salience columns, a KTAB "
                "first line, or decide #A/#P/#D rows",
                1,
                source,
            )
        ]
    )


def detect_format(source: str, text: str) -> str:
    """The format of a file from its suffix, and where suffixes are shared from its content.

    Raises
    ------
    InvalidInputError
        If the suffix is unknown or the content is not what the suffix says.
    """
    suffix = Path(source).suffix.lower()
    if source == "<stdin>" or not suffix:
        return next(f.name for f in _BY_CONTENT if f.sniff(text))
    if suffix in _TABLE_SUFFIXES:
        found = next((f for f in _TABLES if suffix in f.suffixes and f.sniff(text)), None)
        if found is None:
            raise _not_a_table(source, suffix, text)
        return found.name
    fmt = next((f for f in REGISTERED if suffix in f.suffixes), None)
    if fmt is None:
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    f"unknown extension {suffix!r}; stratagem reads "
                    ".yaml/.yml, .json, .csv/.tsv/.txt and .xml",
                    None,
                    source,
                )
            ]
        )
    if not fmt.sniff(text):
        raise InvalidInputError([Problem("file", _NOT_WHAT_IT_SAYS[fmt.name], 1, source)])
    return fmt.name


def read_text(text: str, source: str = "<stdin>", fmt: str | None = None) -> Scenario:
    """Read a scenario from text, in the given format or the detected one.

    Raises
    ------
    InvalidInputError
        With every problem found, each naming ``source`` and its line where known.
    """
    reader = get_format(fmt or detect_format(source, text)).read
    with _collector_paused():
        return reader(text, source)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is read.

    Reading allocates millions of small containers and no cycles to speak of; the collector
    would walk them again and again (a scenario of 100,000 actors in YAML: 13.8 s with it,
    9.1 s without).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bytes(data: bytes, source: str, fmt: str | None = None) -> Scenario:
    """Read a scenario from a file's bytes (UTF-8; binary content is refused).

    Raises
    ------
    InvalidInputError
        If the bytes are not UTF-8 text or hold an invalid scenario.
    """
    text = decode(data, source, fmt or Path(source).suffix.lstrip(".") or "text")
    return read_text(text, source, fmt)


def read(path: str | os.PathLike[str], fmt: str | None = None) -> Scenario:
    """Read a scenario file (``"-"`` reads standard input).

    Raises
    ------
    InvalidInputError
        If the file cannot be read or holds an invalid scenario (every problem at once).
    """
    data, source = _file_bytes(path)
    return read_bytes(data, source, fmt)


def read_conflict(path: str | os.PathLike[str]) -> Conflict:
    """Read a graph-model conflict: a gmcr-py ``.gmcr`` file (``"-"``: standard input).

    Raises
    ------
    InvalidInputError
        If the file cannot be read or holds an invalid conflict (every problem at once).
    """
    from stratagem.io.gmcr import read_gmcr

    data, source = _file_bytes(path)
    return read_gmcr(decode(data, source, "gmcr"), source)


def _file_bytes(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read(limit("file_bytes") + 1)
        check_file_size(len(data), "<stdin>")
        return data, "<stdin>"
    try:
        check_file_size(Path(source).stat().st_size, source)
        return Path(source).read_bytes(), source
    except FileNotFoundError:
        raise InvalidInputError([Problem("file", "does not exist", None, source)]) from None
    except IsADirectoryError:
        raise InvalidInputError([Problem("file", "is a directory", None, source)]) from None
    except OSError as exc:
        raise InvalidInputError(
            [Problem("file", f"cannot be read: {exc.strerror}", None, source)]
        ) from None


def lost_in(scenario: Scenario, fmt: str) -> list[str]:
    """What a file of format ``fmt`` cannot hold of the scenario (empty: nothing is lost)."""
    return get_format(fmt).lost(scenario)


def write_text(scenario: Scenario, fmt: str) -> str:
    """The scenario rendered in format ``fmt``.

    Raises
    ------
    InvalidInputError
        If the format is unknown or cannot hold the scenario's values at all.
    """
    return get_format(fmt).write(scenario)


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for when writing (``.csv`` writes the actor table)."""
    suffix = Path(path).suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        return table_csv.TABLE.name
    fmt = next((f for f in REGISTERED if suffix in f.suffixes), None)
    if fmt is None:
        raise InvalidInputError([Problem("file", f"unknown extension {suffix!r}", None, str(path))])
    return fmt.name


def write(scenario: Scenario, path: str | os.PathLike[str], fmt: str | None = None) -> None:
    """Write the scenario to ``path`` atomically (format from ``fmt`` or the suffix)."""
    atomic_write_text(path, write_text(scenario, fmt or format_for_path(path)))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place.

    A crash leaves either the old file or the new one, never half of either.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600: give it the mode a plain open() would (umask)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
