"""pygambit through the adapter: golden games, file round trips, regrets checked."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from stratagem.games.extensive import backward_induction
from stratagem.games.normal import NormalForm

if os.environ.get("CI"):
    import pygambit as gbt  # CI installs the [games] extra: a missing pygambit is a failure
else:
    gbt = pytest.importorskip("pygambit")

from stratagem.games.gambit import read_game, solve, to_gambit


def two_player(a: list[list[float]], b: list[list[float]], labels: tuple[str, ...]) -> NormalForm:
    payoffs = np.stack([np.array(a, dtype=float), np.array(b, dtype=float)], axis=-1)
    return NormalForm(("row", "column"), (labels, labels), payoffs, "test")


PENNIES = two_player([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], ("heads", "tails"))
SEXES = two_player([[2, 0], [0, 1]], [[1, 0], [0, 2]], ("opera", "football"))
PRISONERS = two_player([[3, 0], [5, 1]], [[3, 5], [0, 1]], ("cooperate", "defect"))


def test_matching_pennies_mixed() -> None:
    (eq,) = solve(PENNIES, "enummixed")
    np.testing.assert_allclose(eq.mixed, [[0.5, 0.5], [0.5, 0.5]])
    assert max(eq.regret) <= 1e-9
    assert eq.payoffs == pytest.approx((0.0, 0.0))


def test_battle_of_the_sexes_all_three() -> None:
    found = solve(SEXES, "enummixed")
    assert len(found) == 3
    mixes = sorted(tuple(round(p, 6) for p in eq.mixed[0]) for eq in found)
    assert mixes == [(0.0, 1.0), (0.666667, 0.333333), (1.0, 0.0)]
    assert all(max(eq.regret) <= 1e-9 for eq in found)
    (one,) = solve(SEXES, "lcp")[:1]
    assert max(one.regret) <= 1e-9


def test_prisoners_dilemma_every_method() -> None:
    for method in ("enumpure", "enummixed", "lcp", "gnm", "simpdiv"):
        found = solve(PRISONERS, method)
        assert found, method
        for eq in found:
            assert eq.mixed[0][1] == pytest.approx(1.0, abs=1e-6), method
            assert max(eq.regret) <= 1e-6, method
    (qre,) = solve(PRISONERS, "logit")
    assert qre.mixed[0][1] > 0.99


def test_three_player_with_gnm() -> None:
    payoffs = np.zeros((2, 2, 2, 3))
    for profile in np.ndindex(2, 2, 2):
        majority = int(sum(profile) >= 2)
        payoffs[profile] = [1.0 if s == majority else 0.0 for s in profile]
    game = NormalForm(("a", "b", "c"), (("A", "B"),) * 3, payoffs, "majority")
    found = solve(game, "gnm")
    assert found
    assert all(max(eq.regret) <= 1e-6 for eq in found)
    with pytest.raises(Exception, match="two-player games only"):
        solve(game, "lcp")


def test_nfg_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sexes.nfg"
    path.write_text(to_gambit(SEXES).to_nfg())
    back = read_game(path)
    assert isinstance(back, NormalForm)
    np.testing.assert_allclose(back.payoffs, SEXES.payoffs)
    assert back.strategies == SEXES.strategies


def test_efg_crisis_tree_by_backward_induction(tmp_path: Path) -> None:
    g = gbt.Game.new_tree(players=["US", "Iran"], title="crisis")
    g.append_move(g.root, "US", ["challenge", "stay"])
    challenge, stay = g.root.children
    g.append_move(challenge, "Iran", ["resist", "concede"])
    resist, concede = challenge.children
    g.append_move(resist, "US", ["fight", "back down"])
    fight, back = resist.children
    for node, label, payoffs in (
        (stay, "status quo", [0, 0]),
        (concede, "defender concedes", [2, -2]),
        (fight, "war", [-3, -3]),
        (back, "challenger backs down", [-1, 1]),
    ):
        node.label = label
        g.set_outcome(node, g.add_outcome(label, payoffs))
    path = tmp_path / "crisis.efg"
    path.write_text(g.to_efg())
    tree = read_game(path)
    (spe,) = backward_induction(tree)  # type: ignore[arg-type]
    assert spe.outcome == "status quo"
    assert spe.path == ("stay",)


def test_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.nfg"
    path.write_text("not a game")
    with pytest.raises(Exception, match="not a valid Gambit game"):
        read_game(path)


def test_cli_method_and_files(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("stratagem")
    result = subprocess.run(
        [
            str(exe),
            "game",
            "-a",
            "us",
            "-a",
            "iran",
            "-i",
            "escalation",
            "--method",
            "enummixed",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    world = json.loads(result.stdout)["worlds"][0]
    assert world["equilibria"]
    assert all(max(eq["regret"]) <= 1e-6 for eq in world["equilibria"])
    path = tmp_path / "sexes.nfg"
    path.write_text(to_gambit(SEXES).to_nfg())
    solved = subprocess.run(
        [str(exe), "game", str(path), "--method", "enummixed", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert solved.returncode == 0, solved.stderr
    assert len(json.loads(solved.stdout)["equilibria"]) == 3
    written = tmp_path / "stances.nfg"
    saved = subprocess.run(
        [str(exe), "game", "-i", "escalation", "--save-game", str(written)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert saved.returncode == 0, saved.stderr
    assert read_game(written).players[0].startswith("United States")


def test_efg_with_an_information_set(tmp_path: Path) -> None:
    from stratagem.games.extensive import subgame_perfect

    g = gbt.Game.new_tree(players=["Entrant", "Incumbent"], title="entry")
    g.append_move(g.root, "Entrant", ["enter", "out"])
    enter, out = g.root.children
    g.append_move(enter, "Entrant", ["aggressive", "soft"])
    aggressive, soft = enter.children
    g.append_move(aggressive, "Incumbent", ["fight", "accommodate"])
    g.append_infoset(soft, aggressive.infoset)
    outcomes = {
        "out": [2, 2],
        "fight-a": [-1, -1],
        "tough": [4, 0],
        "war": [-2, 1.5],
        "share": [3, 1],
    }
    a_fight, a_accommodate = aggressive.children
    s_fight, s_accommodate = soft.children
    nodes = {
        "out": out,
        "fight-a": a_fight,
        "tough": a_accommodate,
        "war": s_fight,
        "share": s_accommodate,
    }
    for label, node in nodes.items():
        node.label = label
        g.set_outcome(node, g.add_outcome(label, outcomes[label]))
    path = tmp_path / "entry.efg"
    path.write_text(g.to_efg())
    found = subgame_perfect(read_game(path))  # type: ignore[arg-type]
    assert [(e.outcome, e.payoffs) for e in found] == [("tough", (4.0, 0.0))]


def test_efg_write_and_read_back(tmp_path: Path) -> None:
    from stratagem.games.extensive import crisis_game, subgame_perfect
    from stratagem.games.gambit import tree_to_gambit

    tree = crisis_game(
        ("US", "Iran"),
        {
            "status quo": (0, 0),
            "defender concedes": (2, -2),
            "challenger backs down": (-1, 1),
            "war": (-3, -3),
        },
    )
    path = tmp_path / "crisis.efg"
    path.write_text(tree_to_gambit(tree, ["US", "Iran"]).to_efg())
    back = read_game(path)
    assert [e.outcome for e in subgame_perfect(back)] == ["status quo"]  # type: ignore[arg-type]
