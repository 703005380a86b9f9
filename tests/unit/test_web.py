from __future__ import annotations

import pytest

import stratagem
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
    assert frame.shape == (8, 2 + 2 * 3)
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


def test_app_builds() -> None:
    assert create_app(stratagem.load("eu-emissions-1994")) is not None
