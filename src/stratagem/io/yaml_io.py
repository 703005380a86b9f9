"""Native YAML and JSON scenario files.

YAML is read with a YAML 1.2 loader (ruamel.yaml), so ``NO`` and ``off`` stay strings,
and every field keeps its line number for error messages. JSON is the same document.
"""

from __future__ import annotations

import io
import json
from typing import Any

from ruamel import yaml as ruamel_yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, Format, check_text_limits
from stratagem.io.document import from_document, to_document
from stratagem.limits import exceeded, limit
from stratagem.scenario import Scenario

__all__ = ["JSON", "YAML", "read_json", "read_yaml", "write_json", "write_yaml"]


def _line_of(container: Any, key: Any) -> int | None:
    try:
        if isinstance(container, CommentedMap) and key in container:
            return int(container.lc.key(key)[0]) + 1
        if isinstance(container, CommentedSeq):
            return int(container.lc.item(key)[0]) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


class _LimitExceededError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


class _GuardedComposer(Composer):
    """ruamel's composer, refusing nesting deeper than the limit and alias bombs.

    An alias repeats its anchor's whole value: the values repeated are counted (an alias of
    an anchor that holds aliases counts them all), and composing stops at the limit, before
    anything walks the document and expands it.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._depth = 0
        self._values = 0
        self._repeated = 0
        self._anchor_sizes: dict[Any, int] = {}
        self._max_depth = limit("nesting_depth")
        self._max_repeated = limit("alias_nodes")

    def _refuse(self, name: str, found: str, event: Any) -> _LimitExceededError:
        mark = getattr(event, "start_mark", None)
        line = mark.line + 1 if mark is not None else None
        return _LimitExceededError(Problem("file", exceeded(name, found), line))

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if self.parser.check_event(AliasEvent):
            size = self._anchor_sizes.get(event.anchor, 1)
            self._repeated += size
            self._values += size
            if self._repeated > self._max_repeated:
                raise self._refuse(
                    "alias_nodes", f"aliases repeating {self._repeated:,} values", event
                )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > self._max_depth:
            raise self._refuse("nesting_depth", "lists and maps nested deeper than that", event)
        before = self._values
        self._values += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if getattr(event, "anchor", None) is not None:
            self._anchor_sizes[event.anchor] = self._values - before
        return node


def _load_yaml(text: str, source: str) -> Any:
    check_text_limits(text, source)
    yaml = ruamel_yaml.YAML(typ="rt")
    yaml.version = (1, 2)
    yaml.Composer = _GuardedComposer
    try:
        return yaml.load(text)
    except _LimitExceededError as exc:
        raise InvalidInputError([exc.problem.located(source, None)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise InvalidInputError(
            [Problem("file", f"is not valid YAML: {reason}", line, source)]
        ) from None
    except YAMLError as exc:
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
    return from_document(doc, Collector(source), _line_of)


def read_json(text: str, source: str = "<json>") -> Scenario:
    """Read a scenario from JSON text (lines are reported as in the file).

    Raises
    ------
    InvalidInputError
        If the text is not JSON, or with every problem in the scenario.
    """
    check_text_limits(text, source)
    try:
        plain = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            [
                Problem(
                    "file", f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno, source
                )
            ]
        ) from None
    try:  # JSON is YAML 1.2: reparse to learn each field's line
        doc = _load_yaml(text, source)
    except InvalidInputError:
        return from_document(plain, Collector(source))
    return from_document(doc, Collector(source), _line_of)


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
