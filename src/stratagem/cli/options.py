"""What every command shares: error handling, option parsing, progress, saving a run.

Nothing here computes a result; it turns command-line words into the library's arguments
and the library's errors into messages and exit codes. Heavy modules are imported inside
functions so that ``stratagem --help`` starts fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stratagem.errors import EXIT_FAILURE, EXIT_INVALID_INPUT, InvalidInputError, StratagemError

if TYPE_CHECKING:
    from stratagem.models.registry import ModelSpec
    from stratagem.store import RunRecord

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "SEED_RANGE",
    "GroupValues",
    "ManyValues",
    "branch_option",
    "draws_option",
    "echo_err",
    "echo_json",
    "handles_errors",
    "json_flag",
    "parse_factors",
    "parse_sets",
    "parse_spread",
    "progress_bar",
    "save_options",
    "save_run",
    "scenario_argument",
    "seed_option",
    "set_option",
]


def echo_err(message: str) -> None:
    """A message for the person at the terminal (stderr; stdout stays data)."""
    click.echo(message, err=True)


def echo_json(document: Any) -> None:
    """One JSON document on stdout."""
    click.echo(json.dumps(document, indent=2))


def handles_errors(func: F) -> F:
    """Turn the errors a user can cause into messages and exit codes, never tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from stratagem.models.registry import UnknownParameterError

        try:
            result = func(*args, **kwargs)
        except InvalidInputError as err:
            for problem in err.problems:
                echo_err(problem.format())
            sys.exit(EXIT_INVALID_INPUT)
        except UnknownParameterError as err:
            raise click.UsageError(str(err)) from None
        except StratagemError as err:
            echo_err(f"error: {err}")
            sys.exit(EXIT_FAILURE)
        context = click.get_current_context(silent=True)
        if context is not None and context.meta.get(_DEFERRED_EXIT):
            sys.exit(context.meta[_DEFERRED_EXIT])
        return result

    return wrapper  # type: ignore[return-value]


_DEFERRED_EXIT = "stratagem.deferred_exit"
"""Key of ``click.Context.meta``: an exit code to leave with once the command has printed."""


scenario_argument = click.argument("scenario", required=False)
"""SCENARIO: a file, ``-`` for stdin, or an embedded name (default: the default case)."""
json_flag = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout."
)
branch_option = click.option(
    "--branch", "-b", default=None, help="Apply one of the scenario's branches."
)
models_option = click.option(
    "--model",
    "-m",
    "model_names",
    multiple=True,
    help="Model (repeatable); default every model that applies.",
)
"""--model/-m, repeatable, into ``model_names``."""
set_option = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Model parameter (repeatable); MODEL.KEY=VALUE targets one model.",
)


SEED_RANGE = click.IntRange(0, 2**64 - 1)
"""Unsigned 64-bit seeds, as scenario files and KTAB take them (the run store keeps the
upper half as negative signed integers and reads them back)."""


def seed_option(default: int | None = 0, what: str = "the draws") -> Callable[[F], F]:
    """``--seed`` (of stochastic models when the default is ``None``)."""
    return click.option(
        "--seed",
        type=SEED_RANGE,
        default=default,
        show_default=default is not None,
        help=f"Seed of {what}.",
    )


def calibration_option(what: str) -> Callable[[F], F]:
    """``--calibration deu``: a backtest's typical errors on comparable decisions."""
    return click.option(
        "--calibration",
        type=click.Choice(["deu"]),
        default=None,
        help=f"{what} each model's typical error on comparable decisions from a backtest "
        "('deu': EU legislative decisions 1996–2005), labelled as such.",
    )


def draws_option(what: str, default: int = 0, name: str = "--draws") -> Callable[[F], F]:
    """``--draws N``: how many perturbed copies of the inputs."""
    return click.option(name, type=click.IntRange(0), default=default, show_default=True, help=what)


def save_options(func: F) -> F:
    """``--save`` and ``--store URL``."""
    func = click.option(
        "--store",
        "store_url",
        default=None,
        metavar="URL",
        help="Run store (SQLAlchemy URL; default STRATAGEM_STORE or a SQLite file in "
        "the user's data directory).",
    )(func)
    return click.option(
        "--save",
        is_flag=True,
        help="Record the run in the run store (STRATAGEM_SAVE=1 records every run).",
    )(func)


def save_run(save: bool, store_url: str | None, record: Callable[[], RunRecord]) -> None:
    """Record the run when ``--save`` is given (or ``STRATAGEM_SAVE`` is set)."""
    from stratagem import store

    if not store.should_save(save):
        return
    try:
        db = store.Store(store_url)
        run_id = db.save(record())
    except store.StoreError as err:
        # the results are still printed; the command then exits with 1 (see handles_errors)
        echo_err(f"error: the run was not saved: {err}")
        click.get_current_context().meta[_DEFERRED_EXIT] = EXIT_FAILURE
        return
    echo_err(f"saved as run {run_id} in {db.url}")


def parse_sets(pairs: Sequence[str], chosen: Sequence[ModelSpec]) -> dict[str, dict[str, str]]:
    """``KEY=VALUE`` or ``MODEL.KEY=VALUE`` pairs, routed to the models declaring them."""
    per_model: dict[str, dict[str, str]] = {m.name: {} for m in chosen}
    for pair in pairs:
        if "=" not in pair:
            raise click.UsageError(f"--set {pair!r}: expected KEY=VALUE")
        key, value = pair.split("=", 1)
        target_model, _, bare = key.rpartition(".")
        targets = [m for m in chosen if not target_model or m.name == target_model]
        if target_model and not targets:
            raise click.UsageError(f"--set {pair!r}: model {target_model!r} is not selected")
        declaring = [m for m in targets if any(p.name == bare for p in m.params)]
        if not declaring:
            valid = "; ".join(
                f"{m.name}: {', '.join(p.describe() for p in m.params) or 'none'}" for m in targets
            )
            raise click.UsageError(f"--set {pair!r}: unknown parameter {bare!r}. Valid: {valid}")
        for m in declaring:
            per_model[m.name][bare] = value
            m.param(bare).parse(value)  # raises UnknownParameterError (exit 2) on a bad value
    return per_model


def parse_spread(pairs: Sequence[str]) -> dict[str, float]:
    """``--spread position=10`` pairs as a mapping of field to half-width."""
    out: dict[str, float] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in ("position", "salience", "capability"):
            raise click.UsageError(
                f"--spread {pair!r}: expected position=X, salience=X or capability=X"
            )
        try:
            out[key] = float(value)
        except ValueError:
            raise click.UsageError(f"--spread {pair!r}: {value!r} is not a number") from None
        if out[key] < 0:
            raise click.UsageError(f"--spread {pair!r}: must not be negative")
    return out


def parse_factors(text: str) -> tuple[float, ...]:
    """``--widths 0.5,1,2`` as positive factors, in order."""
    try:
        factors = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise click.UsageError(f"--widths {text!r}: expected numbers like 0.5,1,2") from None
    if not factors or any(not f > 0 for f in factors):
        raise click.UsageError(f"--widths {text!r}: every factor must be a positive number")
    return factors


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (when it is a terminal); yields the library's callback."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total: bar.update(task, completed=done)


class GroupValues(click.Option):
    """Like :class:`ManyValues`, but each use of the option makes one group (words joined)."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        """Let each use of the option take the words after it, as one group."""
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:
                continue
            take_one = option.process

            def process(value: Any, state: Any, take_one: Any = take_one) -> None:
                words = [value]
                while state.rargs and not state.rargs[0].startswith("-"):
                    words.append(state.rargs.pop(0))
                take_one(" ".join(words), state)

            option.process = process


class ManyValues(click.Option):
    """An option that takes every following word up to the next option: ``--actors A B C``."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        """Let the option's parser take the words after the first as well."""
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:
                continue
            take_one = option.process

            def process(value: Any, state: Any, take_one: Any = take_one) -> None:
                take_one(value, state)
                while state.rargs and not state.rargs[0].startswith("-"):
                    take_one(state.rargs.pop(0), state)

            option.process = process
