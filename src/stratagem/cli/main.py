"""The ``stratagem`` command line: a thin adapter over the public API (:mod:`stratagem.api`).

Each command parses its options, calls one library function and renders what it returns
(:mod:`stratagem.cli.render`); the commands live by theme in :mod:`stratagem.cli.commands`.
Data goes to stdout, messages and progress to stderr. Exit codes: 0 ok, 1 failure, 2 usage
error, 3 invalid input (each problem printed as ``FILE:LINE: field: reason``). Heavy modules
are imported inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import click

from stratagem._version import __version__
from stratagem.cli.commands import (
    analysis,
    backtest,
    conflict,
    data,
    forecast,
    history,
    levers,
    output,
    uncertainty,
)

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratagem")
def cli() -> None:
    """Model conflicts among many actors and forecast how they end.

    With no scenario, commands use the embedded default case, iraq-2020
    (Baghdad, January 2020).
    """


for command in (
    forecast.run,
    forecast.explain,
    uncertainty.simulate,
    uncertainty.sensitivity,
    backtest.backtest,
    output.report,
    data.validate,
    data.convert,
    data.scenarios,
    data.models_command,
    data.schema,
    data.limits_command,
    analysis.game,
    analysis.compatibility,
    conflict.conflict,
    levers.levers,
    output.serve,
    history.runs,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``stratagem`` script.

    SIGTERM becomes a normal exit (status 143), so that ``finally`` blocks run: temporary
    files are removed and nothing is left half-written, as on Ctrl-C.
    """
    import signal

    def _terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="stratagem")
