"""``stratagem run`` and ``stratagem explain``: forecasts, and a round in words."""

from __future__ import annotations

import json

import click

from stratagem.cli.options import (
    branch_option,
    calibration_option,
    echo_err,
    echo_json,
    handles_errors,
    json_flag,
    parse_sets,
    save_options,
    save_run,
    scenario_argument,
    seed_option,
    set_option,
)

__all__ = ["explain", "run"]


@click.command()
@scenario_argument
@click.option(
    "--model",
    "-m",
    "model_names",
    multiple=True,
    help="Model to run (repeatable); default: every model that applies.",
)
@branch_option
@seed_option(None, "stochastic models")
@set_option
@json_flag
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write the results as DIR/forecast.json.",
)
@click.option(
    "--bottom-line/--no-bottom-line",
    default=True,
    show_default=True,
    help="Begin with the bottom line: the end most models forecast, how much they agree, "
    "and the smallest single change that would lead away from it (a lever search of a few "
    "seconds).",
)
@calibration_option("Attach")
@save_options
@handles_errors
def run(
    scenario: str | None,
    model_names: tuple[str, ...],
    branch: str | None,
    seed: int | None,
    sets: tuple[str, ...],
    as_json: bool,
    out_dir: str | None,
    bottom_line: bool,
    calibration: str | None,
    save: bool,
    store_url: str | None,
) -> None:
    """Forecast SCENARIO (a file, '-' for stdin, or an embedded name) with the models."""
    import datetime as dt

    import stratagem
    from stratagem import models

    started = dt.datetime.now(dt.UTC)
    sc = stratagem.load(scenario)
    names = model_names or stratagem.applicable_models(sc)
    params = parse_sets(sets, [models.get(n) for n in dict.fromkeys(names)])
    result = stratagem.forecast(
        sc,
        model_names or None,
        params,
        seed=seed,
        branch=branch,
        summary=bottom_line,
        calibration=calibration,
    )
    for name, reason in result.skipped.items():
        echo_err(f"note: skipping model {name}: {reason}")
    for note in result.notes:
        echo_err(f"note: {note}")
    if out_dir is not None:
        from pathlib import Path

        from stratagem.io import atomic_write_text

        target = Path(out_dir) / "forecast.json"
        atomic_write_text(target, json.dumps(result.to_dict(), indent=2) + "\n")
        echo_err(f"wrote {target}")
    from stratagem.store import RunRecord

    save_run(save, store_url, lambda: RunRecord.of_forecasts(result, started))
    if as_json:
        echo_json(result.to_dict())
    else:
        from stratagem.cli.render import print_forecasts

        print_forecasts(result)


@click.command()
@scenario_argument
@click.option("--model", "-m", "model_name", required=True, help="A model that runs in rounds.")
@click.option(
    "--round", "-r", "round_", type=int, default=1, show_default=True, help="The round to explain."
)
@click.option(
    "--issue", "-i", "issue_ids", multiple=True, help="Issue(s) to explain (default all)."
)
@branch_option
@seed_option(None, "stochastic models")
@set_option
@handles_errors
def explain(
    scenario: str | None,
    model_name: str,
    round_: int,
    issue_ids: tuple[str, ...],
    branch: str | None,
    seed: int | None,
    sets: tuple[str, ...],
) -> None:
    """Say in words what happens in a round of a model's run on SCENARIO."""
    import stratagem
    from stratagem import models

    sc = stratagem.load(scenario)
    spec = models.get(model_name)
    if spec.explain is None:
        raise click.UsageError(
            f"model {spec.name!r} has no rounds to explain; models that do: "
            + ", ".join(m.name for m in models.specs() if m.explain is not None)
        )
    for issue_id in issue_ids:
        if issue_id not in sc.issue_ids:
            raise click.UsageError(
                f"--issue {issue_id!r}: the scenario's issues are {', '.join(sc.issue_ids)}"
            )
    params = parse_sets(sets, [spec])[spec.name]
    lines = stratagem.explain(sc, spec.name, round_, issue_ids, params, seed=seed, branch=branch)
    for line in lines:
        click.echo(line)
