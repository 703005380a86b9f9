"""The one schema: the reader's checks and the published JSON Schema come from one tree."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from stratagem import InvalidInputError, io
from stratagem.catalog import embedded_names, load_embedded
from stratagem.io.document import to_document
from stratagem.io.schema import DOCUMENT, scenario_schema
from strategies import scenarios

SCHEMA = scenario_schema()
MINIMAL = "name: t\nissues: [{id: x}]\nactors: [{id: a, capability: 1, positions: {x: [1, 0.5]}}]\n"


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", embedded_names())
def test_every_embedded_scenario_validates_against_the_published_schema(name: str) -> None:
    jsonschema.validate(to_document(load_embedded(name)), SCHEMA)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(missing=True, dynamic=True))
def test_what_the_writer_writes_the_schema_accepts(sc: object) -> None:
    doc = json.loads(io.write_text(sc, "json"))  # type: ignore[arg-type]
    jsonschema.validate(doc, SCHEMA)


def test_unknown_field_messages_list_the_schema_fields() -> None:
    text = "name: t\nissues: [{id: x}]\nactors:\n  - {id: a, capability: 1, colour: red}\n"
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(text, "t.yaml")
    actor_fields = DOCUMENT.field("actors").node.item.names()  # type: ignore[attr-defined]
    assert exc.value.problems[0].format() == (
        f"t.yaml:4: actors[a].colour: unknown field (expected one of: {', '.join(actor_fields)})"
    )


@pytest.mark.parametrize("key", ["title", "description", "source"])
def test_non_text_free_text_is_reported_not_dropped(key: str) -> None:
    text = f"{key}: [1, 2]\n{MINIMAL}"
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(text, "t.yaml")
    assert [p.format() for p in exc.value.problems] == [
        f"t.yaml:1: {key}: must be text, got [1, 2]"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("seed: -1", "t.yaml:1: seed: must be a non-negative whole number, got -1"),
        ("seed: 18446744073709551616", "t.yaml:1: seed: must be at most 2**64 - 1"),
        ("seed: 1.5", "t.yaml:1: seed: must be a non-negative whole number, got 1.5"),
    ],
)
def test_seeds_are_unsigned_64_bit(text: str, message: str) -> None:
    doc = f"{text}\n{MINIMAL}"
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(doc, "t.yaml")
    assert exc.value.problems[0].format().startswith(message)
