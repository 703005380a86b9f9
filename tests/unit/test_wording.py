"""What readers read: conditions and uncertain inputs named by the scenario's names."""

from __future__ import annotations

import stratagem
from stratagem.conditions import in_words, parse
from stratagem.uncertainty.sampling import input_label, uncertain_inputs


def test_conditions_read_with_issue_and_actor_names() -> None:
    sc = stratagem.load()
    assert in_words("repression >= 70 and iraq_order < 30", sc) == (
        "Repression of the Iraqi revolt ≥ 70 and Iraq's political order < 30"
    )
    assert in_words("distance(revolt, iraq_order) <= 15", sc) == (
        "distance(Iraqi popular revolt, Iraq's political order) ≤ 15"
    )
    assert in_words("not (escalation >= 70)", sc) == "not (US–Iran military confrontation ≥ 70)"


def test_every_named_end_of_every_embedded_scenario_reads_without_ids() -> None:
    from stratagem.catalog import embedded_names

    for name in embedded_names():
        sc = stratagem.load(name)
        for outcome in sc.outcomes:
            words = in_words(outcome.when, sc)
            parse(outcome.when)  # the condition itself is untouched
            renamed = [i for i in sc.issues if i.name != i.id]
            assert not any(f" {i.id} " in f" {words} " for i in renamed), (name, words)


def test_uncertain_inputs_read_with_names() -> None:
    sc = stratagem.load()
    assert input_label(sc, "us.iraq_order.salience") == (
        "United States (Trump administration): salience on Iraq's political order"
    )
    assert input_label(sc, "sadr.capability") == "al-Sadr movement: capability"
    assert input_label(sc, "nobody.capability") == "nobody.capability"
    for u in uncertain_inputs(sc, {"position": 5, "salience": 0.1, "capability": 0.1}):
        assert "." not in input_label(sc, u.name).split(":")[0]
