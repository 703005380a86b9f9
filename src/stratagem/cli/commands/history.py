"""``stratagem runs``: the run history — list, show, compare and export recorded runs."""

from __future__ import annotations

import click

from stratagem.cli.options import echo_err, echo_json, handles_errors

__all__ = ["runs"]

_STORE = click.option(
    "--store",
    "store_url",
    default=None,
    metavar="URL",
    help="Run store (default STRATAGEM_STORE or the user's SQLite file).",
)


@click.group()
def runs() -> None:
    """The run history: list, show, compare and export recorded runs."""


@runs.command(name="list")
@click.option("--scenario", default=None, help="Only runs of this scenario.")
@_STORE
@handles_errors
def runs_list(scenario: str | None, store_url: str | None) -> None:
    """List recorded runs, newest first."""
    from stratagem import store
    from stratagem.cli.render import print_run_list

    print_run_list(store.Store(store_url).list(scenario))


@runs.command(name="show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@_STORE
@handles_errors
def runs_show(run_id: int, as_json: bool, store_url: str | None) -> None:
    """Show one recorded run."""
    from stratagem import store
    from stratagem.cli.render import print_run

    r = store.Store(store_url).get(run_id)
    if as_json:
        echo_json(r.to_dict())
    else:
        print_run(r)


@runs.command(name="diff")
@click.argument("first", type=int)
@click.argument("second", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@_STORE
@handles_errors
def runs_diff(first: int, second: int, as_json: bool, store_url: str | None) -> None:
    """Which inputs differ between two runs, and how the forecasts moved."""
    from stratagem import store
    from stratagem.cli.render import print_run_diff

    db = store.Store(store_url)
    d = store.diff(db.get(first), db.get(second))
    if as_json:
        echo_json(d)
    else:
        print_run_diff(d)


@runs.command(name="export")
@click.argument("run_id", type=int)
@click.option("--output", "-o", default="-", help="File to write (default stdout).")
@_STORE
@handles_errors
def runs_export(run_id: int, output: str, store_url: str | None) -> None:
    """Write the scenario a run used, with its seed and parameters, to reproduce it exactly."""
    from stratagem import store
    from stratagem.io import atomic_write_text

    r = store.Store(store_url).get(run_id)
    text = r.reproducible_scenario()
    if output == "-":
        click.echo(text, nl=False)
        echo_err(f"rerun with: {r.rerun_command('FILE')}")
    else:
        atomic_write_text(output, text)
        echo_err(f"wrote {output}; rerun with: {r.rerun_command(output)}")
