"""``stratagem backtest``: every model scored against real decisions with known outcomes."""

from __future__ import annotations

import click

from stratagem.cli.options import (
    echo_err,
    echo_json,
    handles_errors,
    json_flag,
    save_options,
    save_run,
    seed_option,
)

__all__ = ["backtest"]


@click.command()
@click.argument("dataset", type=click.Path(dir_okay=False))
@click.option(
    "--model",
    "-m",
    "model_names",
    multiple=True,
    metavar="NAME[:K=V,...]",
    help="Model (repeatable), with parameters after a colon; default: every "
    "registered model and the standard variants.",
)
@click.option(
    "--capability",
    type=click.Choice(["proxy", "equal", "council"]),
    default="proxy",
    show_default=True,
    help="Capability scheme.",
)
@seed_option(0, "the bootstrap and of the cross-validation folds")
@click.option(
    "--bootstrap",
    type=click.IntRange(100),
    default=2000,
    show_default=True,
    help="Bootstrap resamples (of whole proposals).",
)
@click.option(
    "--cv",
    "--folds",
    "folds",
    type=click.IntRange(2),
    default=10,
    show_default=True,
    help="Cross-validation folds (of whole proposals) for everything fitted: the ensemble, "
    "the stacking model, the conformal intervals.",
)
@click.option(
    "--save-model",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the stacking model fitted on every issue to this JSON file; "
    "'stratagem run --model stacked:FILE' uses it.",
)
@click.option(
    "--missing-salience",
    type=click.Choice(["drop", "zero"]),
    default="drop",
    show_default=True,
    help="An actor with a position but no salience: leave it "
    "out of the issue, or keep it with salience 0.",
)
@click.option(
    "--residuals",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write per-issue forecasts and errors to this CSV file.",
)
@json_flag
@save_options
@handles_errors
def backtest(
    dataset: str,
    model_names: tuple[str, ...],
    capability: str,
    seed: int,
    bootstrap: int,
    folds: int,
    missing_salience: str,
    residuals: str | None,
    save_model: str | None,
    as_json: bool,
    save: bool,
    store_url: str | None,
) -> None:
    """Score every model against real decisions with known outcomes (DEU III layout)."""
    import datetime as dt

    import stratagem
    from stratagem.validation.backtest import parse_model

    started = dt.datetime.now(dt.UTC)
    for name in model_names:
        try:
            parse_model(name)
        except ValueError as exc:
            raise click.UsageError(f"--model {name!r}: {exc}") from None
    echo_err(f"backtesting {dataset} ...")
    result = stratagem.backtest(
        dataset,
        model_names,
        capability,
        seed,
        bootstrap,
        folds,
        missing_salience,
        stacking=True if save_model is not None else None,
    )
    if residuals is not None:
        from stratagem.io import atomic_write_text

        atomic_write_text(residuals, result.residuals_csv())
        echo_err(f"wrote {residuals}")
    if save_model is not None:
        result.save_stacking_model(save_model)
        echo_err(f"wrote {save_model} (run it with --model stacked:{save_model})")
    from stratagem.store import RunRecord

    save_run(save, store_url, lambda: RunRecord.of_backtest(result, dataset, started))
    if as_json:
        echo_json(result.to_dict())
    else:
        from stratagem.cli.render import print_backtest

        print_backtest(result)
