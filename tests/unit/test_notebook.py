"""Results in notebooks: pandas frames, HTML tables by name, trajectory plots (issue 23)."""

from __future__ import annotations

import html
import sys

import matplotlib
import pytest

import stratagem
from stratagem import StratagemError

matplotlib.use("Agg")
pd = pytest.importorskip("pandas")


def test_scenario_frame_has_a_row_per_value_with_names() -> None:
    sc = stratagem.load()
    frame = sc.to_frame()
    assert list(frame.columns) == [
        "actor",
        "actor_name",
        "issue",
        "issue_name",
        "position",
        "salience",
        "capability",
    ]
    assert len(frame) == len(sc.values)
    row = frame[(frame.actor == "revolt") & (frame.issue == "iraq_order")].iloc[0]
    assert row.actor_name == sc.actor("revolt").name
    assert row.position == sc.values[("revolt", "iraq_order")].position
    assert row.capability == sc.actor("revolt").capability


def test_forecast_frames_match_the_forecasts() -> None:
    result = stratagem.forecast(stratagem.load(), ["compromise", "eum"])
    frame = result.to_frame()
    assert len(frame) == 2 * stratagem.load().n_issues
    eum = frame[frame.model == "eum"].set_index("issue").forecast.to_dict()
    assert eum == result["eum"].positions()
    single = result["compromise"].to_frame()
    assert single.issue_name.tolist() == [i.name for i in stratagem.load().issues]


def test_ensemble_frame_is_long_and_complete() -> None:
    sc = stratagem.load()
    ens = stratagem.simulate(sc, "compromise", 50, seed=1, branches=["no-strike"])
    frame = ens.to_frame()
    assert len(frame) == 2 * 50 * sc.n_issues
    assert set(frame.branch) == {"baseline", "no-strike"}
    base = frame[(frame.branch == "baseline") & (frame.issue == sc.issues[0].id)]
    assert base.forecast.tolist() == ens.forecasts[None][:, 0].tolist()


def test_html_tables_name_things_and_escape_them() -> None:
    sc = stratagem.load()
    result = stratagem.forecast(sc, ["compromise"])
    for obj in (sc, result, result["compromise"]):
        text = obj._repr_html_()
        assert text.startswith("<table>")
        assert html.escape(sc.issues[0].name) in text
    assert html.escape(sc.actors[0].name) in sc._repr_html_()
    assert "revolt crushed" in result._repr_html_() or "outcome" in result._repr_html_()
    ens = stratagem.simulate(sc, "compromise", 20, seed=1)
    assert "Probability of each named end" in ens._repr_html_()
    tricky = sc.evolve(title="<script>alert(1)</script>")
    assert "<script>" not in tricky._repr_html_()


def test_plot_returns_axes_with_every_actor() -> None:
    sc = stratagem.load()
    eum = stratagem.run(sc, "eum")
    ax = eum.plot("iraq_order")
    assert len(ax.get_lines()) == sc.n_actors + 1  # every actor on the issue, and the forecast
    assert sc.issue("iraq_order").name in ax.get_title()
    static = stratagem.run(sc, "compromise").plot()
    assert len(static.patches) == sc.n_issues


def test_a_missing_pandas_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(StratagemError, match=r"pip install 'stratagem\[pandas\]'"):
        stratagem.load().to_frame()
