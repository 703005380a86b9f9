"""``stratagem levers``: what it would take to make (or unmake) a named end."""

from __future__ import annotations

import click

from stratagem.cli.options import (
    ManyValues,
    branch_option,
    draws_option,
    echo_json,
    handles_errors,
    json_flag,
    models_option,
    parse_sets,
    scenario_argument,
    seed_option,
    set_option,
)

__all__ = ["levers"]


@click.command()
@scenario_argument
@click.option(
    "--target", "-t", required=True, metavar="OUTCOME", help="The named end to reach (or leave)."
)
@models_option
@click.option(
    "--actors",
    multiple=True,
    cls=ManyValues,
    help="Whose inputs may move: --actors A B ... (default every actor).",
)
@click.option(
    "--fields",
    default="position,salience,capability",
    show_default=True,
    metavar="F,F,...",
    help="Which inputs may move.",
)
@click.option(
    "--budget",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="Report only changes up to this size (position: share of the issue's range; "
    "salience: its own units; capability: share of the total).",
)
@click.option(
    "--combine",
    type=click.IntRange(1, 3),
    default=3,
    show_default=True,
    help="The most actors moved together (1: single levers only).",
)
@click.option("--leave", is_flag=True, help="Search what would make the forecast leave the end.")
@click.option(
    "--level",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.5,
    show_default=True,
    help="With --draws: the probability of the end to reach under uncertainty.",
)
@draws_option("Draws of the uncertain inputs for levers on probabilities (0: none).")
@branch_option
@seed_option()
@set_option
@json_flag
@handles_errors
def levers(
    scenario: str | None,
    target: str,
    model_names: tuple[str, ...],
    actors: tuple[str, ...],
    fields: str,
    budget: float | None,
    combine: int,
    leave: bool,
    level: float,
    draws: int,
    branch: str | None,
    seed: int,
    sets: tuple[str, ...],
    as_json: bool,
) -> None:
    """The smallest changes of the inputs that make OUTCOME the forecast, model by model.

    Single levers ranked by size, the best combinations of two and three actors, the
    marginal effect of every input on every issue, and with --draws the shifts that raise
    the end's probability to --level. Every lever reported was verified by a plain run.
    """
    import stratagem
    from stratagem import models

    sc = stratagem.load(scenario)
    chosen = [models.get(m) for m in model_names] or [
        models.get(m) for m in stratagem.applicable_models(sc.with_branch(branch))
    ]
    params = parse_sets(sets, chosen)
    result = stratagem.levers(
        sc,
        target,
        models=[m.name for m in chosen],
        actors=list(actors) or None,
        fields=[f.strip() for f in fields.split(",") if f.strip()],
        branch=branch,
        leave=leave,
        combinations=combine,
        level=level if draws else None,
        draws=draws,
        seed=seed,
        params={k: dict(v) for k, v in params.items()},
        budget=budget,
    )
    if as_json:
        echo_json(result.to_dict())
        return
    from stratagem.cli.render import print_levers

    print_levers(result)
