from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

import stratagem
from stratagem.catalog import embedded_names
from stratagem.report.figures import actor_colours, scenario_figure, trajectory_figure


@pytest.mark.parametrize("name", embedded_names())
def test_figures_render_for_every_embedded_scenario(name: str) -> None:
    scenario = stratagem.load(name)
    fig = scenario_figure(scenario)
    assert len(fig.axes) == scenario.n_issues
    plt.close(fig)
    forecast = stratagem.run(scenario, "eum", params={"rounds": 6})
    issue = scenario.issue_ids[0]
    fig = trajectory_figure(scenario, forecast, issue)
    lines = fig.axes[0].get_lines()
    labels = [line.get_label() for line in lines]
    assert "median voter" in labels
    assert "weighted mean" in labels
    plt.close(fig)


def test_an_actor_has_one_colour_across_figures() -> None:
    from matplotlib.colors import to_rgba

    scenario = stratagem.load()
    colours = actor_colours(scenario.actor_ids)
    assert len(set(colours.values())) == scenario.n_actors
    forecast = stratagem.run(scenario, "eum")
    fig = trajectory_figure(scenario, forecast, "iraq_order")  # every actor takes a position
    by_label = {line.get_label(): to_rgba(line.get_color()) for line in fig.axes[0].get_lines()}
    plt.close(fig)
    for actor in scenario.actors:
        assert by_label[actor.name] == to_rgba(colours[actor.id]), actor.id


def test_trajectories_mark_only_the_events_the_run_applied() -> None:
    scenario = stratagem.load()
    forecast = stratagem.run(scenario, "eum")
    fig = trajectory_figure(scenario, forecast, "iraq_order")
    marked = {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)
    # every event changes an actor-wide capability, which acts on every issue
    assert marked == {"embassy-siege", "soleimani-strike", "sadr-withdraws"}
    fig = trajectory_figure(scenario, forecast, "iran_regime")
    assert {t.get_text() for t in fig.axes[0].texts} == {
        "embassy-siege",
        "soleimani-strike",
        "sadr-withdraws",
    }
    plt.close(fig)
    smp = stratagem.run(scenario, "smp", seed=1)
    fig = trajectory_figure(scenario, smp, "iraq_order")
    assert {t.get_text() for t in fig.axes[0].texts} == marked  # turn t is round t
    plt.close(fig)


def test_colours_are_colour_blind_safe_and_distinct() -> None:
    from stratagem.report.figures import SAFE_COLOURS, safe_colour

    colours = [safe_colour(k) for k in range(len(SAFE_COLOURS) + 5)]
    assert len(set(colours)) == len(colours)
    assert safe_colour(0) == actor_colours(["a", "b"])["a"]


def test_round_axes_have_whole_number_ticks() -> None:
    sc = stratagem.load()
    fig = trajectory_figure(sc, stratagem.run(sc, "eum"), "iraq_order")
    ticks = fig.axes[0].get_xticks()
    assert all(float(t).is_integer() for t in ticks)
    plt.close(fig)
