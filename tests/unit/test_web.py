from __future__ import annotations

import pytest

import stratagem
import stratagem.models
from stratagem import InvalidInputError

pytest.importorskip("shiny")
from stratagem.web.app import _edit, create_app, scenario_frame


def test_scenario_frame_and_edits() -> None:
    sc = stratagem.load()
    frame = scenario_frame(sc)
    assert list(frame.columns[:4]) == [
        "actor",
        "capability",
        "iraq_order:position",
        "iraq_order:salience",
    ]
    assert frame.shape == (sc.n_actors, 2 + 2 * sc.n_issues)
    edited = _edit(sc, 5, "capability", "60")
    assert edited.actor("revolt").capability == 60
    moved = _edit(sc, 0, "escalation:position", "80")
    assert moved.values[("us", "escalation")].position == 80
    with pytest.raises(InvalidInputError, match="must not be negative"):
        _edit(sc, 0, "capability", "-1")
    with pytest.raises(InvalidInputError, match="is not a number"):
        _edit(sc, 0, "iraq_order:salience", "lots")
    with pytest.raises(InvalidInputError, match=r"1\.5 is outside \[0, 1\]"):
        _edit(sc, 0, "iraq_order:salience", "1.5")
    renamed = _edit(sc, 0, "actor", "usa")
    assert renamed.actor_ids[0] == "usa"


def test_app_page_offers_every_model_and_the_views() -> None:
    html = create_app(stratagem.load("eu-emissions-1994")).ui["html"]
    for model in stratagem.models.names():
        assert f'value="{model}"' in html, model
    for output in ("table", "forecasts", "outcomes", "narrative", "trajectories"):
        assert f'id="{output}"' in html, output
    assert 'id="run"' in html


def test_edits_keep_notes_and_rename_everywhere() -> None:
    sc = stratagem.load()
    edited = _edit(sc, 0, "escalation:salience", "0.8")
    assert edited.values[("us", "escalation")].salience == 0.8
    assert edited.values[("us", "escalation")].source == sc.values[("us", "escalation")].source
    renamed = _edit(sc, 6, "actor", "uprising")
    assert "uprising" in renamed.actor_ids
    assert renamed.uncertainty.keys() == {
        (("uprising" if a == "iran_uprising" else a), i, f) for a, i, f in sc.uncertainty
    }
