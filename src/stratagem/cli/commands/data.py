"""Scenario files and what stratagem has: validate, convert, schema, scenarios, models."""

from __future__ import annotations

import click

from stratagem.cli.options import echo_err, echo_json, handles_errors, json_flag

__all__ = ["convert", "limits_command", "models_command", "scenarios", "schema", "validate"]


@click.command()
@click.argument("file")
@handles_errors
def validate(file: str) -> None:
    """Check a scenario FILE, or a gmcr-py .gmcr conflict: every problem at once (exit 3)."""
    from stratagem import io

    if file.lower().endswith(".gmcr"):
        conflict = io.read_conflict(file)
        click.echo(
            f"{file}: ok — {len(conflict.decision_makers)} decision makers, "
            f"{len(conflict.options)} options, {conflict.n_states} feasible states"
        )
        return
    import stratagem

    checked = stratagem.validate(io.read(file))
    sc = checked.scenario
    for warning in checked.warnings:
        echo_err(f"warning: {warning}")
    click.echo(
        f"{file}: ok — {sc.n_actors} actors, {sc.n_issues} issues, {len(sc.events)} events, "
        f"{len(sc.branches)} branches, {len(sc.outcomes)} outcomes"
    )


@click.command()
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
@handles_errors
def convert(source: str, target: str, fmt: str | None, lossy: bool) -> None:
    """Convert SOURCE (a file or embedded name) to TARGET ('-' for stdout)."""
    import stratagem

    if fmt is None and target == "-":
        raise click.UsageError("writing to stdout needs --to FORMAT")
    done = stratagem.convert(source, None if target == "-" else target, fmt, lossy)
    if done.dropped:
        echo_err(f"note: dropped {', '.join(done.dropped)}")
    if target == "-":
        click.echo(done.text, nl=False)
    else:
        echo_err(f"wrote {target} ({done.format})")


@click.command()
@handles_errors
def scenarios() -> None:
    """List the embedded scenarios."""
    import stratagem

    for s in stratagem.scenarios():
        default = " (default)" if s.default else ""
        click.echo(f"{s.name}{default}: {s.n_actors} actors × {s.n_issues} issues — {s.title}")


@click.command(name="models")
def models_command() -> None:
    """List the registered models and their parameters."""
    import stratagem

    for spec in stratagem.registered_models():
        kind = "stochastic" if spec.stochastic else "deterministic"
        rounds = ", in rounds" if spec.dynamic else ""
        click.echo(f"{spec.name}: {spec.summary} ({kind}{rounds}; {spec.citation})")
        for p in spec.params:
            click.echo(f"    {p.describe()}  {p.help}")


@click.command(name="limits")
@json_flag
@handles_errors
def limits_command(as_json: bool) -> None:
    """The limits inputs are checked against, their values in force and how to raise them."""
    import stratagem

    rows = [
        {"limit": name, "value": v["value"], "variable": v["variable"], "bounds": v["protects"]}
        for name, v in stratagem.input_limits().items()
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['limit']:<16} {row['value']:>12,}  {row['variable']:<30} {row['bounds']}")


@click.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    import stratagem

    echo_json(stratagem.schema())
