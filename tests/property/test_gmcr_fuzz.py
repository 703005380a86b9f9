"""Fuzzing the graph-model readers: any input gives a conflict or a located error, never a crash.

Random JSON values and random mutations of the shipped ``.gmcr`` files go through
:func:`stratagem.io.gmcr.read_gmcr`; random ``conflict:`` sections through the scenario
reader. Either the result is a valid conflict, or an :class:`InvalidInputError` whose every
problem names a field and a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratagem import io
from stratagem.errors import InvalidInputError
from stratagem.io.gmcr import read_gmcr

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["Y", "N", "both", "fwd", "back", "name", "options"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


def _located(err: InvalidInputError) -> bool:
    return bool(err.problems) and all(p.field and p.reason for p in err.problems)


def _check(text: str) -> None:
    try:
        conflict = read_gmcr(text, "fuzz.gmcr")
    except InvalidInputError as err:
        problems = err
    else:
        assert conflict.n_states >= 1
        return
    assert _located(problems), problems.problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_never_crashes_the_gmcr_reader(value: object) -> None:
    _check(json.dumps(value))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_crashes_the_gmcr_reader(text: str) -> None:
    _check(text)


@st.composite
def mutated(draw: st.DrawFn, docs: list[dict[str, object]]) -> str:
    """A shipped file with one value somewhere replaced by a random one."""
    doc = json.loads(json.dumps(draw(st.sampled_from(docs))))
    node: object = doc
    for _ in range(draw(st.integers(1, 5))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if draw(st.booleans()) or not isinstance(node[key], dict | list):
                node[key] = draw(json_values)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            k = draw(st.integers(0, len(node) - 1))
            if draw(st.booleans()) or not isinstance(node[k], dict | list):
                node[k] = draw(json_values)
                break
            node = node[k]
        else:
            break
    return json.dumps(doc)


def test_mutated_shipped_files_never_crash_the_reader(shared_data: Path) -> None:
    docs = [json.loads(p.read_text()) for p in sorted((shared_data / "gmcr").glob("*.gmcr"))]
    assert len(docs) == 6

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated(docs))
    def run(text: str) -> None:
        _check(text)

    run()


SCENARIO = {
    "stratagem": 1,
    "name": "fuzz",
    "issues": [{"id": "i", "status_quo": 0}],
    "actors": [
        {"id": "a", "capability": 1, "positions": {"i": {"position": 0, "salience": 1}}},
        {"id": "b", "capability": 1, "positions": {"i": {"position": 100, "salience": 1}}},
    ],
}
conflict_sections = st.fixed_dictionaries(
    {},
    optional={
        "options": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["o", "p", "q", ""]),
                    "by": st.sampled_from(["a", "b", "z"]),
                },
                optional={"direction": st.sampled_from(["both", "take", "withdraw", "up"])},
            ),
            max_size=3,
        )
        | json_values,
        "status_quo": st.lists(st.sampled_from(["o", "p", "x"]), max_size=2) | json_values,
        "infeasible": st.lists(
            st.lists(st.tuples(st.sampled_from(["o", "p", "x"]), st.sampled_from(["Y", "N", 3])))
        )
        | json_values,
        "preferences": st.dictionaries(
            st.sampled_from(["a", "b", "z"]),
            st.lists(st.sampled_from(["o", "not p", "if o then p", "o and", "(p", "x or o"])),
        )
        | json_values,
        "ends": st.lists(
            st.fixed_dictionaries(
                {"name": st.text(max_size=4), "when": st.sampled_from(["o", "p and", "q"])}
            )
        )
        | json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflict_sections)
def test_random_conflict_sections_give_a_scenario_or_located_problems(section: object) -> None:
    text = yaml.safe_dump({**SCENARIO, "conflict": section})
    try:
        sc = io.read_text(text, "fuzz.yaml")
    except InvalidInputError as err:
        problems = err
    else:
        assert sc.conflict is not None
        return
    assert _located(problems), problems.problems
