"""Readable terminal tables for forecasts (rich), printed on stdout."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = ["print_forecasts"]


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3e}"


def print_forecasts(
    scenario: Scenario, forecasts: Sequence[Forecast], branch: str | None = None
) -> None:
    """Print the actors' starting positions, then the forecast per issue and model."""
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)  # piped output: do not squeeze to 80 columns
    start = scenario.with_branch(branch)
    title = scenario.title or scenario.name
    if branch:
        title += f"  [branch: {branch}]"
    actors = Table(title=f"{title}\nstarting positions (position / salience)", title_justify="left")
    actors.add_column("actor")
    actors.add_column("capability", justify="right")
    for issue in start.issues:
        actors.add_column(f"{issue.id}\n[{_num(issue.min)}–{_num(issue.max)}]", justify="right")
    for k, actor in enumerate(start.actors):
        cells = []
        for j, issue in enumerate(start.issues):
            if (actor.id, issue.id) in start.values:
                cells.append(f"{_num(start.positions[k, j])} / {start.salience[k, j]:.2f}")
            else:
                cells.append("—")
        actors.add_row(actor.id, _num(actor.capability), *cells)
    console.print(actors)
    if start.events:
        console.print(
            "events: " + "; ".join(f"round {e.round}: {e.name}" for e in start.events),
            style="dim",
        )
    table = Table(title="forecast per issue and model", title_justify="left")
    table.add_column("issue")
    for f in forecasts:
        table.add_column(f.model, justify="right")
    for issue in scenario.issues:
        table.add_row(
            issue.id,
            *(
                _num(f.issues[issue.id].forecast) if issue.id in f.issues else "—"
                for f in forecasts
            ),
        )
    if scenario.outcomes:
        table.add_section()
        table.add_row("outcome", *(f.outcome or "(none)" for f in forecasts))
    console.print(table)
