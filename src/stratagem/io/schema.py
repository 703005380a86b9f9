"""The JSON Schema of the native scenario document (``stratagem schema``).

Editors validate YAML and JSON scenario files with it; the loader's own checks are
stricter (scales, references between sections) and report lines.
"""

from __future__ import annotations

from typing import Any

from stratagem.io.document import FORMAT_VERSION

__all__ = ["scenario_schema"]

_NUMBER = {"type": "number"}
_TEXT = {"type": "string"}


def _obj(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _uncertain(number: dict[str, Any]) -> dict[str, Any]:
    """A number, or a distribution of it."""
    pair = {"type": "array", "items": _NUMBER, "minItems": 2, "maxItems": 2}
    return {
        "oneOf": [
            number,
            _obj(
                {"triangular": {"type": "array", "items": _NUMBER, "minItems": 3, "maxItems": 3}},
                ["triangular"],
            ),
            _obj({"normal": pair}, ["normal"]),
            _obj({"uniform": pair}, ["uniform"]),
        ]
    }


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario document."""
    change = {
        "type": "object",
        "properties": {
            "actor": _TEXT,
            "issue": _TEXT,
            "position": _NUMBER,
            "salience": {"type": "number", "minimum": 0, "maximum": 1},
            "capability": {"type": "number", "minimum": 0},
        },
        "required": ["actor"],
        "additionalProperties": False,
        "oneOf": [{"required": [f]} for f in ("position", "salience", "capability")],
    }
    value = {
        "oneOf": [
            _obj(
                {
                    "position": _uncertain(_NUMBER),
                    "salience": _uncertain({"type": "number", "minimum": 0, "maximum": 1}),
                    "capability": _uncertain({"type": "number", "minimum": 0}),
                    "note": _TEXT,
                    "source": _TEXT,
                },
                ["position", "salience"],
            ),
            {"type": "array", "items": _NUMBER, "minItems": 2, "maxItems": 2},
        ]
    }
    point = _obj({"value": _NUMBER, "label": _TEXT}, ["value"])
    issue = _obj(
        {
            "id": _TEXT,
            "name": _TEXT,
            "min": _NUMBER,
            "max": _NUMBER,
            "status_quo": _NUMBER,
            "points": {"type": "array", "items": point},
            "note": _TEXT,
        },
        ["id"],
    )
    actor = _obj(
        {
            "id": _TEXT,
            "name": _TEXT,
            "capability": _uncertain({"type": "number", "minimum": 0}),
            "note": _TEXT,
            "source": _TEXT,
            "positions": {"type": "object", "additionalProperties": value},
        },
        ["id", "capability"],
    )
    event = _obj(
        {
            "round": {"type": "integer", "minimum": 1},
            "name": _TEXT,
            "description": _TEXT,
            "changes": {"type": "array", "items": change, "minItems": 1},
        },
        ["round", "changes"],
    )
    branch = _obj(
        {
            "name": _TEXT,
            "description": _TEXT,
            "changes": {"type": "array", "items": change},
            "drop_events": {"type": "array", "items": _TEXT},
        },
        ["name"],
    )
    outcome = _obj(
        {
            "name": _TEXT,
            "when": {
                "type": "string",
                "description": "comparisons joined by 'and', e.g. '30 <= iraq_order < 70'",
            },
            "description": _TEXT,
        },
        ["name", "when"],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "stratagem-scenario.schema.json",
        "title": "stratagem scenario",
        **_obj(
            {
                "stratagem": {"const": FORMAT_VERSION},
                "name": _TEXT,
                "title": _TEXT,
                "description": _TEXT,
                "source": _TEXT,
                "seed": {"type": "integer", "minimum": 0},
                "issues": {"type": "array", "items": issue, "minItems": 1},
                "actors": {"type": "array", "items": actor, "minItems": 1},
                "events": {"type": "array", "items": event},
                "branches": {"type": "array", "items": branch},
                "outcomes": {"type": "array", "items": outcome},
                "model_params": {
                    "type": "object",
                    "additionalProperties": {"type": "object"},
                },
                "uncertainty": _obj(
                    {
                        k: {"type": "number", "minimum": 0}
                        for k in ("position", "salience", "capability")
                    },
                    [],
                ),
            },
            ["name", "issues", "actors"],
        ),
    }
