"""The ``stratagem`` command line: a thin adapter over the public API.

Data goes to stdout, messages and progress to stderr. Exit codes: 0 ok, 1 failure,
2 usage error, 3 invalid input (each problem printed as ``FILE:LINE: field: reason``).
Heavy modules are imported inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stratagem._version import __version__
from stratagem.errors import EXIT_FAILURE, EXIT_INVALID_INPUT, InvalidInputError, StratagemError

if TYPE_CHECKING:
    from stratagem.models.registry import ModelSpec

F = TypeVar("F", bound=Callable[..., Any])


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _handles_errors(func: F) -> F:
    """Turn the errors a user can cause into messages and exit codes, never tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from stratagem.models.registry import UnknownParameterError

        try:
            return func(*args, **kwargs)
        except InvalidInputError as err:
            for problem in err.problems:
                _echo_err(problem.format())
            sys.exit(EXIT_INVALID_INPUT)
        except UnknownParameterError as err:
            raise click.UsageError(str(err)) from None
        except StratagemError as err:
            _echo_err(f"error: {err}")
            sys.exit(EXIT_FAILURE)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratagem")
def cli() -> None:
    """Model conflicts among many actors and forecast how they end.

    With no scenario, commands use the embedded default case, iraq-2020
    (Baghdad, January 2020).
    """


def _save(
    save: bool,
    store_url: str | None,
    command: str,
    scenario_yaml: str,
    scenario_name: str,
    models: Sequence[str],
    params: Any,
    seed: int | None,
    results: Any,
    started: Any,
    branch: str | None = None,
    forecasts: Any = None,
) -> None:
    """Record the run when --save is given (or STRATAGEM_SAVE is set)."""
    import datetime as dt

    from stratagem import store

    if not store.should_save(save):
        return
    duration = (dt.datetime.now(dt.UTC) - started).total_seconds()
    db = store.Store(store_url)
    run_id = db.save(
        command,
        scenario_yaml,
        scenario_name,
        models,
        params,
        seed,
        results,
        started,
        duration,
        branch,
        forecasts,
    )
    _echo_err(f"saved as run {run_id} in {db.url}")


_SAVE_OPTIONS = [
    click.option(
        "--save",
        is_flag=True,
        help="Record the run in the run store (STRATAGEM_SAVE=1 records every run).",
    ),
    click.option(
        "--store",
        "store_url",
        default=None,
        metavar="URL",
        help="Run store (SQLAlchemy URL; default STRATAGEM_STORE or a SQLite file in "
        "the user's data directory).",
    ),
]


def _save_options(func: F) -> F:
    for option in reversed(_SAVE_OPTIONS):
        func = option(func)
    return func


def _parse_sets(pairs: Sequence[str], chosen: Sequence[ModelSpec]) -> dict[str, dict[str, str]]:
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


@cli.command()
@click.argument("scenario", required=False)
@click.option(
    "--model",
    "-m",
    "model_names",
    multiple=True,
    help="Model to run (repeatable); default: every model that applies.",
)
@click.option("--branch", "-b", default=None, help="Apply one of the scenario's branches.")
@click.option("--seed", type=int, default=None, help="Seed for stochastic models.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Model parameter (repeatable); MODEL.KEY=VALUE targets one model.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write the results as DIR/forecast.json.",
)
@_save_options
@_handles_errors
def run(
    scenario: str | None,
    model_names: tuple[str, ...],
    branch: str | None,
    seed: int | None,
    sets: tuple[str, ...],
    as_json: bool,
    out_dir: str | None,
    save: bool,
    store_url: str | None,
) -> None:
    """Forecast SCENARIO (a file, '-' for stdin, or an embedded name) with the models."""
    import datetime as dt

    from stratagem import catalog, models

    started = dt.datetime.now(dt.UTC)
    sc = catalog.load(scenario)
    if model_names:
        chosen = [models.get(n) for n in dict.fromkeys(model_names)]
    else:
        chosen = []
        for spec in models.specs():
            reason = spec.unavailable(sc)
            if reason is None:
                chosen.append(spec)
            else:
                _echo_err(f"note: skipping model {spec.name}: {reason}")
    params = _parse_sets(sets, chosen)
    forecasts = [m.run(sc, params[m.name], seed=seed, branch=branch) for m in chosen]
    document = {
        "scenario": sc.name,
        "branch": branch,
        "forecasts": [f.to_dict() for f in forecasts],
    }
    if out_dir is not None:
        from pathlib import Path

        from stratagem.io import atomic_write_text

        target = Path(out_dir) / "forecast.json"
        atomic_write_text(target, json.dumps(document, indent=2) + "\n")
        _echo_err(f"wrote {target}")
    from stratagem.io import write_text

    _save(
        save,
        store_url,
        "run",
        write_text(sc, "yaml"),
        sc.name,
        [f.model for f in forecasts],
        {f.model: dict(f.params) for f in forecasts},
        seed,
        document,
        started,
        branch,
        {f.model: f.positions() for f in forecasts},
    )
    if as_json:
        click.echo(json.dumps(document, indent=2))
    else:
        from stratagem.cli.render import print_forecasts

        print_forecasts(sc, forecasts, branch)


@cli.command()
@click.argument("scenario", required=False)
@click.option("--model", "-m", "model_name", required=True, help="A model that runs in rounds.")
@click.option(
    "--round", "-r", "round_", type=int, default=1, show_default=True, help="The round to explain."
)
@click.option(
    "--issue", "-i", "issue_ids", multiple=True, help="Issue(s) to explain (default all)."
)
@click.option("--branch", "-b", default=None, help="Apply one of the scenario's branches.")
@click.option("--seed", type=int, default=None, help="Seed for stochastic models.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Model parameter.")
@_handles_errors
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
    from stratagem import catalog, models

    sc = catalog.load(scenario)
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
    params = _parse_sets(sets, [spec])[spec.name]
    forecast = spec.run(sc, params, seed=seed, branch=branch)
    for issue_id in issue_ids or sc.issue_ids:
        for line in spec.explain(forecast, issue_id, round_):
            click.echo(line)


class _ManyValues(click.Option):
    """An option that takes every following word up to the next option: ``--actors A B C``."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
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


def _parse_spread(pairs: Sequence[str]) -> dict[str, float]:
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


@cli.command()
@click.argument("scenario", required=False)
@click.option("--model", "-m", "model_name", default="eum", show_default=True, help="Model.")
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="Number of perturbed scenarios.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the run.")
@click.option(
    "--branch",
    "-b",
    "branches",
    multiple=True,
    help="Compare this branch with the baseline on the same draws (repeatable).",
)
@click.option(
    "--executor",
    type=click.Choice(["serial", "processes", "dask"]),
    default=None,
    help="Where draws run (default: processes above 5,000 draws, else serial). "
    "Results do not depend on it.",
)
@click.option(
    "--address",
    default=None,
    help="Dask scheduler tcp://HOST:PORT (or "
    "STRATAGEM_DASK_ADDRESS); without one, --executor dask starts a local cluster.",
)
@click.option("--workers", type=click.IntRange(1), default=None, help="Worker processes.")
@click.option(
    "--spread",
    "spreads",
    multiple=True,
    metavar="FIELD=X",
    help="Default uncertainty: position=10 (± issue units), salience=0.1, "
    "capability=0.25 (± fraction); overrides the scenario's.",
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Model parameter.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@_save_options
@_handles_errors
def simulate(
    scenario: str | None,
    model_name: str,
    draws: int,
    seed: int,
    branches: tuple[str, ...],
    executor: str | None,
    address: str | None,
    workers: int | None,
    spreads: tuple[str, ...],
    sets: tuple[str, ...],
    as_json: bool,
    save: bool,
    store_url: str | None,
) -> None:
    """Forecast many perturbed copies of SCENARIO: distributions and outcome probabilities."""
    import datetime as dt

    started = dt.datetime.now(dt.UTC)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from stratagem import catalog, models
    from stratagem.uncertainty.montecarlo import simulate as run_simulation

    sc = catalog.load(scenario)
    spec = models.get(model_name)
    params = _parse_sets(sets, [spec])[spec.name]
    spread = _parse_spread(spreads)
    chosen = executor or ("processes" if draws > 5000 else "serial")
    console = Console(stderr=True)
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("draws", total=draws)
        ensemble = run_simulation(
            sc,
            spec.name,
            draws,
            seed,
            params,
            branches,
            chosen,
            address,
            workers,
            spread,
            progress=lambda done, total: bar.update(task, completed=done),
        )
    if not ensemble.inputs:
        _echo_err(
            "note: no input is uncertain (give distributions, an 'uncertainty:' "
            "section, or --spread): every draw is the same"
        )
    if ensemble.interrupted:
        _echo_err(f"interrupted: reporting the {ensemble.draws} draws completed of {draws}")
    else:
        from stratagem.io import write_text

        summary = ensemble.to_dict()
        _save(
            save,
            store_url,
            "simulate",
            write_text(sc, "yaml"),
            sc.name,
            [spec.name],
            {
                spec.name: dict(ensemble.params),
                "draws": draws,
                "spread": spread,
                "branches": list(branches),
            },
            seed,
            summary,
            started,
            forecasts={spec.name: {i: v["mean"] for i, v in summary["issues"].items()}},
        )
    if as_json:
        click.echo(json.dumps(ensemble.to_dict(), indent=2))
    else:
        from stratagem.cli.render import print_ensemble

        print_ensemble(ensemble)
    if ensemble.interrupted:
        sys.exit(130)


@cli.command()
@click.argument("scenario", required=False)
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
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampling.")
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
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Model parameter.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@_handles_errors
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
    from stratagem import catalog, models
    from stratagem.uncertainty.sensitivity import sensitivity as analyse

    sc = catalog.load(scenario)
    spec = models.get(model_name)
    params = _parse_sets(sets, [spec])[spec.name]
    result = analyse(
        sc, spec.name, params, method, samples, seed, _parse_spread(spreads) or None, branch
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(top), indent=2))
    else:
        from stratagem.cli.render import print_sensitivity

        print_sensitivity(result, top)


@cli.command()
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
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the bootstrap and of the cross-validation folds.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(100),
    default=2000,
    show_default=True,
    help="Bootstrap resamples (of whole proposals).",
)
@click.option(
    "--folds",
    type=click.IntRange(2),
    default=10,
    show_default=True,
    help="Cross-validation folds (of whole proposals) for the ensemble.",
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
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@_save_options
@_handles_errors
def backtest(
    dataset: str,
    model_names: tuple[str, ...],
    capability: str,
    seed: int,
    bootstrap: int,
    folds: int,
    missing_salience: str,
    residuals: str | None,
    as_json: bool,
    save: bool,
    store_url: str | None,
) -> None:
    """Score every model against real decisions with known outcomes (DEU III layout)."""
    import datetime as dt

    started = dt.datetime.now(dt.UTC)
    from stratagem.validation import backtest as bt
    from stratagem.validation.deu import read_deu

    data = read_deu(dataset, missing_salience=missing_salience)
    for name in model_names:
        try:
            bt.parse_model(name)
        except ValueError as exc:
            raise click.UsageError(f"--model {name!r}: {exc}") from None
    _echo_err(f"backtesting on {len(data.with_outcome)} issues with known outcomes ...")
    result = bt.backtest(
        data,
        model_names or None,
        capability=capability,
        seed=seed,
        bootstrap=bootstrap,
        folds=folds,
    )
    if residuals is not None:
        import csv
        import io as _io

        from stratagem.io import atomic_write_text

        rows = result.residual_rows()
        buffer = _io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(residuals, buffer.getvalue())
        _echo_err(f"wrote {residuals}")
    from pathlib import Path

    _save(
        save,
        store_url,
        "backtest",
        Path(dataset).read_text(encoding="utf-8", errors="replace"),
        Path(dataset).name,
        list(result.scores),
        {
            "capability": capability,
            "bootstrap": bootstrap,
            "folds": folds,
            "missing_salience": missing_salience,
        },
        seed,
        result.to_dict(),
        started,
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        from stratagem.cli.render import print_backtest

        print_backtest(result)


@cli.command()
@click.argument("scenario", required=False)
@click.option(
    "--model",
    "-m",
    "model_names",
    multiple=True,
    help="Model (repeatable); default every model that applies.",
)
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Monte Carlo draws per model (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed.")
@click.option(
    "--executor",
    type=click.Choice(["serial", "processes", "dask"]),
    default="serial",
    show_default=True,
    help="Where simulation draws run.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output directory (default out/SCENARIO).",
)
@_handles_errors
def report(
    scenario: str | None,
    model_names: tuple[str, ...],
    draws: int,
    seed: int,
    executor: str,
    out_dir: str | None,
) -> None:
    """Write a self-contained HTML report, its figures (PNG, SVG) and results (JSON)."""
    from stratagem import catalog
    from stratagem.report.build import build_report, write_report

    sc = catalog.load(scenario)
    target = out_dir or f"out/{sc.name}"
    built = build_report(
        sc,
        model_names or None,
        draws,
        seed,
        executor=executor,
        progress=lambda msg: _echo_err(f"... {msg}"),
    )
    path = write_report(built, target)
    _echo_err(f"wrote {path} ({len(built.figures)} figures in {path.parent / 'figures'})")
    click.echo(str(path))


@cli.command()
@click.argument("file")
@_handles_errors
def validate(file: str) -> None:
    """Check a scenario FILE and report every problem at once (exit 3 if any)."""
    from stratagem import io

    sc = io.read(file)
    click.echo(
        f"{file}: ok — {sc.n_actors} actors, {sc.n_issues} issues, {len(sc.events)} events, "
        f"{len(sc.branches)} branches, {len(sc.outcomes)} outcomes"
    )


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option(
    "--to",
    "fmt",
    default=None,
    help="Output format (default: from TARGET's extension; '-' needs it).",
)
@click.option(
    "--lossy",
    is_flag=True,
    help="Allow dropping what the target format cannot hold (listed on stderr).",
)
@_handles_errors
def convert(source: str, target: str, fmt: str | None, lossy: bool) -> None:
    """Convert SOURCE (a file or embedded name) to TARGET ('-' for stdout)."""
    from stratagem import catalog, io
    from stratagem.errors import Problem

    sc = catalog.load(source)
    if fmt is None:
        if target == "-":
            raise click.UsageError("writing to stdout needs --to FORMAT")
        fmt = io.format_for_path(target)
    if fmt not in io.FORMATS:
        raise click.UsageError(f"--to {fmt!r}: one of {', '.join(io.FORMATS)}")
    lost = io.lost_in(sc, fmt)
    if lost and not lossy:
        raise InvalidInputError(
            [
                Problem(
                    "convert",
                    f"a {fmt} file cannot hold the scenario's {', '.join(lost)}; "
                    "use --lossy to drop them",
                    None,
                    source,
                )
            ]
        )
    text = io.write_text(sc, fmt)
    if lost:
        _echo_err(f"note: dropped {', '.join(lost)}")
    if target == "-":
        click.echo(text, nl=False)
    else:
        io.atomic_write_text(target, text)
        _echo_err(f"wrote {target} ({fmt})")


@cli.command()
@_handles_errors
def scenarios() -> None:
    """List the embedded scenarios."""
    from stratagem import catalog

    for name in catalog.embedded_names():
        sc = catalog.load_embedded(name)
        default = " (default)" if name == catalog.DEFAULT_SCENARIO else ""
        click.echo(f"{name}{default}: {sc.n_actors} actors × {sc.n_issues} issues — {sc.title}")


@cli.command(name="models")
def models_command() -> None:
    """List the registered models and their parameters."""
    from stratagem import models

    for spec in models.specs():
        kind = "stochastic" if spec.stochastic else "deterministic"
        rounds = ", in rounds" if spec.dynamic else ""
        click.echo(f"{spec.name}: {spec.summary} ({kind}{rounds}; {spec.citation})")
        for p in spec.params:
            click.echo(f"    {p.describe()}  {p.help}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    from stratagem.io.schema import scenario_schema

    click.echo(json.dumps(scenario_schema(), indent=2))


@cli.command()
@click.argument("scenario", required=False)
@click.option(
    "--actors",
    "-a",
    "actors",
    multiple=True,
    cls=_ManyValues,
    help="Players: --actors A B [C ...] (or repeated); default the two with the most "
    "capability × salience on the issue.",
)
@click.option("--issue", "-i", "issue", default=None, help="The issue the stances are on.")
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
    default="compromise",
    show_default=True,
    help="Model that turns stances into a forecast.",
)
@click.option(
    "--without",
    "without",
    multiple=True,
    help="Also solve the game without this actor (repeatable), e.g. --without revolt.",
)
@click.option("--branch", "-b", default=None, help="Apply one of the scenario's branches.")
@click.option(
    "--draws",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Draws of the uncertain inputs: how often each equilibrium survives.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@click.option(
    "--save-game",
    "save_game",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the game (as given) to a Gambit .nfg file (needs the [games] extra).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@_handles_errors
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
    if scenario is not None and scenario.endswith((".nfg", ".efg")):
        _solve_gambit_file(scenario, method or "enumpure", as_json)
        return
    if issue is None:
        raise click.UsageError(
            "a game from a scenario needs --issue (and --actors, or the top two)"
        )
    from stratagem import catalog
    from stratagem.games.normal import (
        STANCES,
        equilibrium_survival,
        from_scenario,
        pure_equilibria,
        regret,
        weightiest_actors,
    )

    sc = catalog.load(scenario).with_branch(branch)
    if issue not in sc.issue_ids:
        raise click.UsageError(f"--issue {issue!r}: issues are {', '.join(sc.issue_ids)}")
    if not actors:
        actors = tuple(weightiest_actors(sc, issue))
    elif len(actors) < 2:
        raise click.UsageError("a game needs at least two --actors")
    chosen = stances or STANCES
    worlds = [("as given", sc)]
    for actor in without:
        if actor not in sc.actor_ids:
            raise click.UsageError(f"--without: unknown actor {actor!r}")
        worlds.append((f"without {actor}", sc.without_actors([actor])))
    results: list[dict[str, Any]] = []
    for label, world in worlds:
        g = from_scenario(world, actors, issue, model_name, chosen)
        equilibria = []
        for profile in pure_equilibria(g):
            mixed = [[1.0 if k == s else 0.0 for k in range(len(chosen))] for s in profile]
            equilibria.append(
                {"profile": g.profile_label(profile), "regret": regret(g, mixed).tolist()}
            )
        entry: dict[str, Any] = {"world": label, "game": g.to_dict(), "pure_equilibria": equilibria}
        if method is not None:
            from stratagem.games.gambit import solve

            entry["equilibria"] = [e.to_dict(g) for e in solve(g, method)]
        if draws:
            survival = equilibrium_survival(world, actors, issue, draws, seed, model_name, chosen)
            entry["survival"] = [{"profile": list(k), "share": v} for k, v in survival.items()]
        results.append(entry)
        if save_game is not None and label == "as given":
            from stratagem.games.gambit import to_gambit
            from stratagem.io import atomic_write_text

            atomic_write_text(save_game, to_gambit(g).to_nfg())
            _echo_err(f"wrote {save_game}")
    if as_json:
        click.echo(
            json.dumps(
                {"actors": list(actors), "issue": issue, "model": model_name, "worlds": results},
                indent=2,
            )
        )
        return
    for entry in results:
        g_doc: dict[str, Any] = entry["game"]
        click.echo(f"{g_doc['title']} — {entry['world']}")
        for row in g_doc["payoffs"]:
            click.echo(
                f"  {' / '.join(row['profile']):30s} "
                + "  ".join(f"{v:.4f}" for v in row["payoffs"])
            )
        for eq in entry.get("equilibria", []):
            mix = "; ".join(
                ", ".join(f"{label} {p:.3f}" for label, p in probs.items() if p > 1e-9)
                for probs in eq["strategies"]
            )
            click.echo(f"  {method}: {mix} (max regret {max(eq['regret']):.2e})")
        found = entry["pure_equilibria"]
        click.echo(
            "  pure equilibria: "
            + ("; ".join(" / ".join(e["profile"]) for e in found) if found else "none")
        )
        for eq in entry.get("equilibria", []):
            mix = "; ".join(
                ", ".join(f"{label} {p:.3f}" for label, p in probs.items() if p > 1e-9)
                for probs in eq["strategies"]
            )
            click.echo(f"  {method}: {mix} (max regret {max(eq['regret']):.2e})")
        if "survival" in entry:
            click.echo(
                "  under input uncertainty ("
                + str(draws)
                + " draws): "
                + "; ".join(
                    f"{' / '.join(s['profile'])} {s['share']:.2f}" for s in entry["survival"]
                )
            )


def _solve_gambit_file(path: str, method: str, as_json: bool) -> None:
    from stratagem.games.extensive import subgame_perfect
    from stratagem.games.gambit import read_game, solve
    from stratagem.games.normal import NormalForm

    loaded = read_game(path)
    if isinstance(loaded, NormalForm):
        found = [e.to_dict(loaded) for e in solve(loaded, method)]
        doc: dict[str, Any] = {
            "file": path,
            "kind": "strategic",
            "method": method,
            "game": loaded.to_dict(),
            "equilibria": found,
        }
    else:
        found = [e.to_dict() for e in subgame_perfect(loaded)]
        doc = {
            "file": path,
            "kind": "extensive",
            "method": "backward induction over subgames",
            "subgame_perfect_equilibria": found,
        }
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"{path}: {doc['kind']} game, {doc['method']}")
    for eq in found:
        click.echo(f"  {json.dumps(eq)}")
    if not found:
        click.echo("  no equilibrium in pure strategies")


@cli.command(name="compatibility")
@click.argument("scenario", required=False)
@click.option("--pair", nargs=2, default=None, metavar="A B", help="Explain one pair of actors.")
@click.option("--branch", "-b", default=None, help="Apply one of the scenario's branches.")
@click.option(
    "--draws",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Draws of the uncertain inputs: how stable the coalitions are.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@_handles_errors
def compatibility_command(
    scenario: str | None,
    pair: tuple[str, str] | None,
    branch: str | None,
    draws: int,
    seed: int,
    as_json: bool,
) -> None:
    """Pairwise strategic compatibility, tacit coalitions, and a pair's evidence in words."""
    from stratagem import catalog
    from stratagem.analysis.compatibility import compatibility, explain_pair

    sc = catalog.load(scenario).with_branch(branch)
    if pair is not None:
        for actor in pair:
            if actor not in sc.actor_ids:
                raise click.UsageError(
                    f"--pair: unknown actor {actor!r}; actors: {', '.join(sc.actor_ids)}"
                )
    result = compatibility(sc)
    stability = None
    if draws:
        from stratagem.analysis.compatibility import coalition_stability

        stability = coalition_stability(sc, draws, seed)
    if as_json:
        doc = result.to_dict()
        if stability is not None:
            doc["stability"] = stability
        if pair is not None:
            doc["pair"] = {
                "actors": list(pair),
                **result.pair(*pair),
                "evidence": explain_pair(sc, *pair),
            }
        click.echo(json.dumps(doc, indent=2))
        return
    from stratagem.cli.render import print_compatibility

    print_compatibility(result)
    if stability is not None:
        click.echo(
            f"coalition stability over {draws} draws: "
            + "; ".join(
                f"{', '.join(c['actors'])} {c['reappears']:.2f}" for c in stability["coalitions"]
            )
        )
    if pair is not None:
        for line in explain_pair(sc, *pair):
            click.echo(line)


@cli.command()
@click.argument("scenario", required=False)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8050, show_default=True)
@_handles_errors
def serve(scenario: str | None, host: str, port: int) -> None:
    """Start the dashboard on SCENARIO (needs: pip install 'stratagem[dashboard]')."""
    from stratagem import catalog

    try:
        from shiny import run_app

        from stratagem.web.app import create_app
    except ImportError:
        raise StratagemError(
            "the dashboard needs the optional extra: pip install 'stratagem[dashboard]'"
        ) from None
    app = create_app(catalog.load(scenario))
    _echo_err(f"stratagem dashboard on http://{host}:{port}")
    run_app(app, host=host, port=port, launch_browser=False)  # type: ignore[misc]  # None on pyodide


@cli.group()
def runs() -> None:
    """The run history: list, show, compare and export recorded runs."""


_STORE = click.option(
    "--store",
    "store_url",
    default=None,
    metavar="URL",
    help="Run store (default STRATAGEM_STORE or the user's SQLite file).",
)


@runs.command(name="list")
@click.option("--scenario", default=None, help="Only runs of this scenario.")
@_STORE
@_handles_errors
def runs_list(scenario: str | None, store_url: str | None) -> None:
    """List recorded runs, newest first."""
    from stratagem import store

    for r in store.Store(store_url).list(scenario):
        took = f"{r.duration_s:.2f} s" if r.duration_s is not None else ""
        click.echo(
            f"{r.id}\t{r.created_at}\t{r.command}\t{r.scenario_name}\t"
            f"{','.join(r.models)}\tseed={r.seed}\t{took}"
        )


@runs.command(name="show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@_STORE
@_handles_errors
def runs_show(run_id: int, as_json: bool, store_url: str | None) -> None:
    """Show one recorded run."""
    from stratagem import store

    r = store.Store(store_url).get(run_id)
    if as_json:
        click.echo(json.dumps(r.to_dict(), indent=2))
        return
    click.echo(
        f"run {r.id}: {r.command} {r.scenario_name} ({r.scenario_hash[:12]}) at "
        f"{r.started_at}, {r.duration_s} s, stratagem {r.version}, seed {r.seed}, "
        f"branch {r.branch}"
    )
    for model, per_issue in r.forecasts().items():
        values = ", ".join(f"{i} {v:.4g}" for i, v in per_issue.items())
        click.echo(f"  {model}: {values}")


@runs.command(name="diff")
@click.argument("first", type=int)
@click.argument("second", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@_STORE
@_handles_errors
def runs_diff(first: int, second: int, as_json: bool, store_url: str | None) -> None:
    """Which inputs differ between two runs, and how the forecasts moved."""
    from stratagem import store

    db = store.Store(store_url)
    d = store.diff(db.get(first), db.get(second))
    if as_json:
        click.echo(json.dumps(d, indent=2))
        return
    click.echo(f"inputs that differ ({len(d['inputs'])}):")
    for line in d["inputs"] or ["(none)"]:
        click.echo(f"  {line}")
    for key, (x, y) in d["settings"].items():
        click.echo(f"  {key}: {x} → {y}")
    click.echo("forecasts:")
    for key, m in d["forecasts"].items():
        click.echo(f"  {key}: {m['from']:.4g} → {m['to']:.4g} ({m['change']:+.4g})")


@runs.command(name="export")
@click.argument("run_id", type=int)
@click.option("--output", "-o", default="-", help="File to write (default stdout).")
@_STORE
@_handles_errors
def runs_export(run_id: int, output: str, store_url: str | None) -> None:
    """Write the scenario a run used, exactly, so that the run can be reproduced."""
    from stratagem import store
    from stratagem.io import atomic_write_text

    r = store.Store(store_url).get(run_id)
    if output == "-":
        click.echo(r.scenario_yaml, nl=False)
    else:
        atomic_write_text(output, r.scenario_yaml)
        _echo_err(f"wrote {output}")


def main() -> None:
    """Entry point of the ``stratagem`` script."""
    cli(prog_name="stratagem")


__all__ = ["cli", "main"]
