"""``stratagem report`` and ``stratagem serve``: the HTML report and the dashboard."""

from __future__ import annotations

import os

import click

from stratagem.cli.options import (
    calibration_option,
    echo_err,
    handles_errors,
    models_option,
    scenario_argument,
    seed_option,
)

__all__ = ["report", "serve"]


@click.command()
@scenario_argument
@models_option
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Monte Carlo draws per model (0: none).",
)
@seed_option(0, "the simulations and of stochastic models")
@click.option(
    "--executor",
    type=click.Choice(["auto", "serial", "processes", "dask"]),
    default="serial",
    show_default=True,
    help="Where simulation draws run.",
)
@click.option(
    "--png",
    is_flag=True,
    help="Also write every figure as PNG (for slides); SVG is always written.",
)
@calibration_option("State in the bottom line")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output directory (default out/SCENARIO).",
)
@handles_errors
def report(
    scenario: str | None,
    model_names: tuple[str, ...],
    draws: int,
    seed: int,
    executor: str,
    png: bool,
    calibration: str | None,
    out_dir: str | None,
) -> None:
    """Write a self-contained HTML report, its figures (SVG; PNG too with --png), results."""
    import stratagem
    from stratagem.report.build import write_report

    sc = stratagem.load(scenario)
    built = stratagem.build_report(
        sc,
        model_names or None,
        draws,
        seed,
        executor=executor,
        progress=lambda msg: echo_err(f"... {msg}"),
        workers=(os.cpu_count() or 1) - 1,
        formats=("svg", "png") if png else ("svg",),
        calibration=calibration,
    )
    path = write_report(built, out_dir or f"out/{sc.name}")
    echo_err(f"wrote {path} ({len(built.figures)} figures in {path.parent / 'figures'})")
    click.echo(str(path))


@click.command()
@scenario_argument
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8050, show_default=True)
@handles_errors
def serve(scenario: str | None, host: str, port: int) -> None:
    """Start the dashboard on SCENARIO (needs: pip install 'stratagem[dashboard]')."""
    from stratagem.web.serve import serve as start

    start(scenario, host, port, say=echo_err)
