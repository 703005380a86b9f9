"""The graph model against gmcr-py's published results and the textbook games (MODELS.md §4).

``*_logSol.txt`` (``../shared/data/gmcr/``) are gmcr-py's logical stability results: six rows
(Nash, GMR, SEQ, SIM, SEQ+SIM, SMR) × one column per feasible state in ordered numbering, 1
where the state is stable for every decision maker. We reproduce every cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from stratagem import io
from stratagem.cli.main import cli
from stratagem.conflict.model import Conflict, DecisionMaker, Option, Statement
from stratagem.conflict.stability import Graph, equilibria, stability

LOGSOL_ROWS = ("nash", "gmr", "seq", "sim", "seqsim", "smr")
WITH_RESULTS = ("Prisoners", "MilkRiver")
ALL_FILES = ("Prisoners", "SyriaIraq", "Cuban", "Elmira", "MilkRiver", "Garrison")


@pytest.mark.parametrize("name", WITH_RESULTS)
def test_logsol_reproduced_exactly(shared_data: Path, name: str) -> None:
    conflict = io.read_conflict(shared_data / "gmcr" / f"{name}.gmcr")
    published = np.loadtxt(shared_data / "gmcr" / f"{name}_logSol.txt")
    assert published.shape == (6, conflict.n_states)
    graph = Graph.build(conflict)
    for row, concept in zip(published, LOGSOL_ROWS, strict=True):
        ours = stability(graph, concept).all(axis=0)
        assert ours.tolist() == (row == 1).tolist(), concept


@pytest.mark.parametrize("name", WITH_RESULTS)
def test_cli_json_equilibria_match_logsol(shared_data: Path, name: str) -> None:
    path = shared_data / "gmcr" / f"{name}.gmcr"
    out = CliRunner().invoke(cli, ["conflict", str(path), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    published = np.loadtxt(shared_data / "gmcr" / f"{name}_logSol.txt")
    for row, concept in zip(published, LOGSOL_ROWS, strict=True):
        assert doc["equilibria"][concept] == [int(k) + 1 for k in np.flatnonzero(row == 1)]
    assert [s["state"] for s in doc["states"]] == list(range(1, len(published[0]) + 1))
    decimals = [s["decimal"] for s in doc["states"]]
    assert decimals == sorted(decimals)


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_shipped_file_reads_and_round_trips(shared_data: Path, name: str) -> None:
    conflict = io.read_conflict(shared_data / "gmcr" / f"{name}.gmcr")
    again = io.gmcr.read_gmcr(io.gmcr.write_gmcr(conflict), f"{name}.gmcr")
    assert again.n_states == conflict.n_states
    assert np.array_equal(again.codes, conflict.codes)
    first, second = Graph.build(conflict), Graph.build(again)
    for concept in LOGSOL_ROWS:
        assert np.array_equal(stability(first, concept), stability(second, concept)), concept


def _two_by_two(first: list[str], second: list[str]) -> Conflict:
    """A 2×2 game: each player's option "c" (cooperate / swerve); statements per player."""
    return Conflict(
        "game",
        (
            DecisionMaker("a", "A", tuple(Statement(s) for s in first)),
            DecisionMaker("b", "B", tuple(Statement(s) for s in second)),
        ),
        (Option("ca", "a"), Option("cb", "b")),
    )


def _state(conflict: Conflict, *taken: str) -> int:
    return conflict.state_index(list(taken))


def test_prisoners_dilemma_textbook() -> None:
    # Each prefers the other to cooperate, then itself to defect (Fang et al. 1993, ch. 3).
    pd = _two_by_two(["cb", "not ca"], ["ca", "not cb"])
    graph = Graph.build(pd)
    both_defect, both_cooperate = _state(pd), _state(pd, "ca", "cb")
    assert equilibria(stability(graph, "nash")).tolist() == [both_defect]
    for concept in ("gmr", "smr", "seq"):
        assert set(equilibria(stability(graph, concept)).tolist()) == {
            both_defect,
            both_cooperate,
        }, concept


def test_chicken_textbook() -> None:
    # Each ranks: I go straight and you swerve > both swerve > I swerve > both go straight.
    # Codes: bit 0 is A swerving (ca), bit 1 B swerving (cb).
    chicken = Conflict(
        "chicken",
        (
            DecisionMaker("a", "A", ranking=((2,), (3,), (1,), (0,))),
            DecisionMaker("b", "B", ranking=((1,), (3,), (2,), (0,))),
        ),
        (Option("ca", "a"), Option("cb", "b")),
    )
    graph = Graph.build(chicken)
    one_swerves = {_state(chicken, "cb"), _state(chicken, "ca")}
    assert set(equilibria(stability(graph, "nash")).tolist()) == one_swerves
    assert set(equilibria(stability(graph, "seq")).tolist()) == one_swerves
    # Both swerving is GMR and SMR stable: each straight move is sanctioned by the other's.
    assert _state(chicken, "ca", "cb") in equilibria(stability(graph, "gmr")).tolist()
