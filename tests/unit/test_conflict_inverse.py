"""Inverse graph model: the smallest preference change that makes a state an equilibrium."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import stratagem
from stratagem.cli.main import cli
from stratagem.conflict.inverse import inverse
from stratagem.conflict.model import Conflict, DecisionMaker, Option, Statement
from stratagem.conflict.stability import Graph, stability
from stratagem.errors import InvalidInputError


def pd() -> Conflict:
    """The prisoner's dilemma: option c<x> is x cooperating."""
    return Conflict(
        "pd",
        (
            DecisionMaker("a", "Alice", (Statement("cb"), Statement("not ca"))),
            DecisionMaker("b", "Bob", (Statement("ca"), Statement("not cb"))),
        ),
        (Option("ca", "a", "Alice cooperates"), Option("cb", "b", "Bob cooperates")),
    )


def test_mutual_cooperation_in_the_prisoners_dilemma() -> None:
    # Alice ranks (she defects, Bob cooperates) > (both cooperate) > (both defect) > (she is
    # the sucker): mutual cooperation becomes Nash stable for her when she values it as
    # highly as defecting on a cooperator — one tier up; the same for Bob.
    c = pd()
    both = c.state_index(["ca", "cb"]) + 1
    found = inverse(c, both, "nash")
    assert not found.equilibrium_before
    assert found.equilibrium_after
    alice_defects = c.state_index(["cb"]) + 1
    bob_defects = c.state_index(["ca"]) + 1
    lifts = {lift.decision_maker: lift for lift in found.lifts}
    assert lifts["a"].tiers == 1
    assert lifts["a"].level_with == (alice_defects,)
    assert lifts["a"].blocking == (alice_defects,)
    assert lifts["b"].level_with == (bob_defects,)
    # under GMR it already is stable (the other's defection sanctions a defection)
    assert inverse(c, both, "gmr").equilibrium_before


def test_an_equilibrium_needs_no_change() -> None:
    c = pd()
    found = inverse(c, "none", "nash")
    assert found.equilibrium_before
    assert all(lift.tiers == 0 for lift in found.lifts)
    assert "already is a nash equilibrium" in found.sentences()[0]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=8, max_size=8),
    st.lists(st.integers(0, 5), min_size=8, max_size=8),
    st.integers(0, 7),
    st.sampled_from(["nash", "gmr", "smr", "sim"]),
)
def test_each_lift_is_the_smallest_that_works(
    first: list[int], second: list[int], target: int, concept: str
) -> None:
    """Two decision makers (one and two options), random tied rankings: each reported lift
    makes the state stable for its decision maker, and the tier below it does not."""
    c = Conflict(
        "random",
        (DecisionMaker("x"), DecisionMaker("y")),
        (Option("p", "x"), Option("q", "y"), Option("r", "y")),
    )
    scores = np.array([first, second], dtype=np.int64)
    found = inverse(c, target + 1, concept, scores)
    graph = Graph.build(c, scores)
    for d, lift in enumerate(found.lifts):
        if not lift.possible or lift.tiers == 0:
            continue
        tiers = np.unique(scores[d][scores[d] > scores[d, target]])
        raised = scores * 2
        raised[d, target] = 2 * tiers[lift.tiers - 1]
        assert stability(graph.with_scores(raised), concept)[d, target]
        if lift.tiers > 1:
            lower = scores * 2
            lower[d, target] = 2 * tiers[lift.tiers - 2]
            assert not stability(graph.with_scores(lower), concept)[d, target]
    if concept in ("nash", "gmr", "smr") and all(lift.possible for lift in found.lifts):
        # stability for one decision maker under these concepts depends on its own
        # preferences only: the lifts together make an equilibrium
        assert found.equilibrium_after


def test_the_case_and_the_command_line() -> None:
    found = stratagem.conflict_inverse(state="revolt_pushes", concept="gmr")
    assert found.equilibrium_after
    runner = CliRunner()
    out = runner.invoke(cli, ["conflict", "--inverse", "revolt_pushes"])
    assert out.exit_code == 0, out.output
    assert "Iraqi popular revolt: already stable" in out.output
    assert "(checked)" in out.output
    doc = json.loads(runner.invoke(cli, ["conflict", "--inverse", "1", "--json"]).stdout)
    assert doc["state"] == 1
    assert {lift["decision_maker"] for lift in doc["lifts"]} >= {"us", "iran", "revolt"}
    bad = runner.invoke(cli, ["conflict", "--inverse", "99999"])
    assert bad.exit_code == 3
    assert "is not one of the 256 states" in bad.output
    with pytest.raises(InvalidInputError, match="unknown concept"):
        inverse(pd(), 1, "xyz")
