from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stratagem
from stratagem import InvalidInputError, io
from stratagem.catalog import embedded_names, load_embedded


def located(exc: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [p.format() for p in exc.value.problems]


# ---------------------------------------------------------------- shipped data


def test_classic_eum_tables(shared_data: Path) -> None:
    sc = io.read(shared_data / "eum" / "emission-standards.txt")
    assert sc.n_actors == 10
    assert sc.issue_ids == ("emission-standards",)
    assert (sc.issues[0].min, sc.issues[0].max) == (4.0, 10.0)
    assert sc.actor("UK").capability == 0.16
    assert sc.salience[sc.actor_index("Denmark"), 0] == 1.0
    for name in ("argentina.txt", "iranian-election.txt"):
        assert io.read(shared_data / "eum" / name).n_actors in (17, 8)


def test_ktab_csv_files(shared_data: Path) -> None:
    sc = io.read(shared_data / "ktab" / "SOE-Pol-Comp.csv")
    assert (sc.n_actors, sc.n_issues) == (13, 2)
    assert sc.actor("XJ").note == "Xi Jinping"
    assert sc.positions[0].tolist() == [30.0, 20.0]
    assert sc.salience[0].tolist() == pytest.approx([0.24, 0.48])
    with_comma = io.read(shared_data / "ktab" / "dummyData_3Dim.csv")
    no_comma = io.read(shared_data / "ktab" / "dummyData_3Dim-no-final-comma.csv")
    np.testing.assert_array_equal(with_comma.positions, no_comma.positions)
    for name, n in (
        ("dummyData-a040.csv", 40),
        ("dummyData-a080.csv", 80),
        ("dummyData-a160.csv", 160),
        ("dummyData_6Dim.csv", 27),
    ):
        assert io.read(shared_data / "ktab" / name).n_actors == n


def test_ktab_xml_with_empty_coordinate_names_the_element(shared_data: Path) -> None:
    path = shared_data / "ktab" / "smpExample.xml"
    with pytest.raises(InvalidInputError) as exc:
        io.read(path)
    assert located(exc) == [
        (
            f"{path}:32: actors[Alice].positions[FirstDim].position: "
            "the XML element <dCoord> has no text"
        )
    ]


def test_ktab_xml_repaired_reads_parameters_and_adjustments(shared_data: Path) -> None:
    text = (shared_data / "ktab" / "smpExample.xml").read_text(encoding="utf-8-sig")
    text = text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>")
    sc = io.read_text(text, "fixed.xml")
    assert sc.seed == 3507583219545544127
    assert sc.model_params["smp"]["PCEModel"] == "MarkovIncentive"
    assert ["Bob", "Alice", 0.07] in sc.model_params["smp"]["IdealAdjustment"]
    assert sc.positions[0].tolist() == [52.8, 39.8, 39.6]


def test_decide_files(shared_data: Path) -> None:
    sc = io.read(shared_data / "decide" / "copenhagen.csv")
    assert (sc.n_actors, sc.n_issues) == (11, 7)
    assert not sc.has_position[sc.actor_index("Russia"), sc.issue_index("Commitments")]
    toll = io.read(shared_data / "decide" / "sample_data.txt")
    assert (toll.issue("tol-hoogte").min, toll.issue("tol-hoogte").max) == (0.5, 7.0)
    assert io.read(shared_data / "decide" / "cop21.csv").n_issues == 13


def test_decide_file_with_errors_reports_all(shared_data: Path) -> None:
    path = shared_data / "decide" / "copenhagen_with_errors.csv"
    with pytest.raises(InvalidInputError) as exc:
        io.read(path)
    assert located(exc) == [
        f"{path}:86: actors[Russia].positions[Control].position: 160 is outside [0, 100]",
        (
            f"{path}:87: actors[China India].positions[Control].capability: "
            "must not be negative, got -0.247"
        ),
    ]


# ---------------------------------------------------------------- YAML specifics


def test_yaml_12_keeps_no_as_text() -> None:
    text = """
name: norway
issues: [{id: NO, name: NO, min: 0, max: 1}]
actors:
  - {id: off, capability: 1, positions: {NO: {position: 0.5, salience: 1}}}
"""
    sc = io.read_text(text, "n.yaml")
    assert sc.issue_ids == ("NO",)
    assert sc.actor_ids == ("off",)


def test_yaml_errors_have_lines() -> None:
    text = """name: bad
issues:
  - {id: x, min: 0, max: 10}
actors:
  - id: a
    capability: -2
    positions:
      x: {position: 12, salience: 0.5}
  - id: b
    capability: lots
    colour: red
    positions:
      x: {position: 1, salience: 2}
events:
  - round: 1
    name: e
    changes:
      - {actor: c, issue: x, position: 3}
"""
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(text, "bad.yaml")
    assert sorted(located(exc)) == sorted(
        [
            "bad.yaml:6: actors[a].capability: must not be negative, got -2",
            "bad.yaml:8: actors[a].positions[x].position: 12 is outside [0, 10]",
            "bad.yaml:10: actors[b].capability: must be a number, got 'lots'",
            (
                "bad.yaml:11: actors[b].colour: unknown field (expected one of: "
                "capability, id, name, note, positions, source)"
            ),
            "bad.yaml:13: actors[b].positions[x].salience: 2 is outside [0, 1]",
            "bad.yaml:18: events[e].changes[0].actor: unknown actor 'c'",
        ]
    )


def test_yaml_syntax_error_has_line() -> None:
    with pytest.raises(InvalidInputError) as exc:
        io.read_text("name: x\nissues: [\n  - a\n", "broken.yaml")
    (problem,) = exc.value.problems
    assert problem.source == "broken.yaml"
    assert problem.line is not None
    assert "not valid YAML" in problem.reason


def test_duplicate_yaml_keys_are_an_error() -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        io.read_text("name: a\nname: b\n", "dup.yaml")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("s.yaml", b"\x00\x01binary", "binary"),
        ("s.json", b"name: yaml-not-json\n", "is not JSON"),
        ("s.json", b'{"name": ', "not valid JSON"),
        ("s.xml", b"name: x\n", "is not XML"),
        ("s.xml", b"<Other/>", "root element is <Other>"),
        ("s.csv", b"name: x\nissues: []\n", "looks like YAML"),
        ("s.csv", b"foo,bar\n1,2\n", "is not a csv scenario table"),
        ("s.yaml", b"- just\n- a list\n", "expected a mapping at the top"),
        ("s.doc", b"whatever", "unknown extension"),
        ("s.yaml", b"\xff\xfe\xfa", "not UTF-8"),
    ],
)
def test_files_that_are_not_what_their_extension_says(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInputError) as exc:
        io.read(path)
    assert any(reason in p.reason for p in exc.value.problems), located(exc)
    assert all(p.source == str(path) for p in exc.value.problems)


def test_missing_file() -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        io.read("/nonexistent/file.yaml")


# ---------------------------------------------------------------- tables


def test_classic_table_any_column_order_and_case() -> None:
    text = "salience;POSITION;Name;Power\n0.5;3;a;1\n1;7;b;2\n"
    sc = io.read_text(text, "t.csv")
    assert sc.actor_ids == ("a", "b")
    assert sc.positions[:, 0].tolist() == [3.0, 7.0]
    assert sc.capability[:, 0].tolist() == [1.0, 2.0]


def test_table_errors_have_lines() -> None:
    text = "actor,capability,position,salience\na,1,3,0.5\nb,x,7,1.5\n"
    with pytest.raises(InvalidInputError) as exc:
        io.read_text(text, "t.csv")
    assert located(exc) == [
        "t.csv:3: actors[b].capability: 'x' is not a number",
        "t.csv:3: actors[b].positions[t].salience: 1.5 is outside [0, 1]",
    ]


def test_wide_table_round_trip_keeps_missing_and_overrides() -> None:
    sc = load_embedded("copenhagen-2009")
    text = io.write_text(sc, "csv")
    back = io.read_text(text, "copenhagen-2009.csv")
    np.testing.assert_array_equal(back.has_position, sc.has_position)
    np.testing.assert_allclose(back.positions, sc.positions)
    np.testing.assert_allclose(back.salience, sc.salience)
    np.testing.assert_allclose(back.capability, sc.capability)
    np.testing.assert_allclose(back.scale, sc.scale)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", embedded_names())
def test_yaml_and_json_round_trip_every_embedded_scenario(name: str) -> None:
    sc = load_embedded(name)
    assert io.read_text(io.write_text(sc, "yaml"), "x.yaml") == sc
    assert io.read_text(io.write_text(sc, "json"), "x.json") == sc


@pytest.mark.parametrize(("fmt", "ext"), [("ktab-csv", "csv"), ("ktab-xml", "xml")])
def test_ktab_round_trip(fmt: str, ext: str) -> None:
    sc = load_embedded("china-soe-pol-comp")
    back = io.read_text(io.write_text(sc, fmt), f"x.{ext}")
    np.testing.assert_allclose(back.positions, sc.positions)
    np.testing.assert_allclose(back.salience, sc.salience)
    np.testing.assert_allclose(back.capability, sc.capability)
    assert back.actor_ids == sc.actor_ids


def test_decide_round_trip() -> None:
    sc = load_embedded("toll-debate")
    back = io.read_text(io.write_text(sc, "decide"), "toll.txt")
    np.testing.assert_allclose(back.positions, sc.positions)
    np.testing.assert_allclose(back.salience, sc.salience)
    np.testing.assert_allclose(back.capability, sc.capability)
    np.testing.assert_allclose(back.scale, sc.scale)
    assert back.actor_ids == sc.actor_ids


def test_formats_that_cannot_hold_the_content_say_so() -> None:
    iraq = stratagem.load()
    lost = io.lost_in(iraq, "csv")
    assert "3 event(s)" in lost
    assert f"{len(iraq.branches)} branch(es)" in lost
    assert f"{len(iraq.outcomes)} outcome(s)" in lost
    assert io.lost_in(iraq, "yaml") == []
    emissions = load_embedded("eu-emissions-1994")
    with pytest.raises(InvalidInputError, match="KTAB files hold positions on 0–100"):
        io.write_text(emissions, "ktab-csv")
    with pytest.raises(InvalidInputError, match="saliences summing to at most 100%"):
        io.write_text(iraq, "ktab-csv")


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    with pytest.raises(TypeError):
        io.atomic_write_text(target, 123)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    io.atomic_write_text(target, "new")
    assert target.read_text() == "new"


def test_a_valid_yaml_file_still_names_the_line_of_a_problem_found_later() -> None:
    """A valid file is read without noting every field's line; a problem a model finds
    later is still placed on its line (the lines are learnt from the text when asked)."""
    from stratagem.errors import Problem

    text = (
        "name: later\n"
        "issues: [{id: x}]\n"
        "actors:\n"
        "  - {id: a, capability: 1, positions: {x: [10, 0.5]}}\n"
        "  - id: b\n"
        "    capability: 2\n"
        "    positions: {x: [90, 0.5]}\n"
    )
    scenario = io.read_text(text, "later.yaml", "yaml")
    (found,) = scenario.locate([Problem("actors[b].capability", "too small for this model")])
    assert (found.source, found.line) == ("later.yaml", 6)
