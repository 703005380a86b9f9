"""Properties of the graph model's stability over random conflicts (MODELS.md §4.2).

Per decision maker and state: Nash ⊆ SMR ⊆ GMR, Nash ⊆ SEQ ⊆ GMR, Nash ⊆ SIM, SEQ+SIM =
SEQ ∩ SIM; relabelling the decision makers or the options permutes the results and changes
nothing else; a decision maker with a dominant option always takes it at a Nash equilibrium.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stratagem.conflict.model import Conflict, DecisionMaker, Option, Statement
from stratagem.conflict.stability import Graph, equilibria, stability

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim")


@st.composite
def conflicts(draw: st.DrawFn) -> tuple[Conflict, np.ndarray]:
    """A random conflict (2–3 decision makers, 1–2 options each) and random tied scores."""
    n_dms = draw(st.integers(2, 3))
    options = []
    for d in range(n_dms):
        for k in range(draw(st.integers(1, 2))):
            direction = draw(st.sampled_from(["both", "both", "take", "withdraw"]))
            options.append(Option(f"o{d}{k}", f"d{d}", direction=direction))
    ids = [o.id for o in options]
    patterns = draw(
        st.lists(
            st.lists(st.tuples(st.sampled_from(ids), st.booleans()), min_size=2, max_size=3),
            max_size=2,
        )
    )
    infeasible = tuple(tuple(dict(p).items()) for p in patterns)
    # keep the all-withdrawn state feasible, so the feasible set is never empty
    infeasible = tuple(p for p in infeasible if any(t for _, t in p))
    conflict = Conflict(
        "random", tuple(DecisionMaker(f"d{d}") for d in range(n_dms)), tuple(options), infeasible
    )
    scores = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 3), min_size=conflict.n_states, max_size=conflict.n_states),
                min_size=n_dms,
                max_size=n_dms,
            )
        )
    )
    return conflict, scores


def _all(graph: Graph) -> dict[str, np.ndarray]:
    return {c: stability(graph, c) for c in CONCEPTS}


@settings(max_examples=150, deadline=None)
@given(conflicts())
def test_the_concepts_nest(case: tuple[Conflict, np.ndarray]) -> None:
    conflict, scores = case
    s = _all(Graph.build(conflict, scores))
    assert (s["nash"] <= s["smr"]).all()
    assert (s["smr"] <= s["gmr"]).all()
    assert (s["nash"] <= s["seq"]).all()
    assert (s["seq"] <= s["gmr"]).all()
    assert (s["nash"] <= s["sim"]).all()
    assert (s["seqsim"] == (s["seq"] & s["sim"])).all()


@settings(max_examples=100, deadline=None)
@given(conflicts(), st.randoms(use_true_random=False))
def test_relabelling_decision_makers_permutes_the_results(
    case: tuple[Conflict, np.ndarray], rnd: object
) -> None:
    conflict, scores = case
    order = list(range(len(conflict.decision_makers)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    relabelled = Conflict(
        "relabelled",
        tuple(conflict.decision_makers[k] for k in order),
        conflict.options,
        conflict.infeasible,
    )
    before = _all(Graph.build(conflict, scores))
    after = _all(Graph.build(relabelled, scores[order]))
    for concept in CONCEPTS:
        assert np.array_equal(after[concept], before[concept][order]), concept


@settings(max_examples=100, deadline=None)
@given(conflicts(), st.randoms(use_true_random=False))
def test_relabelling_options_permutes_the_states(
    case: tuple[Conflict, np.ndarray], rnd: object
) -> None:
    conflict, scores = case
    order = list(range(len(conflict.options)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    relabelled = Conflict(
        "relabelled",
        conflict.decision_makers,
        tuple(conflict.options[k] for k in order),
        conflict.infeasible,
    )
    # The same state (same options taken) in the relabelled numbering.
    where = [
        relabelled.state_index([o.id for o, t in zip(conflict.options, row, strict=True) if t])
        for row in conflict.taken
    ]
    moved = np.zeros_like(scores)
    moved[:, where] = scores
    before = _all(Graph.build(conflict, scores))
    after = _all(Graph.build(relabelled, moved))
    for concept in CONCEPTS:
        assert np.array_equal(after[concept][:, where], before[concept]), concept


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 4),
    st.lists(st.sampled_from(["and", "or"]), min_size=4, max_size=4),
    st.randoms(use_true_random=False),
)
def test_a_dominant_option_is_taken_at_the_only_nash_equilibrium(
    n: int, joins: list[str], rnd: object
) -> None:
    # Each decision maker's first statement is its own option: taking it always wins.
    options = tuple(Option(f"o{d}", f"d{d}") for d in range(n))
    dms = []
    for d in range(n):
        others = [f"o{k}" for k in range(n) if k != d]
        rnd.shuffle(others)  # type: ignore[attr-defined]
        rest = f" {joins[d]} ".join(f"not {o}" if rnd.random() < 0.5 else o for o in others)  # type: ignore[attr-defined]
        dms.append(DecisionMaker(f"d{d}", statements=(Statement(f"o{d}"), Statement(rest))))
    conflict = Conflict("dominant", tuple(dms), options)
    graph = Graph.build(conflict)
    everyone = conflict.state_index([o.id for o in options])
    assert equilibria(stability(graph, "nash")).tolist() == [everyone]


def test_every_state_of_a_small_conflict_is_numbered_once() -> None:
    conflict = Conflict(
        "three",
        (DecisionMaker("a"), DecisionMaker("b")),
        (Option("x", "a"), Option("y", "a"), Option("z", "b")),
        ((("x", True), ("y", True)),),
    )
    seen = [
        conflict.state_index([o for o, t in zip("xyz", bits, strict=True) if t])
        for bits in itertools.product([False, True], repeat=3)
        if not (bits[0] and bits[1])
    ]
    assert sorted(seen) == list(range(conflict.n_states))
