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


def test_actor_colours_are_stable() -> None:
    ids = ["a", "b", "c"]
    assert actor_colours(ids) == actor_colours(ids)
    assert len(set(actor_colours(ids).values())) == 3
