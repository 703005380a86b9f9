"""Readable terminal tables for forecasts (rich), printed on stdout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from stratagem.results import Forecast

if TYPE_CHECKING:
    from stratagem.validation.backtest import BacktestResult
from stratagem.scenario import Scenario

__all__ = ["print_backtest", "print_forecasts"]


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


def print_backtest(result: BacktestResult) -> None:
    """Print each model's accuracy, best first, with bootstrap intervals."""
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    table = Table(
        title=f"accuracy on {len(result.issues)} issues of {len(set(result.proposals))} "
        f"proposals (capability: {result.capability}; 95% intervals resample whole "
        f"proposals, {result.bootstrap} draws, seed {result.seed})",
        title_justify="left",
    )
    for name, justify in (
        ("model", "left"),
        ("n", "right"),
        ("MAE", "right"),
        ("95% interval", "right"),
        ("vs compromise", "right"),
        ("95% interval", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name, score in sorted(result.scores.items(), key=lambda kv: kv[1].mae):
        label = name + (" (out of sample)" if score.fitted else "")
        diff_ci = score.diff_ci or (float("nan"), float("nan"))
        table.add_row(
            label,
            str(score.n),
            f"{score.mae:.2f}",
            f"{score.mae_ci[0]:.2f} – {score.mae_ci[1]:.2f}",
            f"{score.diff_vs_compromise:+.2f}" if score.diff_vs_compromise is not None else "",
            f"{diff_ci[0]:+.2f} – {diff_ci[1]:+.2f}",
        )
    console.print(table)
    if result.ensemble_weights:
        weights = ", ".join(f"{k} {v:.2f}" for k, v in result.ensemble_weights.items() if v > 0.005)
        console.print(
            f"ensemble weights (fitted on all issues; scored by {result.folds}-fold "
            f"cross-validation by proposal): {weights}"
        )
