"""Native YAML and JSON scenario files.

YAML is read from libyaml's events (PyYAML's C parser) into plain containers that keep
every field's line for error messages, with values resolved under YAML 1.2's core schema,
so ``NO`` and ``off`` stay strings. libyaml turns a 7 MB scenario of 100,000 actors into
events in under 2 s, where pure-Python parsers (ruamel.yaml's round-trip loader) take over
two minutes. Reading holds the limits of :mod:`stratagem.limits`: nesting depth, number
length and alias expansion. ruamel.yaml writes (it keeps flow style where it reads best).
JSON is the same document.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from ruamel import yaml as ruamel_yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from yaml import events as _events

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, Format, check_text_limits
from stratagem.io.document import from_document, to_document
from stratagem.limits import exceeded, limit
from stratagem.scenario import Scenario

# libyaml's parser where PyYAML was built with it (its wheels are); events only: PyYAML's
# own loaders resolve values under YAML 1.1 (NO is false), so resolving is done here.
_EventLoader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

__all__ = ["JSON", "YAML", "read_json", "read_yaml", "write_json", "write_yaml"]


def _line_of(container: Any, key: Any) -> int | None:
    try:
        if isinstance(container, _Map | _Seq):
            return container.lines[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


class _Map(dict[Any, Any]):
    """A mapping read from YAML, with the line of each key."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}


class _Seq(list[Any]):
    """A list read from YAML, with the line of each item."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


# YAML 1.2 core schema: one pattern, its group telling the type
_CORE = re.compile(
    r"(?P<null>~|null|Null|NULL|)"
    r"|(?P<true>true|True|TRUE)"
    r"|(?P<false>false|False|FALSE)"
    r"|(?P<int>[-+]?[0-9]+)"
    r"|0o(?P<octal>[0-7]+)"
    r"|0x(?P<hex>[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<inf>[-+]?\.(?:inf|Inf|INF))"
    r"|(?P<nan>\.(?:nan|NaN|NAN))"
)
_CORE_TAGS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}


def _plain_scalar(text: str) -> Any:
    """A plain scalar's value under YAML 1.2's core schema (``NO`` and ``off`` stay text)."""
    match = _CORE.fullmatch(text)
    if match is None:
        return text
    kind = match.lastgroup
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "inf":
        return float("-inf") if text.startswith("-") else float("inf")
    if kind == "nan":
        return float("nan")
    if kind == "null":
        return None
    if kind in ("true", "false"):
        return kind == "true"
    return int(match[str(kind)], 8 if kind == "octal" else 16)


class _Refused(Exception):  # noqa: N818 - an internal signal, turned into a Problem
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _compose(text: str) -> Any:
    """Build plain containers (with lines) from libyaml's events, within the limits.

    No recursion (a stack of open containers), so nesting cannot exhaust Python's stack;
    an alias adds its anchor's whole size to the values it repeats, and reading stops at
    the ``alias_nodes`` limit before anything can expand a bomb. The loop is written out
    (no helper calls, plain scalars resolved once per distinct text) because it runs once
    per event: 1.5 million times for a scenario of 100,000 actors.
    """
    max_depth = limit("nesting_depth")
    max_repeated = limit("alias_nodes")
    anchors: dict[str, tuple[Any, int]] = {}
    resolved: dict[str, Any] = {}  # plain scalar text -> its value (values are immutable)
    # open containers, one list each: [container, lines, is_map, pending key, key line,
    # anchor, values before, line opened]
    stack: list[list[Any]] = []
    values = 0
    repeated = 0
    documents = 0
    root: Any = None
    no_key = _NO_KEY
    scalar_event, alias_event = _events.ScalarEvent, _events.AliasEvent
    mapping_start, sequence_start = _events.MappingStartEvent, _events.SequenceStartEvent
    mapping_end, sequence_end = _events.MappingEndEvent, _events.SequenceEndEvent

    loader = _EventLoader(text)
    check_event, get_event = loader.check_event, loader.get_event
    try:
        while check_event():
            event = get_event()
            cls = event.__class__
            value: Any
            if cls is scalar_event:
                values += 1
                tag = event.tag
                if tag is None:
                    if event.style:
                        value = event.value
                    else:
                        raw = event.value
                        value = resolved.get(raw, no_key)
                        if value is no_key:
                            value = _plain_scalar(raw)
                            if len(resolved) < 4096:
                                resolved[raw] = value
                elif tag in _CORE_TAGS:
                    value = _CORE_TAGS[tag](event.value)
                elif tag == "!":
                    value = event.value
                else:
                    raise _Refused(
                        f"is not valid YAML: unknown tag {tag!r}", event.start_mark.line + 1
                    )
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                line = event.start_mark.line + 1
            elif cls is mapping_end or cls is sequence_end:
                container, _lines, _is_map, _key, _kl, anchor, before, line = stack.pop()
                if anchor is not None:
                    anchors[anchor] = (container, values - before)
                value = container
            elif cls is mapping_start or cls is sequence_start:
                line = event.start_mark.line + 1
                if len(stack) >= max_depth:
                    raise _Refused(
                        exceeded("nesting_depth", "lists and maps nested deeper than that"), line
                    )
                if cls is mapping_start:
                    opened: Any = _Map()
                    stack.append(
                        [opened, opened.lines, True, no_key, 0, event.anchor, values, line]
                    )
                else:
                    opened = _Seq()
                    stack.append(
                        [opened, opened.lines, False, no_key, 0, event.anchor, values, line]
                    )
                values += 1
                continue
            elif cls is alias_event:
                line = event.start_mark.line + 1
                if event.anchor not in anchors:
                    raise _Refused(
                        f"is not valid YAML: found undefined alias {event.anchor!r}", line
                    )
                value, size = anchors[event.anchor]
                repeated += size
                values += size
                if repeated > max_repeated:
                    raise _Refused(
                        exceeded("alias_nodes", f"aliases repeating {repeated:,} values"), line
                    )
            else:
                if cls is _events.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise _Refused(
                            "is not valid YAML: holds more than one YAML document",
                            event.start_mark.line + 1,
                        )
                continue
            # the value goes into the open container (or is the document)
            if not stack:
                root = value
                continue
            top = stack[-1]
            if not top[2]:
                top[0].append(value)
                top[1].append(line)
            elif top[3] is no_key:
                if isinstance(value, dict | list):
                    raise _Refused(
                        "is not valid YAML: a key must be a plain value, not a list or a mapping",
                        line,
                    )
                if value in top[0]:
                    raise _Refused(f"is not valid YAML: found duplicate key {value!r}", line)
                top[3] = value
                top[4] = line
            else:
                key = top[3]
                top[0][key] = value
                top[1][key] = top[4]
                top[3] = no_key
    finally:
        loader.dispose()
    return root


_NO_KEY = object()


def _load_yaml(text: str, source: str) -> Any:
    check_text_limits(text, source)
    try:
        return _compose(text)
    except _Refused as exc:
        raise InvalidInputError([Problem("file", exc.reason, exc.line or None, source)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise InvalidInputError(
            [Problem("file", f"is not valid YAML: {reason}", line, source)]
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise InvalidInputError(
            [Problem("file", f"is not valid YAML: {exc}", None, source)]
        ) from None


def read_yaml(text: str, source: str = "<yaml>") -> Scenario:
    """Read a scenario from YAML text.

    Raises
    ------
    InvalidInputError
        With every problem found, each with its line.
    """
    doc = _load_yaml(text, source)
    # read first without noting every field's line (a third of reading 100,000 actors);
    # a problem reads the document again with lines; later ones learn them when asked
    try:
        scenario = from_document(doc, Collector(source))
    except InvalidInputError:
        return from_document(doc, Collector(source), _line_of)
    object.__setattr__(scenario, "field_lines", _LinesOnDemand(text, source))
    return scenario


def read_json(text: str, source: str = "<json>") -> Scenario:
    """Read a scenario from JSON text (lines are reported as in the file).

    Raises
    ------
    InvalidInputError
        If the text is not JSON, or with every problem in the scenario.
    """
    check_text_limits(text, source)
    try:
        plain = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKeyError:
        plain = None  # the YAML reader below names the key and its line
    except RecursionError:  # brackets hidden among strings' brackets: still refused
        found = exceeded("nesting_depth", "lists and maps nested deeper than that")
        raise InvalidInputError([Problem("file", found, None, source)]) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            [
                Problem(
                    "file", f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno, source
                )
            ]
        ) from None
    if plain is not None:
        # json's C parser first (100,000 actors in 0.2 s); lines are learnt only when needed
        try:
            scenario = from_document(plain, Collector(source))
        except InvalidInputError:
            pass  # read again below, with every field's line
        else:
            object.__setattr__(scenario, "field_lines", _LinesOnDemand(text, source))
            return scenario
    doc = _load_yaml(text, source)  # JSON is YAML 1.2: every field keeps its line
    return from_document(doc, Collector(source), _line_of)


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateKeyError
    return out


class _LinesOnDemand(Mapping[str, int]):
    """The line of every field of a file, found by reading it again when first asked.

    A valid file is read without noting lines (JSON by json's C parser); problems found
    later (a model's parameters) still name their line. The text is kept, not the
    document read from it, which for a large file takes many times its memory.
    """

    def __init__(self, text: str, source: str) -> None:
        self._text, self._source = text, source
        self._lines: dict[str, int] | None = None

    def _found(self) -> dict[str, int]:
        if self._lines is None:
            collector = Collector(self._source)
            with contextlib.suppress(InvalidInputError):
                from_document(_load_yaml(self._text, self._source), collector, _line_of)
            self._lines = collector.lines
        return self._lines

    def __getitem__(self, key: str) -> int:
        return self._found()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())


def _styled(doc: Any, depth: int = 0) -> Any:
    """Turn short leaf mappings (a value, a change) into flow style for readability."""
    if isinstance(doc, dict):
        cm = CommentedMap((k, _styled(v, depth + 1)) for k, v in doc.items())
        leaf = all(not isinstance(v, dict | list) for v in doc.values())
        if leaf and depth >= 2 and not any(k in doc for k in ("note", "source", "description")):
            cm.fa.set_flow_style()
        return cm
    if isinstance(doc, list):
        return CommentedSeq(_styled(v, depth + 1) for v in doc)
    return doc


def write_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text (lossless)."""
    yaml = ruamel_yaml.YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(_styled(to_document(scenario)), buf)
    return buf.getvalue()


def write_json(scenario: Scenario) -> str:
    """The scenario as JSON text (lossless)."""
    return json.dumps(to_document(scenario), indent=2, ensure_ascii=False) + "\n"


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


YAML = Format("yaml", (".yaml", ".yml"), read_yaml, write_yaml, lambda _t: True)
"""The native format (lossless)."""
JSON = Format("json", (".json",), read_json, write_json, _looks_like_json)
"""The native document in JSON (lossless)."""
