from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

import stratagem
from stratagem import Actor, Issue, Scenario
from stratagem.analysis.compatibility import compatibility, explain_pair
from strategies import scenarios

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(sc=scenarios(min_actors=2, max_actors=6, max_issues=3))
def test_symmetric_bounded_and_relabelling_invariant(sc: Scenario) -> None:
    c = compatibility(sc)
    assert np.allclose(c.combined, c.combined.T)
    assert (c.combined >= -1e-12).all()
    assert (c.combined <= 1 + 1e-12).all()
    order = list(reversed(range(sc.n_actors)))
    relabelled = sc.evolve(
        actors=tuple(
            Actor("z" + sc.actors[k].id, "Z" + sc.actors[k].name, sc.actors[k].capability)
            for k in order
        ),
        values={("z" + a, i): v for (a, i), v in sc.values.items()},
    )
    other = compatibility(relabelled)
    np.testing.assert_allclose(other.combined, c.combined[np.ix_(order, order)], atol=1e-9)


def test_identical_copy_is_fully_compatible() -> None:
    base = stratagem.load()
    us = base.actor("us")
    copy = Actor("us_copy", "US copy", us.capability)
    values = dict(base.values)
    values.update({("us_copy", i): v for (a, i), v in base.values.items() if a == "us"})
    sc = base.evolve(actors=(*base.actors, copy), values=values)
    c = compatibility(sc)
    i, j = sc.actor_index("us"), sc.actor_index("us_copy")
    assert c.combined[i, j] == 1.0


def test_opposite_ends_without_common_adversary_are_the_least_compatible() -> None:
    issues = (Issue("p", "P"), Issue("q", "Q"))
    sc = Scenario.from_table(
        "ends",
        ["low", "high", "mid1", "mid2"],
        issues,
        [[0, 0], [100, 100], [45, 55], [55, 45]],
        [[1, 1], [1, 1], [0.5, 0.5], [0.5, 0.5]],
        [1, 1, 1, 1],
    )
    c = compatibility(sc)
    off = c.combined + np.eye(4) * 10
    i, j = np.unravel_index(np.argmin(off), off.shape)
    assert {sc.actors[i].id, sc.actors[j].id} == {"low", "high"}


def test_tacit_pairs_are_what_their_definition_says() -> None:
    c = compatibility(stratagem.load())
    assert c.tacit()
    for t in c.tacit():
        i, j = (c.scenario.actor_index(a) for a in t["actors"])
        assert c.combined_per_issue[t["in_concert_on"]][i, j] >= 0.7
        assert c.per_issue["spatial"][t["apart_on"]][i, j] <= 0.4
    lines = explain_pair(stratagem.load(), "us", "iran")
    assert lines[0].startswith("United States (Trump administration) and Iranian regime")
    assert lines[-1].startswith("  Through the events: at the start")
