"""The dashboard's what-ifs: sliders over a scenario's inputs, the edited case beside it.

Each actor has a panel: a slider for its capability and, per issue it takes a position on,
sliders for its position and salience; a reset per value, per actor and for all. The
edited scenario is the baseline with the sliders' values (:func:`edited_scenario`); the
forecasts of the chosen models, the named ends' probabilities (a small draw count, refined
on demand, the same draws for both cases) and the bottom line follow every move; the
dashboard computes them in threads, so the server goes on serving other sessions. Slider
ids carry a generation number, so that a slider of an earlier scenario never edits a new one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from shiny import ui

from stratagem.errors import InvalidInputError
from stratagem.scenario import Change, Scenario

__all__ = [
    "FIRST_DRAWS",
    "REFINED_DRAWS",
    "baseline_value",
    "capability_ceiling",
    "comparison_table",
    "controls",
    "edited_scenario",
    "outcome_table",
    "slider_ids",
]

FIRST_DRAWS = 200
"""Draws of the outcome probabilities while sliders move (refined on demand)."""
REFINED_DRAWS = 2_000
"""Draws of the outcome probabilities when the user asks for more precision."""


def capability_ceiling(scenario: Scenario) -> float:
    """The capability sliders' top: three times the largest capability (at least 1)."""
    return float(max([a.capability for a in scenario.actors] + [1.0 / 3.0]) * 3)


def slider_ids(scenario: Scenario, generation: int) -> dict[str, tuple[str, str, str | None]]:
    """Every slider's input id → (actor id, field, issue id or None)."""
    ids: dict[str, tuple[str, str, str | None]] = {}
    for k, actor in enumerate(scenario.actors):
        ids[f"wi{generation}_cap_{k}"] = (actor.id, "capability", None)
        for j, issue in enumerate(scenario.issues):
            if (actor.id, issue.id) in scenario.values:
                ids[f"wi{generation}_pos_{k}_{j}"] = (actor.id, "position", issue.id)
                ids[f"wi{generation}_sal_{k}_{j}"] = (actor.id, "salience", issue.id)
    return ids


def baseline_value(scenario: Scenario, actor: str, field: str, issue: str | None) -> float:
    """The scenario's own value of a slider's input."""
    if issue is None:
        return scenario.actor(actor).capability
    value = scenario.values[(actor, issue)]
    return float(value.position if field == "position" else value.salience)


def edited_scenario(
    scenario: Scenario, generation: int, read: Callable[[str], float | None]
) -> tuple[Scenario, list[Change]]:
    """The scenario with every slider that moved, and the changes made.

    ``read`` gives a slider's value (None: not shown yet). A combination the scenario
    refuses leaves the baseline.
    """
    changes = []
    for input_id, (actor, field, issue) in slider_ids(scenario, generation).items():
        value = read(input_id)
        if value is None:
            continue
        if not math.isclose(value, baseline_value(scenario, actor, field, issue), abs_tol=1e-9):
            changes.append(Change(actor, field, float(value), issue))  # type: ignore[arg-type]
    if not changes:
        return scenario, []
    try:
        return scenario.apply(changes), changes
    except InvalidInputError:
        return scenario, []


def _with_reset(slider: Any, input_id: str) -> Any:
    """A slider and, under it, a link that puts its value back to the scenario's."""
    link = ui.input_action_link(f"{input_id}_reset", "reset this value")
    return ui.div(slider, ui.div(link, class_="small text-end", style="margin-top:-0.8rem"))


def controls(scenario: Scenario, generation: int) -> Any:
    """The sliders (each with its reset): one accordion panel per actor."""
    ceiling = capability_ceiling(scenario)
    panels = []
    for k, actor in enumerate(scenario.actors):
        cap_id = f"wi{generation}_cap_{k}"
        items = [
            _with_reset(
                ui.input_slider(
                    cap_id,
                    "capability",
                    min=0.0,
                    max=ceiling,
                    value=actor.capability,
                    step=ceiling / 300,
                ),
                cap_id,
            )
        ]
        for j, issue in enumerate(scenario.issues):
            value = scenario.values.get((actor.id, issue.id))
            if value is None:
                continue
            pos_id, sal_id = f"wi{generation}_pos_{k}_{j}", f"wi{generation}_sal_{k}_{j}"
            items.append(
                _with_reset(
                    ui.input_slider(
                        pos_id,
                        f"position on {issue.name}",
                        min=issue.min,
                        max=issue.max,
                        value=value.position,
                        step=(issue.max - issue.min) / 200,
                    ),
                    pos_id,
                )
            )
            items.append(
                _with_reset(
                    ui.input_slider(
                        sal_id,
                        f"salience on {issue.name}",
                        min=0.0,
                        max=1.0,
                        value=value.salience,
                        step=0.01,
                    ),
                    sal_id,
                )
            )
        items.append(ui.input_action_button(f"wi{generation}_reset_{k}", f"Reset {actor.name}"))
        panels.append(ui.accordion_panel(actor.name, *items, value=f"actor-{k}"))
    return ui.accordion(*panels, id=f"wi{generation}_actors", open=False, multiple=True)


def comparison_table(
    scenario: Scenario, baseline: Sequence[Any], edited: Sequence[Any], moved: bool
) -> Any:
    """Each chosen model's forecast per issue: the baseline and the edited case side by side."""
    head = [ui.tags.th("issue")]
    for f in baseline:
        head += [ui.tags.th(f"{f.model}: baseline"), ui.tags.th(f"{f.model}: what if")]
    rows = []
    for issue in scenario.issues:
        cells = [ui.tags.td(issue.name)]
        for b, e in zip(baseline, edited, strict=True):
            before, after = b.issues[issue.id].forecast, e.issues[issue.id].forecast
            style = "font-weight:bold" if abs(after - before) > 1e-9 else ""
            cells += [ui.tags.td(f"{before:.1f}"), ui.tags.td(f"{after:.1f}", style=style)]
        rows.append(ui.tags.tr(*cells))
    if scenario.outcomes:
        cells = [ui.tags.td(ui.tags.b("end"))]
        for b, e in zip(baseline, edited, strict=True):
            cells += [ui.tags.td(b.outcome or "(none)"), ui.tags.td(e.outcome or "(none)")]
        rows.append(ui.tags.tr(*cells))
    note = "" if moved else " (no slider moved: the what-if is the baseline)"
    return ui.tags.table(
        ui.tags.caption(f"Forecasts: the baseline and the what-if{note}"),
        ui.tags.tr(*head),
        *rows,
        class_="table table-sm",
        id="whatif-forecasts",
    )


def outcome_table(scenario: Scenario, baseline: Any, edited: Any) -> Any:
    """Each named end's probability in the baseline and in the what-if (the same draws)."""
    from stratagem.conditions import in_words

    before, after = baseline.outcome_probabilities(), edited.outcome_probabilities()
    names = [o.name for o in scenario.outcomes]
    names += [n for n in [*before, *after] if n not in names]
    when = {o.name: in_words(o.when, scenario) for o in scenario.outcomes}
    rows = [
        ui.tags.tr(
            ui.tags.td(name),
            ui.tags.td(when.get(name, "none of the conditions holds")),
            ui.tags.td(f"{before.get(name, 0.0):.3f}"),
            ui.tags.td(f"{after.get(name, 0.0):.3f}"),
            ui.tags.td(f"{after.get(name, 0.0) - before.get(name, 0.0):+.3f}"),
        )
        for name in dict.fromkeys(names)
    ]
    return ui.tags.table(
        ui.tags.caption(
            f"Probability of each named end under {baseline.model} ({baseline.draws:,} draws "
            "of the uncertain inputs, the same for both; a slider's input is certain)"
        ),
        ui.tags.tr(*(ui.tags.th(h) for h in ("end", "condition", "baseline", "what if", "change"))),
        *rows,
        class_="table table-sm",
        id="whatif-outcomes",
    )
