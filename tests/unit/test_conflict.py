"""The graph model: conflicts in option form, statements, analysis, and the case's conflict."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import stratagem
from stratagem import io
from stratagem.conflict.analysis import analyse, preference_draws
from stratagem.conflict.model import (
    Conflict,
    ConflictAddition,
    ConflictEnd,
    DecisionMaker,
    Option,
    Statement,
)
from stratagem.conflict.stability import Graph, equilibria, stability
from stratagem.conflict.statements import parse_statement
from stratagem.errors import InvalidInputError


def pd(**kw: object) -> Conflict:
    """The prisoner's dilemma: option c<x> is x cooperating."""
    return Conflict(
        "pd",
        (
            DecisionMaker("a", "Alice", (Statement("cb"), Statement("not ca"))),
            DecisionMaker("b", "Bob", (Statement("ca"), Statement("not cb"))),
        ),
        (Option("ca", "a", "Alice cooperates"), Option("cb", "b", "Bob cooperates")),
        **kw,  # type: ignore[arg-type]
    )


def reasons(err: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [f"{p.field}: {p.reason}" for p in err.value.problems]


# ------------------------------------------------------------------ statements


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a", "a"),
        ("not  a", "not a"),
        ("a and not (b or c)", "a and not (b or c)"),
        ("if a then b and c", "if a then b and c"),
        ("(a or b) and c", "(a or b) and c"),
        ("not not a", "not not a"),
    ],
)
def test_statements_print_back_to_an_equal_statement(text: str, canonical: str) -> None:
    parsed = parse_statement(text)
    assert parsed.text() == canonical
    assert parse_statement(parsed.text()) == parsed


@pytest.mark.parametrize("text", ["", "a and", "if a b", "(a", "a b", "and", "a )"])
def test_malformed_statements_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"statement|empty"):
        parse_statement(text)


def test_if_then_holds_where_the_condition_fails_or_the_consequence_holds() -> None:
    taken = {"a": np.array([False, False, True, True]), "b": np.array([False, True, False, True])}
    assert parse_statement("if a then b").holds(taken).tolist() == [True, True, False, True]


def test_fixing_options_simplifies_a_statement() -> None:
    s = parse_statement("if a then (b and not c)")
    assert s.fixed({"a": False}) is True
    fixed = s.fixed({"a": True, "c": False})
    assert not isinstance(fixed, bool)
    assert fixed.text() == "b"
    assert parse_statement("a or b").fixed({"a": True}) is True
    assert parse_statement("a and b").fixed({"a": False}) is False


# ------------------------------------------------------------------ the model


def test_option_prioritization_scores_as_fang_et_al_define_it() -> None:
    # Alice's statements: "cb" (weight 2), "not ca" (weight 1); states 0..3 by code.
    assert pd().scores()[0].tolist() == [1, 0, 3, 2]


def test_states_are_ordered_by_decimal_code_and_shown_by_options() -> None:
    c = pd(infeasible=((("ca", True), ("cb", True)),))
    assert c.codes.tolist() == [0, 1, 2]
    assert c.describe(2) == "state 3 (Bob cooperates)"
    assert c.state_index("cb") == 2
    assert c.state_index("none") == 0
    assert c.state_index(2) == 1
    with pytest.raises(InvalidInputError, match="infeasible"):
        c.state_index(["ca", "cb"])
    with pytest.raises(InvalidInputError, match="not one of the 3 states"):
        c.state_index(4)
    with pytest.raises(InvalidInputError, match="unknown option 'x'"):
        c.state_index("x")


def test_every_problem_of_a_conflict_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputError) as err:
        Conflict(
            "bad",
            (DecisionMaker("a", statements=(Statement("ghost"),)), DecisionMaker("idle")),
            (Option("o", "a"), Option("p", "nobody", direction="sideways")),  # type: ignore[arg-type]
            infeasible=((("nope", True),),),
            status_quo=("missing",),
        )
    found = reasons(err)
    assert "conflict.preferences[a][0]: unknown option 'ghost'" in found
    assert "conflict.options[p].by: unknown decision maker 'nobody'" in found
    assert any("direction" in r and "sideways" in r for r in found)
    assert "conflict.decision_makers[idle]: controls no option" in found
    assert "conflict.infeasible[0]: unknown option 'nope'" in found
    assert "conflict.status_quo: unknown option 'missing'" in found


def test_an_infeasible_status_quo_and_an_empty_feasible_set_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="status quo is one of the infeasible"):
        pd(infeasible=((("ca", True),),), status_quo=("ca",))
    with pytest.raises(InvalidInputError, match="every state is infeasible"):
        pd(infeasible=((("ca", True),), (("ca", False),)))


def test_irreversible_options_limit_the_moves() -> None:
    c = Conflict(
        "one-way",
        (DecisionMaker("a", statements=(Statement("o"),)), DecisionMaker("b")),
        (Option("o", "a", direction="withdraw"), Option("p", "b")),
    )
    graph = Graph.build(c)
    # From "o not taken" a cannot take it; from "o taken" it can withdraw it.
    assert (graph.moves[0][:, 0] >= graph.n).all()
    assert graph.moves[0][:, 1].tolist() == [0]


def test_a_conflict_pickles_and_compares_by_its_fields() -> None:
    c = pd(ends=(ConflictEnd("deal", "ca and cb"),))
    assert pickle.loads(pickle.dumps(c)) == c
    assert c != pd()


def test_a_branch_addition_adds_options_and_statements_above_and_below() -> None:
    addition = ConflictAddition(
        options=(Option("mediate", "m", "A mediator steps in"),),
        statements=(("a", (Statement("mediate"),)),),
        names=(("m", "Mediator"),),
        statements_above=(("b", (Statement("not mediate"),)),),
    )
    added = addition.apply(pd())
    assert [d.id for d in added.decision_makers] == ["a", "b", "m"]
    assert [s.when for s in added.decision_makers[0].statements] == ["cb", "not ca", "mediate"]
    assert added.decision_makers[1].statements[0].when == "not mediate"
    assert added.n_states == 8
    with pytest.raises(InvalidInputError, match="not a decision maker"):
        ConflictAddition(statements=(("zed", (Statement("ca"),)),)).apply(pd())


def test_removing_a_decision_maker_holds_its_options_at_the_status_quo() -> None:
    c = pd(status_quo=("cb",), ends=(ConflictEnd("deal", "ca and cb"),))
    without = c.without_decision_makers({"b"})
    assert without is not None
    assert [o.id for o in without.options] == ["ca"]
    # Alice's "cb" is now always true and goes; "not ca" stays.
    assert [s.when for s in without.decision_makers[0].statements] == ["not ca"]
    assert [e.when for e in without.ends] == ["ca"]
    assert c.without_decision_makers({"a", "b"}) is None


# ------------------------------------------------------------------ analysis


def test_analysis_says_why_and_finds_the_coalition_that_beats_the_dilemma() -> None:
    result = analyse(pd(status_quo=()), coalitions=[["a", "b"]])
    assert result.equilibria("nash") == [1]
    finding = result.coalitions[0]
    assert finding.unstable == (0,)
    to, path = finding.improvements[0]
    assert to == 3  # both cooperate
    assert [step[0] for step in path.steps] == ["a", "b"] or [s[0] for s in path.steps] == [
        "b",
        "a",
    ]
    words = " ".join(finding.sentences(result.conflict))
    assert "Alice and Bob together reach state 4 (Alice cooperates, Bob cooperates)" in words
    lines = result.explain(4, "a", "gmr")
    assert lines[0].startswith("state 4 (Alice cooperates, Bob cooperates) is stable for Alice")
    assert "blocked, since Bob withdraws 'Bob cooperates'" in lines[1]


def test_status_quo_paths_are_shortest_sequences_of_improvements() -> None:
    result = analyse(pd(status_quo=("ca", "cb")))
    reached = result.reachable_equilibria("nash")["improvements"]
    assert list(reached) == [0]
    assert len(reached[0].steps) == 2
    assert {step[0] for step in reached[0].steps} == {"a", "b"}


def test_unknown_concepts_coalition_members_and_lh_for_many_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="unknown concept 'nashh'"):
        analyse(pd(), concepts=("nashh",))
    with pytest.raises(InvalidInputError, match="unknown decision maker 'zed'"):
        analyse(pd(), coalitions=[["a", "zed"]])
    with pytest.raises(InvalidInputError, match="two decision makers or more"):
        analyse(pd(), coalitions=[["a"]])


def test_preference_draws_are_reproducible_and_count_ends() -> None:
    c = Conflict(
        "coin",
        (
            DecisionMaker("a", statements=(Statement("o", probability=0.5), Statement("not o"))),
            DecisionMaker("b", statements=(Statement("p"),)),
        ),
        (Option("o", "a"), Option("p", "b")),
        ends=(ConflictEnd("both", "o and p"),),
    )
    first = preference_draws(c, 400, 11, executor="serial")
    again = preference_draws(c, 400, 11, executor="serial")
    assert first.to_dict() == again.to_dict()
    share = first.end_shares["nash"]["both"]
    assert 0.4 < share < 0.6  # a takes o exactly when its statement is drawn
    assert first.none_shares["nash"] == 0.0


# ------------------------------------------------------------------ files


def test_a_scenario_conflict_round_trips_through_yaml() -> None:
    sc = stratagem.load()
    assert sc.conflict is not None
    again = io.read_text(io.write_text(sc, "yaml"), "again.yaml")
    assert again.conflict == sc.conflict
    assert again.branches == sc.branches


def test_formats_that_cannot_hold_a_conflict_say_so() -> None:
    assert any("graph model" in w for w in io.lost_in(stratagem.load(), "ktab-csv"))


def test_gmcr_bad_input_is_located(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    unknown = folder / "unknown.gmcr"
    unknown.write_text(
        json.dumps(
            {
                "options": [{"name": "o"}],
                "decisionMakers": [{"name": "d", "options": [0], "preferences": [[[3, "Y"]]]}],
                "colour": "red",
            },
            indent=1,
        )
    )
    with pytest.raises(InvalidInputError) as err:
        io.read_conflict(unknown)
    found = reasons(err)
    assert any("colour" in r for r in found), found
    assert any("option 3 does not exist" in r for r in found), found
    assert all(p.line is not None for p in err.value.problems)
    truncated = folder / "truncated.gmcr"
    truncated.write_text('{"options": [{"name": "o"}')
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        io.read_conflict(truncated)


def test_scenario_conflict_errors_name_the_field_and_line() -> None:
    text = """stratagem: 1
name: t
issues: [{id: i, status_quo: 0}]
actors:
  - {id: x, capability: 1, positions: {i: {position: 0, salience: 1}}}
conflict:
  options:
    - {id: o, by: x}
    - {id: p, by: ghost}
  status_quo: [o]
  infeasible: [[[o, Y]]]
  preferences:
    x: [o and q, "if o then"]
"""
    with pytest.raises(InvalidInputError) as err:
        io.read_text(text, "t.yaml")
    found = [(p.line, f"{p.field}: {p.reason}") for p in err.value.problems]
    flat = " | ".join(r for _, r in found)
    assert "conflict.preferences[x][1]" in flat, flat
    assert "expected" in flat, flat
    assert "conflict.preferences[x][0]: unknown option 'q'" in flat, flat
    assert "conflict.options[p].by: unknown actor 'ghost'" in flat, flat
    assert all(line is not None for line, _ in found), found


# ------------------------------------------------------------------ the case


def test_the_case_analysis_runs_and_names_its_ends() -> None:
    result = stratagem.conflict_analysis(draws=50, seed=3)
    doc = result.to_dict()
    assert set(doc["equilibria"]) == {"nash", "gmr", "smr", "seq", "sim", "seqsim"}
    assert {e["name"] for e in doc["ends"]} >= {"open war", "revolution attacked from both sides"}
    assert doc["parameters"]["seed"] == 3
    assert doc["version"] == stratagem.__version__
    for concept, states in doc["equilibria"].items():
        for k in states:
            assert stability(Graph.build(result.conflict), concept)[:, k - 1].all()
    assert equilibria(result.stable["nash"]).size == len(doc["equilibria"]["nash"])


def test_a_joint_coalition_move_is_one_step_by_all_its_members() -> None:
    result = analyse(pd(), coalitions=[["a", "b"]], coalition_moves="joint")
    to, path = result.coalitions[0].improvements[0]
    assert to == 3
    assert path.steps == (("a+b", 0, 3),)
    assert "Alice and Bob, moving at once, take 'Alice cooperates' and 'Bob cooperates'" in (
        path.words(result.conflict)
    )
    assert result.to_dict()["parameters"]["coalition_moves"] == "joint"
    with pytest.raises(InvalidInputError, match="'sideways' is not one of sequence, joint"):
        analyse(pd(), coalition_moves="sideways")


def test_move_agreement_counts_how_two_judge_a_third_ones_moves() -> None:
    from stratagem.conflict.analysis import move_agreement

    c = Conflict(
        "three",
        (
            DecisionMaker("a", statements=(Statement("not o"),)),
            DecisionMaker("b", statements=(Statement("not o"), Statement("p"))),
            DecisionMaker("c", statements=(Statement("o"),)),
        ),
        (Option("pa", "a"), Option("p", "b"), Option("o", "c")),
    )
    agreement = move_agreement(Graph.build(c))
    a, b, third = 0, 1, 2
    # c's 8 moves (4 states × take or withdraw): a and b both lose or both gain from each.
    assert agreement.aligned[a, b, third] == 8
    assert agreement.opposed[a, b, third] == 0
    assert agreement.share("a", "b") == 1.0
    # a cares nothing for b's only option, so a and c never both care about b's moves
    assert np.isnan(agreement.share("a", "c"))
    assert "never both care about b's moves" in " ".join(agreement.sentences("a", "c"))
    assert "judge c's moves alike in 100% of the 8 moves" in " ".join(agreement.sentences("a", "b"))
    assert agreement.to_dict()["share"][0][1] == 1.0
