"""The procedural model: pivots, what the Council accepts, the three procedures, the rules."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import ALL_CHECKS
from stratagem import Actor, Issue, Scenario, Value, run
from stratagem.errors import InvalidInputError
from stratagem.models import get
from stratagem.models.procedural import acceptable_set, pivots

# Five Council members (equal votes), a Commission and a Parliament on one 0-100 issue
MEMBERS = {"a": 10.0, "b": 30.0, "c": 50.0, "d": 70.0, "e": 90.0}


def case(q: float, rules: dict[str, Any], com: float = 80.0, ep: float = 20.0) -> Scenario:
    positions = {**MEMBERS, "com": com, "ep": ep}
    return Scenario(
        name="eu",
        issues=(Issue("x", "x", 0.0, 100.0, status_quo=q),),
        actors=tuple(Actor(a, a.upper(), 1.0) for a in positions),
        values={(a, "x"): Value(p, 0.5) for a, p in positions.items()},
        # the Commission and the Parliament are named, so they are not Council members
        model_params={"procedural": {"agenda_setter": "com", "parliament": "ep", **rules}},
    )


def forecast(sc: Scenario, **params: Any) -> float:
    return run(sc, "procedural", params).issues["x"].forecast


def test_pivots_of_a_qualified_majority_and_of_unanimity() -> None:
    x, w = np.array(list(MEMBERS.values())), np.ones(5)
    # 0.71 of 5 votes needs 4 members: the core runs from the 2nd to the 4th member
    assert pivots(x, w, 0.71, strict=False) == (30.0, 70.0)
    assert pivots(x, w, 1.0, strict=False) == (10.0, 90.0)
    assert pivots(x, w, 0.5, strict=True) == (50.0, 50.0)  # the median
    # weights: one member with more than 29% of the votes is the pivot on its side
    assert pivots(x, np.array([1.0, 1, 1, 1, 3]), 0.71, strict=False) == (50.0, 90.0)


def test_what_a_winning_coalition_accepts_against_the_status_quo() -> None:
    # q = 0 below the core [30, 70]: four members (x >= 30) prefer anything up to 2*30 - 0
    assert acceptable_set(0.0, 30.0, 70.0, 0.0, 100.0) == (0.0, 60.0)
    # q inside the core: only q
    assert acceptable_set(50.0, 30.0, 70.0, 0.0, 100.0) == (50.0, 50.0)


def test_council_alone_moves_the_status_quo_to_the_nearer_pivot() -> None:
    assert forecast(case(0.0, {"procedure": "council"})) == 30.0
    assert forecast(case(95.0, {"procedure": "council"})) == 70.0
    assert forecast(case(45.0, {"procedure": "council"})) == 45.0  # gridlock inside the core
    assert forecast(case(0.0, {"procedure": "council", "voting_rule": "unanimity"})) == 10.0


def test_consultation_the_agenda_setter_proposes_what_the_council_accepts() -> None:
    rules = {"procedure": "consultation", "agenda_setter": "com"}
    # q = 0: a qualified majority accepts [0, 60]; the Commission at 80 proposes 60
    assert forecast(case(0.0, rules, com=80.0)) == 60.0
    # a Commission inside the accepted set gets its own position
    assert forecast(case(0.0, rules, com=40.0)) == 40.0
    # under unanimity the accepted set is [0, 20] (the member at 10 must agree)
    assert forecast(case(0.0, {**rules, "voting_rule": "unanimity"}, com=80.0)) == 20.0


def test_codecision_splits_the_difference_between_the_council_pivot_and_parliament() -> None:
    rules = {"procedure": "codecision", "agenda_setter": "com", "parliament": "ep"}
    # q = 100; the Parliament at 20; the Council's core point nearest it is 30; the bargain
    # 25 is accepted by the Council ([40, 100]: 2*70 - 100) and the Parliament? it accepts
    # [min(100, -60), 100] = all: the Council's acceptance binds, so 40
    assert forecast(case(100.0, rules, ep=20.0)) == 40.0
    # q = 0 and the Parliament at 20: bargain 25 = (30 + 20) / 2, inside both accepted sets
    # (the Council's [0, 60], the Parliament's [0, 40])
    assert forecast(case(0.0, rules, ep=20.0)) == 25.0
    assert forecast(case(0.0, rules, ep=20.0), bargaining_share=1.0) == 20.0
    assert forecast(case(0.0, rules, ep=20.0), bargaining_share=0.0) == 30.0
    # a Parliament inside the Council's core gets its own position
    assert forecast(case(0.0, rules, ep=40.0)) == 40.0


def test_an_institution_without_a_position_leaves_the_remaining_procedure() -> None:
    rules = {"procedure": "codecision", "agenda_setter": "com", "parliament": "ep"}
    sc = case(0.0, rules, com=80.0)
    # a second issue keeps both institutions in the scenario; on "x" they take no position
    y = Issue("y", "y", 0.0, 100.0, status_quo=50.0)
    both = sc.evolve(
        issues=(*sc.issues, y),
        values={**sc.values, **{(a.id, "y"): Value(50.0, 0.5) for a in sc.actors}},
    )
    no_ep = both.evolve(values={k: v for k, v in both.values.items() if k != ("ep", "x")})
    assert forecast(no_ep) == forecast(case(0.0, {**rules, "procedure": "consultation"}))
    no_com = no_ep.evolve(values={k: v for k, v in no_ep.values.items() if k != ("com", "x")})
    assert forecast(no_com) == forecast(case(0.0, {"procedure": "council"})) == 30.0
    assert run(no_com, "procedural").issues["x"].details["procedure"] == "council"


def test_it_needs_the_rules_and_every_status_quo() -> None:
    sc = case(0.0, {"procedure": "council"})
    assert get("procedural").unavailable(sc.evolve(model_params={})) is not None
    no_q = sc.evolve(issues=(Issue("x", "x", 0.0, 100.0),))
    assert "status quo" in str(get("procedural").unavailable(no_q))
    with pytest.raises(InvalidInputError, match="who is not an actor"):
        run(case(0.0, {"procedure": "consultation", "agenda_setter": "nobody"}), "procedural")


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_the_model_contract(check: Any) -> None:
    sc = case(10.0, {"procedure": "council"})
    # every actor votes (none is named: relabelling must not break a reference)
    check(get("procedural"), sc.evolve(model_params={"procedural": {"procedure": "council"}}))


@settings(max_examples=60, deadline=None)
@given(
    positions=st.lists(st.floats(0, 100), min_size=2, max_size=8),
    weights=st.lists(st.floats(0.1, 10), min_size=8, max_size=8),
    q=st.floats(0, 100),
    setter=st.floats(0, 100),
    rule=st.sampled_from(["qmv", "unanimity", "simple-majority"]),
)
def test_a_consultation_outcome_is_one_a_winning_coalition_prefers_to_the_status_quo(
    positions: list[float], weights: list[float], q: float, setter: float, rule: str
) -> None:
    members = {f"m{k}": (x, weights[k]) for k, x in enumerate(positions)}
    sc = Scenario(
        name="p",
        issues=(Issue("x", "x", 0.0, 100.0, status_quo=q),),
        actors=(
            *(Actor(a, a, w) for a, (_, w) in members.items()),
            Actor("com", "Commission", 1.0),
        ),
        values={
            **{(a, "x"): Value(x, 0.5) for a, (x, _) in members.items()},
            ("com", "x"): Value(setter, 0.5),
        },
        model_params={
            "procedural": {"procedure": "consultation", "voting_rule": rule, "agenda_setter": "com"}
        },
    )
    out = forecast(sc)
    x = np.array([x for x, _ in members.values()])
    w = np.array([w for _, w in members.values()])
    support = w[np.abs(x - out) <= np.abs(x - q) + 1e-9].sum()
    share = {"qmv": 0.71, "unanimity": 1.0, "simple-majority": 0.5}[rule]
    assert out == q or support >= share * w.sum() - 1e-9
    # and the Council cannot amend it unanimously: it lies within the members' range
    assert out == q or x.min() - 1e-9 <= out <= x.max() + 1e-9
