"""Readable terminal tables for forecasts (rich), printed on stdout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from stratagem.results import Forecast

if TYPE_CHECKING:
    from stratagem.analysis.compatibility import Compatibility
    from stratagem.results import Ensemble
    from stratagem.uncertainty.sensitivity import SensitivityResult
    from stratagem.validation.backtest import BacktestResult
from stratagem.scenario import Scenario

__all__ = [
    "print_backtest",
    "print_compatibility",
    "print_ensemble",
    "print_forecasts",
    "print_sensitivity",
]


def _console() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    return console


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3e}"


def print_forecasts(
    scenario: Scenario, forecasts: Sequence[Forecast], branch: str | None = None
) -> None:
    """Print the actors' starting positions, then the forecast per issue and model."""
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)  # piped output: do not squeeze to 80 columns
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
        table.add_column(f.model, justify="right", min_width=len(f.model), no_wrap=True)
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


def print_ensemble(ensemble: Ensemble) -> None:
    """Forecast distributions per issue and outcome probabilities (per branch)."""
    console = _console()
    sc = ensemble.scenario
    worlds: list[str | None] = [None, *(b for b in ensemble.forecasts if b is not None)]
    table = Table(
        title=f"{ensemble.model} on {sc.name}: {ensemble.draws} draws, seed {ensemble.seed}, "
        f"{len(ensemble.inputs)} uncertain inputs",
        title_justify="left",
    )
    table.add_column("issue")
    table.add_column("world")
    for name in ("mean", "5%", "median", "95%"):
        table.add_column(name, justify="right")
    for issue in sc.issues:
        for world in worlds:
            summary = ensemble.issue_summary(world)[issue.id]
            table.add_row(
                issue.id,
                world or "baseline",
                *(f"{summary[k]:.4g}" for k in ("mean", "p05", "p50", "p95")),
            )
    console.print(table)
    if sc.outcomes:
        outcomes = Table(title="outcome probabilities", title_justify="left")
        outcomes.add_column("outcome")
        for world in worlds:
            outcomes.add_column(world or "baseline", justify="right")
        for world in worlds[1:]:
            outcomes.add_column(f"{world} − baseline (95%)", justify="right")
        names = list(ensemble.outcome_probabilities(None))
        for world in worlds[1:]:
            names += [n for n in ensemble.outcome_probabilities(world) if n not in names]
        for name in names:
            cells = [f"{ensemble.outcome_probabilities(w).get(name, 0.0):.3f}" for w in worlds]
            for world in worlds[1:]:
                assert world is not None
                d = ensemble.difference(world)["outcomes"].get(name)
                cells.append(
                    f"{d['difference']:+.3f} ({d['ci'][0]:+.3f} – {d['ci'][1]:+.3f})" if d else ""
                )
            outcomes.add_row(name, *cells)
        console.print(outcomes)


def print_sensitivity(result: SensitivityResult, top: int) -> None:
    """The most influential inputs per output."""
    console = _console()
    label = "total Sobol' index" if result.method == "sobol" else "Morris mu*"
    console.print(
        f"{result.model}: {result.method} over {len(result.inputs)} inputs, "
        f"{result.runs} model runs, seed {result.seed}; ranked by {label}"
    )
    for output in result.indices:
        ranked = [(n, v) for n, v in result.ranking(output, top) if v > 0]
        table = Table(title=output, title_justify="left")
        table.add_column("input")
        table.add_column(label, justify="right")
        if result.method == "sobol":
            table.add_column("first-order", justify="right")
        for name, value in ranked:
            row = [name, f"{value:.3f}"]
            if result.method == "sobol":
                row.append(f"{result.indices[output]['S1'][result.inputs.index(name)]:.3f}")
            table.add_row(*row)
        if not ranked:
            table.add_row(
                "(no input moves this output)", "0", *([""] if result.method == "sobol" else [])
            )
        console.print(table)


def print_compatibility(result: Compatibility) -> None:
    """The combined compatibility matrix, the coalitions and the tacit pairs."""
    console = _console()
    sc = result.scenario
    weights = ", ".join(f"{k} {v:.2f}" for k, v in result.weights.items())
    table = Table(
        title=f"strategic compatibility (0 opposed … 1 compatible; weights: {weights})",
        title_justify="left",
    )
    table.add_column("")
    for actor in sc.actors:
        table.add_column(actor.id, justify="right")
    for k, actor in enumerate(sc.actors):
        table.add_row(actor.id, *(f"{v:.2f}" for v in result.combined[k]))
    console.print(table)
    console.print(
        "coalitions (average linkage, cut at 0.6): "
        + " | ".join(", ".join(g) for g in result.coalitions())
    )
    tacit = result.tacit()
    if tacit:
        console.print("tacit coalitions (in concert on one issue, far apart on another):")
        for t in tacit[:10]:
            console.print(
                f"  {t['actors'][0]} & {t['actors'][1]}: in concert on "
                f"{t['in_concert_on']} ({t['concert']:.2f}), apart on {t['apart_on']} "
                f"(affinity {t['affinity']:.2f})"
            )
