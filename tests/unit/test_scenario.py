from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import stratagem
from stratagem import Actor, Branch, Change, Event, InvalidInputError, Issue, Outcome, Scenario
from stratagem.scenario import Value


def toy(**kwargs: object) -> Scenario:
    base: dict[str, object] = {
        "name": "toy",
        "actors": (Actor("a", "A", 2.0), Actor("b", "B", 1.0)),
        "issues": (Issue("x", "X", 0, 10), Issue("y", "Y", -5, 5)),
        "values": {
            ("a", "x"): Value(2.0, 0.5),
            ("a", "y"): Value(-1.0, 1.0, capability=4.0),
            ("b", "x"): Value(8.0, 1.0),
        },
    }
    base.update(kwargs)
    return Scenario(**base)  # type: ignore[arg-type]


def problems_of(exc: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [f"{p.field}: {p.reason}" for p in exc.value.problems]


def test_array_views_are_read_only_and_correct() -> None:
    sc = toy()
    assert sc.positions.shape == (2, 2)
    assert sc.positions.tolist() == [[2.0, -1.0], [8.0, 0.0]]  # b has no y: midpoint
    assert sc.salience.tolist() == [[0.5, 1.0], [1.0, 0.0]]
    assert sc.capability.tolist() == [[2.0, 4.0], [1.0, 1.0]]
    assert sc.has_position.tolist() == [[True, True], [True, False]]
    for arr in (sc.positions, sc.salience, sc.capability, sc.has_position, sc.scale):
        with pytest.raises(ValueError, match="read-only"):
            arr[0, 0] = 1
    assert sc.positions is sc.positions  # built once


def test_scenario_is_frozen_and_picklable() -> None:
    sc = toy()
    with pytest.raises(AttributeError):
        sc.name = "other"  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(sc))
    assert again == sc
    np.testing.assert_array_equal(again.positions, sc.positions)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputError) as exc:
        toy(
            actors=(Actor("a", "A", -1.0), Actor("a", "B", math.nan)),
            values={
                ("a", "x"): Value(11.0, 1.5),
                ("ghost", "x"): Value(1.0, 0.5),
                ("a", "nope"): Value(1.0, 0.5),
                ("a", "y"): Value(math.inf, math.nan),
            },
            events=(Event(1, "e", (Change("zed", "position", 1.0, "x"),)),),
        )
    found = problems_of(exc)
    expected = [
        "actors[a]: duplicate actor id 'a'",
        "actors[a].capability: must not be negative, got -1",
        "actors[a].capability: nan is not a finite number",
        "actors[a].positions[x].position: 11 is outside [0, 10]",
        "actors[a].positions[x].salience: 1.5 is outside [0, 1]",
        "actors[ghost].positions[x]: unknown actor 'ghost'",
        "actors[a].positions[nope]: unknown issue 'nope'",
        "actors[a].positions[y].position: inf is not a finite number",
        "actors[a].positions[y].salience: nan is not a finite number",
        "events[e].changes[0].actor: unknown actor 'zed'",
    ]
    for e in expected:
        assert e in found, f"missing {e!r} in {found}"


def test_empty_scenario_is_invalid() -> None:
    with pytest.raises(InvalidInputError) as exc:
        Scenario(name="empty", actors=(), issues=(), values={})
    assert problems_of(exc) == [
        "actors: the scenario has no actors",
        "issues: the scenario has no issues",
    ]


def test_issue_scale_and_status_quo_are_checked() -> None:
    with pytest.raises(InvalidInputError) as exc:
        toy(issues=(Issue("x", "X", 5, 5), Issue("y", "Y", -5, 5, status_quo=9)))
    found = problems_of(exc)
    assert "issues[x].max: must be greater than min (5), got 5" in found
    assert "issues[y].status_quo: 9 is outside [-5, 5]" in found


def test_branch_and_event_references_are_checked() -> None:
    with pytest.raises(InvalidInputError) as exc:
        toy(
            events=(Event(0, "e", (Change("a", "salience", 2.0, "x"),)),),
            branches=(Branch("br", drop_events=("nope",)), Branch("empty")),
            outcomes=(Outcome.from_expression("o", "zz >= 1"),),
        )
    found = problems_of(exc)
    assert "events[e].round: must be at least 1, got 0" in found
    assert "events[e].changes[0].salience: 2 is outside [0, 1]" in found
    assert "branches[br].drop_events[0]: unknown event 'nope'" in found
    assert "branches[empty]: a branch must change something or drop an event" in found
    assert "outcomes[o].when: unknown issue 'zz'" in found


def test_apply_branch_and_rounds() -> None:
    sc = toy(
        events=(
            Event(1, "e1", (Change("a", "position", 5.0, "x"),)),
            Event(3, "e3", (Change("b", "capability", 9.0),)),
        ),
        branches=(
            Branch("strong-b", changes=(Change("b", "capability", 3.0),)),
            Branch("calm", drop_events=("e1",)),
        ),
    )
    assert sc.at_round(0) is sc
    assert sc.at_round(1).positions[0, 0] == 5.0
    assert sc.at_round(2).capability[1, 0] == 1.0
    assert sc.at_round(3).capability[1, 0] == 9.0
    assert [e.name for e in sc.events_at(3)] == ["e3"]
    assert sc.with_branch("strong-b").actor("b").capability == 3.0
    assert [e.name for e in sc.with_branch("calm").events] == ["e3"]
    assert sc.with_branch(None) is sc
    with pytest.raises(InvalidInputError, match="unknown branch 'zz'"):
        sc.with_branch("zz")
    # a position change for an actor without one creates it
    added = sc.apply([Change("b", "position", 2.0, "y")])
    assert added.has_position[1, 1]
    assert sc.positions[0, 0] == 2.0  # the original is untouched


@pytest.mark.parametrize(
    ("expression", "positions", "matches"),
    [
        ("x >= 7", {"x": 7.0}, True),
        ("x >= 7", {"x": 6.99}, False),
        ("30 <= x < 70", {"x": 30.0}, True),
        ("30 <= x < 70", {"x": 70.0}, False),
        ("70 > x", {"x": 69.0}, True),
        ("x < 1 and y > 2", {"x": 0.0, "y": 3.0}, True),
        ("x < 1 and y > 2", {"x": 0.0, "y": 2.0}, False),
        ("x > -1.5e1", {"x": -10.0}, True),
        ("x < y", {"x": 1.0, "y": 2.0}, True),
        ("x >= 70 or y >= 70", {"x": 10.0, "y": 75.0}, True),
        ("not (x >= 70 or y >= 70)", {"x": 10.0, "y": 75.0}, False),
        ("x - y >= 20 and not x > 90", {"x": 50.0, "y": 30.0}, True),
        ("x < 1 or y > 2 and x > 5", {"x": 0.5, "y": 0.0}, True),  # and binds tighter
        ("(x < 1 or y > 2) and x > 5", {"x": 0.5, "y": 3.0}, False),
    ],
)
def test_outcome_expressions(expression: str, positions: dict[str, float], matches: bool) -> None:
    outcome = Outcome.from_expression("o", expression)
    assert outcome.matches(positions) is matches
    assert Outcome.from_expression("o", outcome.expression) == outcome


@pytest.mark.parametrize(
    "bad",
    ["", "x", "x >=", "1 < 2", "x = 3", "x >= 1 <= y", "x > 1e999", "nope(x) > 1", "(x > 1"],
)
def test_bad_outcome_expressions(bad: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by mistake
        Outcome.from_expression("o", bad)


def test_outcomes_can_refer_to_the_start_and_to_actors() -> None:
    sc = Scenario.from_table(
        "t",
        ["a", "b"],
        [Issue("x", "x", 0, 100, status_quo=20)],
        [[10.0], [90.0]],
        [[1.0], [1.0]],
        [1.0, 1.0],
    )
    moved = Outcome.from_expression("moved", "x - start(x) >= 30")
    prevails = Outcome.from_expression("b prevails", "distance(b, x) <= 10")
    assert [moved.matches({"x": v}, sc) for v in (50.0, 49.0)] == [True, False]
    assert [prevails.matches({"x": v}, sc) for v in (85.0, 70.0)] == [True, False]
    assert prevails.matches_all({"x": np.array([85.0, 70.0])}, sc).tolist() == [True, False]
    assert Outcome.from_expression("i", "initial(a, x) < x").matches({"x": 11.0}, sc)
    with pytest.raises(InvalidInputError) as exc:
        sc.evolve(
            outcomes=(
                Outcome.from_expression("o", "distance(c, x) < 5"),
                Outcome.from_expression("p", "y - start(y) > 1"),
            )
        )
    reasons = {p.reason for p in exc.value.problems}
    assert reasons == {"unknown actor 'c'", "unknown issue 'y'"}


def test_classify_uses_first_matching_outcome() -> None:
    sc = stratagem.load("iraq-2020")
    calm = {"iraq_order": 20, "iran_regime": 0, "iran_influence": 50, "escalation": 10}
    assert sc.classify({**calm, "escalation": 80, "repression": 90}) == "open war"
    assert sc.classify({**calm, "iraq_order": 80, "repression": 65}) == (
        "revolution attacked from both sides"
    )
    assert sc.classify({**calm, "iraq_order": 80, "repression": 30}) == "revolution prevails"
    assert sc.classify({**calm, "repression": 75}) == "revolt crushed"
    assert sc.classify({**calm, "iran_regime": 50, "repression": 60}) == (
        "reshuffle in Tehran, regime saved"
    )
    assert sc.classify({**calm, "repression": 60}) == "no decision"
    # an end is what happens: the status quo itself is no decision, not the revolt crushed
    assert sc.classify({i.id: i.status_quo for i in sc.issues}) == "no decision"


def test_from_table_builds_and_marks_missing() -> None:
    sc = Scenario.from_table(
        "t", ["p", "q"], ["u", "v"], [[1, np.nan], [2, 3]], [[0.5, 0], [1, 1]], [[1, 1], [2, 5]]
    )
    assert sc.has_position.tolist() == [[True, False], [True, True]]
    assert sc.capability[1].tolist() == [5.0, 5.0] or sc.capability[1].tolist() == [2.0, 5.0]
    assert sc.values[("q", "u")].capability == 2.0
    assert sc.actor("q").capability == 5.0


def test_default_case_encodes_the_article() -> None:
    sc = stratagem.load()
    assert sc.name == "iraq-2020"
    assert set(sc.issue_ids) == {
        "iraq_order",
        "iran_regime",
        "iran_influence",
        "escalation",
        "repression",
    }
    assert len(sc.actors) == 8
    assert [e.round for e in sc.events] == [1, 2, 3]
    assert {b.name for b in sc.branches} == {"western-movement-rises", "no-strike", "sadr-stays"}
    assert [o.name for o in sc.outcomes] == [
        "open war",
        "revolution attacked from both sides",
        "revolution prevails",
        "revolt crushed",
        "reshuffle in Tehran, regime saved",
        "no decision",
    ]
    after_strike = sc.at_round(2)
    assert after_strike.actor("iran").capability == 60
    assert sc.with_branch("no-strike").at_round(9).actor("iran").capability == 70


def test_without_actors_drops_what_involves_them() -> None:
    sc = stratagem.load()
    smaller = sc.without_actors(["iran"])
    assert "iran" not in smaller.actor_ids
    # the strike changes Iran's inputs: the event goes, and the branch that only dropped it
    assert [e.name for e in smaller.events] == ["embassy-siege", "sadr-withdraws"]
    assert [b.name for b in smaller.branches] == ["western-movement-rises", "sadr-stays"]
    assert not any(k[0] == "iran" for k in smaller.uncertainty)
    assert sc.without_actors(["western_movement"]).branches[0].name == "no-strike"
