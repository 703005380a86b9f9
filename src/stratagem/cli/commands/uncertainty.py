"""``stratagem simulate`` and ``stratagem sensitivity``: forecasts under input uncertainty."""

from __future__ import annotations

import sys

import click

from stratagem.cli.options import (
    echo_err,
    echo_json,
    handles_errors,
    json_flag,
    parse_factors,
    parse_sets,
    parse_spread,
    progress_bar,
    save_options,
    save_run,
    scenario_argument,
    seed_option,
    set_option,
)

__all__ = ["sensitivity", "simulate"]

SPREAD_HELP = (
    "Default uncertainty: position=10 (± issue units), salience=0.1, "
    "capability=0.25 (± fraction); overrides the scenario's."
)


@click.command()
@scenario_argument
@click.option("--model", "-m", "model_name", default="eum", show_default=True, help="Model.")
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="Number of perturbed scenarios.",
)
@seed_option(0, "the run")
@click.option(
    "--branch",
    "-b",
    "branches",
    multiple=True,
    help="Compare this branch with the baseline on the same draws (repeatable).",
)
@click.option(
    "--executor",
    type=click.Choice(["auto", "serial", "processes", "dask"]),
    default="auto",
    show_default=True,
    help="Where draws run (auto: processes above 5,000 draws, else serial). "
    "Results do not depend on it.",
)
@click.option(
    "--address",
    default=None,
    help="Dask scheduler tcp://HOST:PORT (or "
    "STRATAGEM_DASK_ADDRESS); without one, --executor dask starts a local cluster.",
)
@click.option("--workers", type=click.IntRange(1), default=None, help="Worker processes.")
@click.option("--spread", "spreads", multiple=True, metavar="FIELD=X", help=SPREAD_HELP)
@click.option(
    "--widths",
    default="0.5,1,2",
    show_default=True,
    metavar="F,F,...",
    help="Also simulate with every input range scaled by these factors (1: as elicited) "
    "and report each outcome's probability at each; '1' skips it.",
)
@set_option
@json_flag
@save_options
@handles_errors
def simulate(
    scenario: str | None,
    model_name: str,
    draws: int,
    seed: int,
    branches: tuple[str, ...],
    executor: str,
    address: str | None,
    workers: int | None,
    spreads: tuple[str, ...],
    widths: str,
    sets: tuple[str, ...],
    as_json: bool,
    save: bool,
    store_url: str | None,
) -> None:
    """Forecast many perturbed copies of SCENARIO: distributions and outcome probabilities."""
    import datetime as dt

    import stratagem
    from stratagem import models

    started = dt.datetime.now(dt.UTC)
    sc = stratagem.load(scenario)
    spec = models.get(model_name)
    params = parse_sets(sets, [spec])[spec.name]
    spread = parse_spread(spreads)
    factors = parse_factors(widths)
    with progress_bar("simulating", draws * len(factors)) as progress:
        by_width = stratagem.simulate_widths(
            sc,
            spec.name,
            draws,
            seed,
            params,
            branches,
            executor,
            address,
            workers,
            spread,
            progress,
            factors,
            levers=len(factors) > 1,
        )
    ensemble = by_width.ensemble
    if not ensemble.inputs:
        echo_err(
            "note: no input is uncertain (give distributions, an 'uncertainty:' "
            "section, or --spread): every draw is the same"
        )
    for note in ensemble.notes:
        echo_err(f"note: {note}")
    if ensemble.interrupted:
        echo_err(f"interrupted: reporting the {ensemble.draws} draws completed of {draws}")
    else:
        from stratagem.store import RunRecord

        save_run(save, store_url, lambda: RunRecord.of_simulation(ensemble, started, spread))
    widths_doc = by_width.to_dict() if len(factors) > 1 else None
    line = by_width.bottom_line()
    if as_json:
        echo_json(
            {
                **ensemble.to_dict(),
                "bottom_line": line.to_dict(),
                **({"widths": widths_doc} if widths_doc else {}),
            }
        )
    else:
        from stratagem.cli.render import print_bottom_line, print_ensemble, print_widths

        print_bottom_line(line.sentences)
        print_ensemble(ensemble)
        if len(factors) > 1:
            print_widths(by_width)
    if ensemble.interrupted:
        sys.exit(130)


@click.command()
@scenario_argument
@click.option("--model", "-m", "model_name", default="eum", show_default=True, help="Model.")
@click.option(
    "--method",
    type=click.Choice(["auto", "sobol", "morris"]),
    default="auto",
    show_default=True,
    help="Sobol' indices, or Morris screening for large scenarios.",
)
@click.option(
    "--samples",
    type=click.IntRange(2),
    default=256,
    show_default=True,
    help="Sobol' base sample (a power of two) or Morris trajectories.",
)
@seed_option(0, "the sampling")
@click.option("--branch", "-b", default=None, help="Analyse a branch instead of the baseline.")
@click.option(
    "--spread",
    "spreads",
    multiple=True,
    metavar="FIELD=X",
    help="Default uncertainty (see simulate).",
)
@click.option(
    "--top", type=click.IntRange(1), default=8, show_default=True, help="Inputs listed per output."
)
@set_option
@json_flag
@handles_errors
def sensitivity(
    scenario: str | None,
    model_name: str,
    method: str,
    samples: int,
    seed: int,
    branch: str | None,
    spreads: tuple[str, ...],
    top: int,
    sets: tuple[str, ...],
    as_json: bool,
) -> None:
    """Rank the inputs that move each issue's forecast and each outcome's probability."""
    import stratagem
    from stratagem import models

    sc = stratagem.load(scenario)
    spec = models.get(model_name)
    params = parse_sets(sets, [spec])[spec.name]
    spread = parse_spread(spreads) or None
    result = stratagem.sensitivity(sc, spec.name, params, method, samples, seed, spread, branch)
    if as_json:
        echo_json(result.to_dict(top))
    else:
        from stratagem.cli.render import print_sensitivity

        print_sensitivity(result, top)
