"""Golden games with known equilibria; every equilibrium's regret is at most 1e-9."""

from __future__ import annotations

import numpy as np
import pytest

import stratagem
from stratagem.games.extensive import backward_induction, crisis_game
from stratagem.games.normal import NormalForm, from_scenario, pure_equilibria, regret


def two_player(a: list[list[float]], b: list[list[float]], labels: tuple[str, ...]) -> NormalForm:
    payoffs = np.stack([np.array(a, dtype=float), np.array(b, dtype=float)], axis=-1)
    return NormalForm(("row", "column"), (labels, labels), payoffs)


PRISONERS = two_player([[3, 0], [5, 1]], [[3, 5], [0, 1]], ("cooperate", "defect"))
CHICKEN = two_player([[0, -1], [1, -10]], [[0, 1], [-1, -10]], ("swerve", "straight"))
PENNIES = two_player([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], ("heads", "tails"))
SEXES = two_player([[2, 0], [0, 1]], [[1, 0], [0, 2]], ("opera", "football"))


@pytest.mark.parametrize(
    ("game", "expected"),
    [
        (PRISONERS, [(1, 1)]),
        (CHICKEN, [(0, 1), (1, 0)]),
        (PENNIES, []),
        (SEXES, [(0, 0), (1, 1)]),
    ],
    ids=["prisoners-dilemma", "chicken", "matching-pennies", "battle-of-the-sexes"],
)
def test_pure_equilibria(game: NormalForm, expected: list[tuple[int, ...]]) -> None:
    found = pure_equilibria(game)
    assert found == expected
    for profile in found:
        mixed = [np.eye(len(s))[k] for s, k in zip(game.strategies, profile, strict=True)]
        assert regret(game, mixed).max() <= 1e-9


def test_mixed_equilibrium_regret() -> None:
    assert regret(PENNIES, [[0.5, 0.5], [0.5, 0.5]]).max() <= 1e-9
    assert regret(SEXES, [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]).max() <= 1e-9
    assert regret(PENNIES, [[1, 0], [1, 0]]).max() == pytest.approx(2.0)


def test_three_player_game() -> None:
    # each player gets 1 if it matches the majority, a coordination game: all-A and all-B
    payoffs = np.zeros((2, 2, 2, 3))
    for profile in np.ndindex(2, 2, 2):
        majority = int(sum(profile) >= 2)
        payoffs[profile] = [1.0 if s == majority else 0.0 for s in profile]
    game = NormalForm(("a", "b", "c"), (("A", "B"),) * 3, payoffs)
    assert pure_equilibria(game) == [(0, 0, 0), (1, 1, 1)]
    assert regret(game, [[1, 0], [1, 0], [1, 0]]).max() == 0.0


def test_escalation_tree_backward_induction() -> None:
    tree = crisis_game(
        ("US", "Iran"),
        {
            "status quo": (0, 0),
            "defender concedes": (2, -2),
            "challenger backs down": (-1, 1),
            "war": (-3, -3),
        },
    )
    (spe,) = backward_induction(tree)
    # war is worse than backing down, so the US backs down if resisted; Iran resists;
    # anticipating this, the US stays
    assert spe.outcome == "status quo"
    assert spe.plan["US: after resistance"] == "back down"
    assert spe.plan["Iran: after challenge"] == "resist"
    assert spe.plan["US: start"] == "stay"


def test_ties_keep_every_equilibrium() -> None:
    tree = crisis_game(
        ("A", "B"),
        {
            "status quo": (0, 0),
            "defender concedes": (1, -1),
            "challenger backs down": (-1, 1),
            "war": (-1, -2),
        },
    )
    plans = backward_induction(tree)
    # A is indifferent between fighting and backing down: both continuations are kept
    assert len(plans) == 2
    by_choice = {p.plan["A: after resistance"]: p for p in plans}
    assert by_choice["fight"].outcome == "defender concedes"
    assert by_choice["back down"].outcome == "status quo"


def test_game_from_the_default_case() -> None:
    game = from_scenario(stratagem.load(), ["us", "iran"], "iraq_order")
    assert game.payoffs.shape == (3, 3, 2)
    equilibria = pure_equilibria(game)
    assert equilibria
    for profile in equilibria:
        mixed = [np.eye(3)[k] for k in profile]
        assert regret(game, mixed).max() <= 1e-9
    with pytest.raises(stratagem.InvalidInputError, match="unknown actor"):
        from_scenario(stratagem.load(), ["us", "nobody"], "iraq_order")


def test_subgame_perfection_with_imperfect_information() -> None:
    from stratagem.games.extensive import End, Move, subgame_perfect

    # Selten's horse-like entry game: the entrant stays out (2, 2) or enters; then both play
    # a simultaneous game (the incumbent does not see the entrant's choice: one infoset)
    fight = End("fight", (-1.0, -1.0))
    share = End("share", (3.0, 1.0))

    def incumbent(label: str, after_fight: End, after_share: End) -> Move:
        return Move(
            1, label, (("fight", after_fight), ("accommodate", after_share)), infoset="incumbent"
        )

    inner = Move(
        0,
        "entrant: posture",
        (
            ("aggressive", incumbent("inc after aggressive", fight, End("tough", (4.0, 0.0)))),
            ("soft", incumbent("inc after soft", End("war", (-2.0, 1.5)), share)),
        ),
    )
    root = Move(0, "entrant: enter?", (("enter", inner), ("out", End("out", (2.0, 2.0)))))
    found = subgame_perfect(root)
    # the simultaneous subgame has one pure equilibrium, (aggressive, accommodate) with (4, 0):
    # against accommodation aggressive beats soft (4 > 3), and against aggressive the
    # incumbent prefers accommodating (0 > -1); anticipating it, the entrant enters (4 > 2)
    assert [(e.outcome, e.payoffs) for e in found] == [("tough", (4.0, 0.0))]
    assert found[0].plan["entrant: enter?"] == "enter"
    assert found[0].plan["entrant: posture"] == "aggressive"
    assert found[0].plan["incumbent"] == "accommodate"
    # without information sets the same tree is solved by plain backward induction
    perfect = Move(0, "root", (("a", End("x", (1.0, 0.0))), ("b", End("y", (0.0, 1.0)))))
    assert subgame_perfect(perfect)[0].outcome == "x"


def test_games_per_issue_in_forked_workers_are_the_games_played_here() -> None:
    from stratagem.games.analysis import games_per_issue, stance_game, stance_games_to_play
    from stratagem.parallel import begin_map

    scenario = stratagem.load("eu-emissions-1994")
    here = games_per_issue(scenario, "compromise")
    forked = games_per_issue(scenario, "compromise", processes=2)
    assert [g.issue for g in forked] == [g.issue for g in here]
    several = stratagem.load("copenhagen-2009")  # a game per issue, split helper and here
    begun = begin_map(*stance_games_to_play(several, "compromise")).result()
    played = games_per_issue(several, "compromise")
    assert len(played) > 2
    assert [g.to_dict() for g in begun] == [g.to_dict() for g in played]
    for a, b in zip(here, forked, strict=True):
        assert a.actors == b.actors
        np.testing.assert_array_equal(a.worlds[0].game.payoffs, b.worlds[0].game.payoffs)
        assert a.worlds[0].pure == b.worlds[0].pure
    # the games share one run of the scenario as given: each game's own run is the same
    start = scenario.evolve(events=(), branches=())
    for shared in games_per_issue(scenario, "smp"):
        alone = stance_game(start, shared.actors, shared.issue, "smp")
        np.testing.assert_array_equal(shared.worlds[0].game.payoffs, alone.worlds[0].game.payoffs)


def test_fork_map_keeps_order_and_raises_what_a_worker_raised() -> None:
    from stratagem.parallel import fork_map

    assert fork_map(lambda x: x * x, list(range(7)), 3) == [x * x for x in range(7)]
    assert fork_map(lambda x: x + 1, [1], 4) == [2]

    def fails(x: int) -> int:
        raise ValueError(f"no {x}")

    with pytest.raises(ValueError, match="no "):
        fork_map(fails, [1, 2], 2)


def test_the_all_hold_profile_is_the_plain_run() -> None:
    from stratagem.games.normal import from_scenario

    scenario = stratagem.load()
    game = from_scenario(scenario, ["us", "iran"], "iraq_order", "compromise")
    hold = (1, 1)
    j = scenario.issue_index("iraq_order")
    outcome = stratagem.run(scenario, "compromise").issues["iraq_order"].forecast
    for p, actor in enumerate(("us", "iran")):
        k = scenario.actor_index(actor)
        own, salience = scenario.positions[k, j], scenario.salience[k, j]
        expected = salience * (1 - abs(own - outcome) / scenario.issue("iraq_order").range)
        assert game.payoffs[(*hold, p)] == pytest.approx(expected, abs=1e-12)


def test_profiles_that_place_the_players_alike_share_one_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Iran stands at an end of Iraq's order (0): escalating there is holding, so the
    escalating profiles are the holding ones and are not run again — with the payoffs
    of the runs they stand for."""
    from stratagem.games.normal import from_scenario
    from stratagem.models.registry import ModelSpec
    from stratagem.scenario import Change

    scenario = stratagem.load()
    j = scenario.issue_index("iraq_order")
    iran = scenario.positions[scenario.actor_index("iran"), j]
    base = stratagem.run(scenario, "smp").issues["iraq_order"].forecast
    assert iran in (0.0, 100.0)  # at an end, and escalating pushes it past that end
    assert (iran >= base) == (iran == 100.0)
    runs: list[object] = []
    plain_run = ModelSpec.run

    def counted(self: ModelSpec, *args: object, **kwargs: object) -> object:
        runs.append(args[0])
        return plain_run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ModelSpec, "run", counted)
    game = from_scenario(scenario, ["us", "iran"], "iraq_order", "smp")
    # the baseline, then the eight profiles other than all holding, less the three where
    # Iran escalates (each is the profile where it holds)
    assert len(runs) == 1 + 8 - 3
    monkeypatch.undo()
    stances = list(game.strategies[1])
    hold, escalate = stances.index("hold"), stances.index("escalate")
    np.testing.assert_array_equal(game.payoffs[:, escalate], game.payoffs[:, hold])
    for us in range(3):  # each shared payoff is what its own run gives
        x = game.moves[0][us]
        alone = stratagem.run(scenario.apply([Change("us", "position", x, "iraq_order")]), "smp")
        outcome = alone.issues["iraq_order"].forecast
        k = scenario.actor_index("iran")
        expected = scenario.salience[k, j] * (1 - abs(iran - outcome) / 100)
        assert game.payoffs[us, escalate, 1] == expected
