"""Reading and writing scenario files; one module per format.

=============  ==========================  =========================================
format         extensions                  module
=============  ==========================  =========================================
``yaml``       ``.yaml``, ``.yml``         :mod:`stratagem.io.yaml_io` (native)
``json``       ``.json``                   :mod:`stratagem.io.yaml_io` (native)
``csv``        ``.csv``, ``.tsv``, ``.txt``  :mod:`stratagem.io.table_csv`
``ktab-csv``   ``.csv``                    :mod:`stratagem.io.ktab`
``ktab-xml``   ``.xml``                    :mod:`stratagem.io.ktab`
``decide``     ``.csv``, ``.txt``          :mod:`stratagem.io.decide`
=============  ==========================  =========================================

Text files with a ``.csv``/``.tsv``/``.txt`` extension are told apart by their content.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from stratagem.errors import InvalidInputError, Problem
from stratagem.io import decide, ktab, table_csv, yaml_io
from stratagem.io._common import decode
from stratagem.scenario import Scenario

__all__ = [
    "FORMATS",
    "atomic_write_text",
    "detect_format",
    "lost_in",
    "read",
    "read_text",
    "write",
    "write_text",
]

FORMATS = ("yaml", "json", "csv", "ktab-csv", "ktab-xml", "decide")

_READERS: dict[str, Callable[[str, str], Scenario]] = {
    "yaml": yaml_io.read_yaml,
    "json": yaml_io.read_json,
    "csv": table_csv.read_table,
    "ktab-csv": ktab.read_csv,
    "ktab-xml": ktab.read_xml,
    "decide": decide.read_decide,
}
_WRITERS: dict[str, Callable[[Scenario], str]] = {
    "yaml": yaml_io.write_yaml,
    "json": yaml_io.write_json,
    "csv": table_csv.write_table,
    "ktab-csv": ktab.write_csv,
    "ktab-xml": ktab.write_xml,
    "decide": decide.write_decide,
}
_EXTENSIONS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".xml": "ktab-xml",
    ".csv": "table",
    ".tsv": "table",
    ".txt": "table",
}


def _sniff_table(text: str) -> str | None:
    if decide.looks_like_decide(text):
        return "decide"
    if ktab.looks_like_ktab_csv(text):
        return "ktab-csv"
    if table_csv.looks_like_table(text):
        return "csv"
    return None


def detect_format(source: str, text: str) -> str:
    """The format of a file from its extension, and for tables from its content.

    Raises
    ------
    InvalidInputError
        If the extension is unknown or the content is not what the extension says.
    """
    suffix = Path(source).suffix.lower()
    kind = _EXTENSIONS.get(suffix)
    stripped = text.lstrip()
    if source == "<stdin>" or (kind is None and not suffix):
        if stripped.startswith(("{", "[")):
            return "json"
        if stripped.startswith("<"):
            return "ktab-xml"
        return _sniff_table(text) or "yaml"
    if kind is None:
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
    if kind == "table":
        found = _sniff_table(text)
        if found is None:
            what = (
                "JSON"
                if stripped.startswith("{")
                else "YAML"
                if ":" in stripped.split("\n")[0]
                else None
            )
            hint = f" (it looks like {what})" if what else ""
            raise InvalidInputError(
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
        return found
    if kind == "ktab-xml" and not stripped.startswith("<"):
        raise InvalidInputError(
            [Problem("file", "is not XML (it does not start with '<')", 1, source)]
        )
    if kind == "json" and not stripped.startswith(("{", "[")):
        raise InvalidInputError(
            [Problem("file", "is not JSON (it does not start with '{')", 1, source)]
        )
    return kind


def read_text(text: str, source: str = "<stdin>", fmt: str | None = None) -> Scenario:
    """Read a scenario from text, in the given format or the detected one.

    Raises
    ------
    InvalidInputError
        With every problem found, each naming ``source`` and its line where known.
    """
    fmt = fmt or detect_format(source, text)
    if fmt not in _READERS:
        raise InvalidInputError(
            [Problem("format", f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")]
        )
    return _READERS[fmt](text, source)


def read(path: str | os.PathLike[str], fmt: str | None = None) -> Scenario:
    """Read a scenario file (``"-"`` reads standard input).

    Raises
    ------
    InvalidInputError
        If the file cannot be read or holds an invalid scenario (every problem at once).
    """
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise InvalidInputError([Problem("file", "does not exist", None, source)]) from None
        except IsADirectoryError:
            raise InvalidInputError([Problem("file", "is a directory", None, source)]) from None
        except OSError as exc:
            raise InvalidInputError(
                [Problem("file", f"cannot be read: {exc.strerror}", None, source)]
            ) from None
    text = decode(data, source, fmt or Path(source).suffix.lstrip(".") or "text")
    return read_text(text, source, fmt)


def lost_in(scenario: Scenario, fmt: str) -> list[str]:
    """What a file of format ``fmt`` cannot hold of the scenario (empty: nothing is lost)."""
    if fmt in ("yaml", "json"):
        return []
    lost = []
    if scenario.events:
        lost.append(f"{len(scenario.events)} event(s)")
    if scenario.branches:
        lost.append(f"{len(scenario.branches)} branch(es)")
    if scenario.outcomes:
        lost.append(f"{len(scenario.outcomes)} outcome(s)")
    if any(i.status_quo is not None for i in scenario.issues):
        lost.append("status quo positions")
    if (
        any(v.note or v.source for v in scenario.values.values())
        or any(a.source for a in scenario.actors)
        or (fmt != "decide" and any(a.note for a in scenario.actors) and not fmt.startswith("ktab"))
    ):
        lost.append("notes and sources")
    if scenario.uncertainty or scenario.spread:
        lost.append("uncertain inputs")
    other_params = {k for k in scenario.model_params if not (fmt.startswith("ktab") and k == "smp")}
    if other_params or (fmt == "ktab-csv" and "smp" in scenario.model_params):
        lost.append("model parameters")
    if fmt.startswith("ktab") or fmt == "csv":
        if fmt.startswith("ktab") and any(
            v.capability is not None for v in scenario.values.values()
        ):
            lost.append("per-issue capabilities")
        if any(i.points for i in scenario.issues):
            lost.append("named scale points")
    if fmt.startswith("ktab") and any(a.name != a.id for a in scenario.actors):
        lost.append("actor display names")
    if fmt == "ktab-csv" and scenario.seed is not None:
        lost.append("the seed")
    return lost


def write_text(scenario: Scenario, fmt: str) -> str:
    """The scenario rendered in format ``fmt``.

    Raises
    ------
    InvalidInputError
        If the format cannot hold the scenario's values at all.
    """
    if fmt not in _WRITERS:
        raise InvalidInputError(
            [Problem("format", f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")]
        )
    return _WRITERS[fmt](scenario)


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for when writing (``.csv`` writes the actor table)."""
    suffix = Path(path).suffix.lower()
    kind = _EXTENSIONS.get(suffix)
    if kind is None:
        raise InvalidInputError([Problem("file", f"unknown extension {suffix!r}", None, str(path))])
    return "csv" if kind == "table" else kind


def write(scenario: Scenario, path: str | os.PathLike[str], fmt: str | None = None) -> None:
    """Write the scenario to ``path`` atomically (format from ``fmt`` or the extension)."""
    text = write_text(scenario, fmt or format_for_path(path))
    atomic_write_text(path, text)


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
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
