"""``stratagem compatibility`` and ``stratagem game``: who is compatible, and stance games."""

from __future__ import annotations

import click

from stratagem.cli.options import (
    ManyValues,
    branch_option,
    draws_option,
    echo_err,
    echo_json,
    handles_errors,
    json_flag,
    progress_bar,
    scenario_argument,
    seed_option,
)

__all__ = ["compatibility", "game"]


@click.command(name="compatibility")
@scenario_argument
@click.option("--pair", nargs=2, default=None, metavar="A B", help="Explain one pair of actors.")
@branch_option
@draws_option("Draws of the uncertain inputs: how stable the coalitions are.")
@seed_option()
@json_flag
@handles_errors
def compatibility(
    scenario: str | None,
    pair: tuple[str, str] | None,
    branch: str | None,
    draws: int,
    seed: int,
    as_json: bool,
) -> None:
    """Pairwise strategic compatibility, tacit coalitions, and a pair's evidence in words."""
    import stratagem

    sc = stratagem.load(scenario)
    if pair is not None:
        for actor in pair:
            if actor not in sc.actor_ids:
                raise click.UsageError(
                    f"--pair: unknown actor {actor!r}; actors: {', '.join(sc.actor_ids)}"
                )
    with progress_bar("drawing", draws) as progress:
        result = stratagem.compatibility(sc, pair, branch, draws, seed, progress=progress)
    if as_json:
        echo_json(result.to_dict())
    else:
        from stratagem.cli.render import print_compatibility

        print_compatibility(result)


@click.command()
@scenario_argument
@click.option(
    "--actors",
    "-a",
    "actors",
    multiple=True,
    cls=ManyValues,
    help="Players: --actors A B [C ...] (or repeated); default the two with the most "
    "capability × salience on the issue.",
)
@click.option(
    "--issue",
    "-i",
    "issue",
    default=None,
    help="The issue the stances are on; default the one the players care most about together.",
)
@click.option(
    "--method",
    default=None,
    type=click.Choice(["enumpure", "enummixed", "lcp", "gnm", "ipa", "simpdiv", "logit"]),
    help="Also solve with this Gambit method (needs the [games] extra).",
)
@click.option(
    "--strategies",
    "-s",
    "stances",
    multiple=True,
    type=click.Choice(["concede", "hold", "escalate"]),
    help="Stances (repeatable; default all three).",
)
@click.option(
    "--model",
    "-m",
    "model_name",
    default="smp",
    show_default=True,
    help="Model that turns stances into a forecast (the compromise model settles the game "
    "by construction: escalating always pulls the weighted mean toward you).",
)
@click.option(
    "--without",
    "without",
    multiple=True,
    help="Also solve the game without this actor (repeatable), e.g. --without revolt.",
)
@branch_option
@draws_option("Draws of the uncertain inputs: how often each equilibrium survives.")
@seed_option()
@click.option(
    "--save-game",
    "save_game",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the game (as given) to a Gambit .nfg file (needs the [games] extra).",
)
@json_flag
@handles_errors
def game(
    scenario: str | None,
    actors: tuple[str, ...],
    issue: str | None,
    method: str | None,
    stances: tuple[str, ...],
    model_name: str,
    without: tuple[str, ...],
    branch: str | None,
    draws: int,
    seed: int,
    save_game: str | None,
    as_json: bool,
) -> None:
    """The game of stances among ACTORS on ISSUE, or a Gambit .nfg/.efg file: equilibria."""
    import stratagem
    from stratagem.cli import render

    if scenario is not None and scenario.endswith((".nfg", ".efg")):
        solution = stratagem.solve_game_file(scenario, method or "enumpure")
        if as_json:
            echo_json(solution.to_dict())
        else:
            render.print_game_file(solution)
        return
    sc = stratagem.load(scenario)
    if issue is not None and issue not in sc.issue_ids:
        raise click.UsageError(f"--issue {issue!r}: issues are {', '.join(sc.issue_ids)}")
    if len(actors) == 1:
        raise click.UsageError("a game needs at least two --actors")
    for actor in without:
        if actor not in sc.actor_ids:
            raise click.UsageError(f"--without: unknown actor {actor!r}")
    with progress_bar("drawing", draws) as progress:
        analysis = stratagem.game(
            sc,
            actors,
            issue,
            model_name,
            stances,
            without,
            branch=branch,
            draws=draws,
            seed=seed,
            method=method,
            progress=progress,
        )
    if save_game is not None:
        from stratagem.games.gambit import to_gambit
        from stratagem.io import atomic_write_text

        atomic_write_text(save_game, to_gambit(analysis.worlds[0].game).to_nfg())
        echo_err(f"wrote {save_game}")
    for note in analysis.notes:
        echo_err(f"note: {note}")
    if as_json:
        echo_json(analysis.to_dict())
    else:
        render.print_game(analysis)
