"""The public function behind each command: same defaults, results the CLI only renders."""

from __future__ import annotations

from pathlib import Path

import pytest

import stratagem
from stratagem.errors import InvalidInputError


def test_convert_returns_the_text_and_writes_the_target(tmp_path: Path) -> None:
    done = stratagem.convert("eu-emissions-1994", tmp_path / "eu.json")
    assert done.format == "json"
    assert done.dropped == ()
    assert done.path == tmp_path / "eu.json"
    assert (tmp_path / "eu.json").read_text() == done.text
    again = stratagem.load(str(tmp_path / "eu.json"))
    assert again == stratagem.load("eu-emissions-1994")


def test_convert_refuses_to_lose_parts_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot hold"):
        stratagem.convert("iraq-2020", tmp_path / "iraq.csv")
    assert not (tmp_path / "iraq.csv").exists()  # nothing half-written
    with pytest.raises(InvalidInputError, match="give a format"):
        stratagem.convert("iraq-2020")
    with pytest.raises(InvalidInputError, match="unknown format"):
        stratagem.convert("iraq-2020", to="docx")
    lossy = stratagem.convert(stratagem.load(), to="csv", lossy=True)
    assert "uncertain inputs" in lossy.dropped
    assert lossy.path is None


def test_the_listings_are_what_the_commands_print() -> None:
    listed = stratagem.scenarios()
    assert [s.name for s in listed] == list(stratagem.embedded_names())
    assert sum(s.default for s in listed) == 1
    names = [m.name for m in stratagem.registered_models()]
    assert {"compromise", "eum", "smp", "exchange"} <= set(names)
    limits = stratagem.input_limits()
    assert limits["actors"]["variable"].startswith("STRATAGEM_")
    assert stratagem.schema()["type"] == "object"


def test_runs_is_the_run_store(tmp_path: Path) -> None:
    from stratagem import store

    db = stratagem.runs(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    assert isinstance(db, store.Store)
    assert list(db.list(None)) == []
