"""Every text the command line prints from a result: readable tables (rich), on stdout.

One function per kind of result; each reads what the library computed and computes nothing
itself. Actors, issues and players are named by their names where a person reads them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from stratagem.results import BASELINE

if TYPE_CHECKING:
    from stratagem.analysis.levers import LeverAnalysis
    from stratagem.analysis.widths import WidthSensitivity
    from stratagem.api import CompatibilityAnalysis
    from stratagem.conflict.analysis import ConflictAnalysis
    from stratagem.games.analysis import GameFileSolution, StanceGame
    from stratagem.games.normal import NormalForm
    from stratagem.results import Ensemble, ForecastSet
    from stratagem.scenario import Scenario
    from stratagem.store import StoredRun
    from stratagem.uncertainty.sensitivity import SensitivityResult
    from stratagem.validation.backtest import BacktestResult

__all__ = [
    "print_backtest",
    "print_bottom_line",
    "print_compatibility",
    "print_conflict",
    "print_ensemble",
    "print_forecasts",
    "print_game",
    "print_game_file",
    "print_levers",
    "print_run",
    "print_run_diff",
    "print_run_list",
    "print_sensitivity",
    "print_widths",
]


def _console() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    return console


def _named(name: str, ident: str) -> str:
    """A name for the reader, with the id that conditions and options use."""
    return ident if not name or name == ident else f"{name} ({ident})"


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3e}"


ACTOR_ROWS = 60
"""Actors listed in the starting-positions table; a larger scenario's table says how many more."""


def print_forecasts(result: ForecastSet) -> None:
    """Print the actors' starting positions, then the forecast per issue and model."""
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)  # piped output: do not squeeze to 80 columns
    scenario, forecasts, branch = result.scenario, result.forecasts, result.branch
    start = scenario.with_branch(branch)
    title = scenario.title or scenario.name
    print_bottom_line(result.summary.get("sentences", ()))
    if branch:
        title += f"  [branch: {branch}]"
    actors = Table(title=f"{title}\nstarting positions (position / salience)", title_justify="left")
    actors.add_column("actor")
    actors.add_column("capability", justify="right")
    for issue in start.issues:
        actors.add_column(
            f"{_named(issue.name, issue.id)}\n[{_num(issue.min)}–{_num(issue.max)}]",
            justify="right",
        )
    shown = start.actors[:ACTOR_ROWS]
    for k, actor in enumerate(shown):
        cells = []
        for j, issue in enumerate(start.issues):
            if (actor.id, issue.id) in start.values:
                cells.append(f"{_num(start.positions[k, j])} / {start.salience[k, j]:.2f}")
            else:
                cells.append("—")
        actors.add_row(_named(actor.name, actor.id), _num(actor.capability), *cells)
    if len(start.actors) > len(shown):
        more = len(start.actors) - len(shown)
        actors.caption = (
            f"the first {len(shown)} actors of {len(start.actors):,}; {more:,} more in --json"
        )
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
            _named(issue.name, issue.id),
            *(
                _num(f.issues[issue.id].forecast) if issue.id in f.issues else "—"
                for f in forecasts
            ),
        )
    if scenario.outcomes:
        table.add_section()
        table.add_row("outcome", *(f.outcome or "(none)" for f in forecasts))
    console.print(table)
    print_outcome_definitions(scenario)
    print_calibration(result.calibration)


def print_calibration(calibration: Mapping[str, Any]) -> None:
    """Each model's interval half-widths from a backtest, under the calibration's label."""
    if not calibration:
        return
    click.echo(f"\nCalibration: {calibration['label']}")
    for model, entry in calibration["models"].items():
        widths = ", ".join(f"{level} ±{q:.1f}" for level, q in entry["half_widths"].items())
        click.echo(f"  {model}: {widths} points")
    if calibration["not_backtested"]:
        click.echo(f"  no backtest for: {', '.join(calibration['not_backtested'])}")


def print_bottom_line(sentences: Sequence[str]) -> None:
    """The bottom line's sentences under a heading (nothing when there are none)."""
    if not sentences:
        return
    _console().print("[bold]Bottom line[/bold]")
    for sentence in sentences:
        click.echo(f"  {sentence}")
    click.echo("")


def print_outcome_definitions(scenario: Scenario) -> None:
    """The named ends and their conditions, in the order they are checked."""
    if not scenario.outcomes:
        return
    click.echo("named ends (the first whose condition holds names a forecast):")
    width = max(len(o.name) for o in scenario.outcomes)
    for o in scenario.outcomes:
        click.echo(f"  {o.name:<{width}}  when {o.when}")


def print_backtest(result: BacktestResult) -> None:
    """Print each model's accuracy, best first, with bootstrap intervals."""
    console = _console()
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
        ("covered 50/80/90%", "right"),
        ("smoothed", "right"),
        ("80% width", "right"),
        ("CRPS", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name, score in sorted(result.scores.items(), key=lambda kv: kv[1].mae):
        label = name + (" (out of sample)" if score.fitted else "")
        diff_ci = score.diff_ci or (float("nan"), float("nan"))
        cal = score.calibration
        table.add_row(
            label,
            str(score.n),
            f"{score.mae:.2f}",
            f"{score.mae_ci[0]:.2f} – {score.mae_ci[1]:.2f}",
            f"{score.diff_vs_compromise:+.2f}" if score.diff_vs_compromise is not None else "",
            f"{diff_ci[0]:+.2f} – {diff_ci[1]:+.2f}",
            "/".join(f"{100 * v:.0f}" for v in cal.coverage.values()) if cal else "",
            "/".join(f"{100 * v:.0f}" for v in cal.smoothed_coverage.values()) if cal else "",
            f"{cal.width[0.8]:.1f}" if cal and 0.8 in cal.width else "",
            f"{cal.crps:.2f}" if cal else "",
        )
    console.print(table)
    console.print(
        "covered: the share of issues whose outcome lies in their split-conformal interval "
        "(errors of the other folds' proposals calibrate each fold); smoothed: the same with "
        "tied errors broken at random (the smoothed conformal predictor); width and CRPS in "
        "issue points"
    )
    if result.ensemble_weights:
        weights = ", ".join(f"{k} {v:.2f}" for k, v in result.ensemble_weights.items() if v > 0.005)
        console.print(
            f"ensemble weights (fitted on all issues; scored by {result.folds}-fold "
            f"cross-validation by proposal): {weights}"
        )
    if result.stacking is not None:
        model = result.stacking.model
        moves = ", ".join(
            f"{name} {beta:+.3f}" for name, beta in model.coefficients.items() if beta != 0.0
        )
        console.print(
            "stacking model (fitted on all issues, penalty "
            f"{model.penalty:g} chosen by cross-validation; scored by nested cross-validation): "
            "the compromise moved toward "
            + (moves or "nothing (every coefficient 0: the compromise itself)")
            + "; penalties chosen per fold: "
            + ", ".join(f"{p:g}" for p in result.stacking.penalty_by_fold)
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
                world or BASELINE,
                *(f"{summary[k]:.4g}" for k in ("mean", "p05", "p50", "p95")),
            )
    console.print(table)
    if sc.outcomes:
        outcomes = Table(title="outcome probabilities", title_justify="left")
        outcomes.add_column("outcome")
        for world in worlds:
            outcomes.add_column(world or BASELINE, justify="right")
        for world in worlds[1:]:
            outcomes.add_column(f"{world} − {BASELINE} (95%)", justify="right")
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
        print_outcome_definitions(sc)


def print_widths(result: WidthSensitivity) -> None:
    """Each outcome's probability at each width of the input ranges, and what is settled."""
    console = _console()
    table = Table(
        title=f"{result.model}: outcome probabilities with every input range scaled "
        f"({result.ensemble.draws} draws each, seed {result.ensemble.seed})",
        title_justify="left",
    )
    table.add_column("outcome")
    for f in result.factors:
        table.add_column(f"{f:g}× widths", justify="right")
    for name, values in result.probabilities().items():
        table.add_row(name, *(f"{v:.3f}" for v in values))
    console.print(table)
    for sentence in result.sentences():
        click.echo(sentence)


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


def print_compatibility(analysis: CompatibilityAnalysis) -> None:
    """The combined compatibility matrix, the coalitions, the tacit pairs; then a pair's case."""
    console = _console()
    result = analysis.result
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
    if analysis.stability is not None:
        click.echo(
            f"coalition stability over {analysis.stability['draws']} draws: "
            + "; ".join(
                f"{', '.join(c['actors'])} {c['reappears']:.2f}"
                for c in analysis.stability["coalitions"]
            )
        )
    agreement = analysis.conflict_agreement
    if agreement is not None:
        ids = [d.id for d in agreement.conflict.decision_makers]
        side = Table(
            title="the graph model beside it: how alike each pair judges the other decision "
            "makers' moves (share of the moves both care about; — never both care)",
            title_justify="left",
        )
        side.add_column("")
        for dm in ids:
            side.add_column(dm, justify="right")
        for k, dm in enumerate(ids):
            side.add_row(dm, *("—" if math.isnan(v) else f"{v:.2f}" for v in agreement.matrix()[k]))
        console.print(side)
    for line in analysis.evidence:
        click.echo(line)


def _payoff_matrix(game: NormalForm) -> Table:
    """A two-player game as a matrix: the row player's stances down, the column player's across."""
    row, col = game.players
    table = Table(title="payoffs (row player's, column player's)", title_justify="left")
    table.add_column(f"{row} \\ {col}")
    for stance in game.strategies[1]:
        table.add_column(stance, justify="right")
    for i, stance in enumerate(game.strategies[0]):
        cells = [
            f"{game.payoffs[i, j, 0]:.4f}, {game.payoffs[i, j, 1]:.4f}"
            for j in range(len(game.strategies[1]))
        ]
        table.add_row(stance, *cells)
    return table


def _payoff_list(game: NormalForm) -> Table:
    """An n-player game as one row per profile, one column per player."""
    table = Table(title="payoffs per profile", title_justify="left")
    for player in game.players:
        table.add_column(f"{player} plays")
    for player in game.players:
        table.add_column(f"{player} gets", justify="right")
    for row in game.to_dict()["payoffs"]:
        table.add_row(*row["profile"], *(f"{v:.4f}" for v in row["payoffs"]))
    return table


def _mixed(strategies: Sequence[Mapping[str, float]], players: Sequence[str]) -> str:
    return "; ".join(
        f"{player}: " + ", ".join(f"{label} {p:.3f}" for label, p in probs.items() if p > 1e-9)
        for player, probs in zip(players, strategies, strict=True)
    )


def print_game(analysis: StanceGame) -> None:
    """Each world's payoff table (players named), its pure equilibria and what else was asked."""
    console = _console()
    for world in analysis.worlds:
        game = world.game
        click.echo(f"{game.title} — {world.label}")
        console.print(_payoff_matrix(game) if len(game.players) == 2 else _payoff_list(game))
        found = "; ".join(" / ".join(profile) for profile, _ in world.pure)
        click.echo(f"  pure equilibria: {found or 'none'}  (stances of {' / '.join(game.players)})")
        for line in world.explanations():
            click.echo(f"  {line}")
        for eq in world.equilibria or ():
            click.echo(
                f"  {analysis.method}: {_mixed(eq['strategies'], game.players)} "
                f"(max regret {max(eq['regret']):.2e})"
            )
        if world.survival is not None:
            click.echo(
                f"  under input uncertainty ({analysis.draws} draws): "
                + "; ".join(f"{' / '.join(k)} {v:.2f}" for k, v in world.survival.items())
            )


def print_game_file(solution: GameFileSolution) -> None:
    """The equilibria of a Gambit file's game."""
    click.echo(f"{solution.path}: {solution.kind} game, {solution.method}")
    for eq in solution.equilibria:
        click.echo(f"  {json.dumps(eq)}")
    if not solution.equilibria:
        click.echo("  no equilibrium in pure strategies")


def print_run_list(records: Sequence[StoredRun]) -> None:
    """One line per recorded run, newest first."""
    for r in records:
        took = f"{r.duration_s:.2f} s" if r.duration_s is not None else ""
        click.echo(
            f"{r.id}\t{r.created_at}\t{r.command}\t{r.scenario_name}\t"
            f"{','.join(r.models)}\tseed={r.seed}\t{took}"
        )


def print_run(r: StoredRun) -> None:
    """One recorded run: how it was made, and its forecasts."""
    click.echo(
        f"run {r.id}: {r.command} {r.scenario_name} ({r.scenario_hash[:12]}) at "
        f"{r.started_at}, {r.duration_s} s, stratagem {r.version}, seed {r.seed}, "
        f"branch {r.branch}"
    )
    for model, per_issue in r.forecasts().items():
        values = ", ".join(f"{i} {v:.4g}" for i, v in per_issue.items())
        click.echo(f"  {model}: {values}")


def print_run_diff(d: Mapping[str, Any]) -> None:
    """What differs between two runs: inputs, settings, forecasts."""
    click.echo(f"inputs that differ ({len(d['inputs'])}):")
    for line in d["inputs"] or ["(none)"]:
        click.echo(f"  {line}")
    for key, (x, y) in d["settings"].items():
        click.echo(f"  {key}: {x} → {y}")
    click.echo("forecasts:")
    for key, m in d["forecasts"].items():
        click.echo(f"  {key}: {m['from']:.4g} → {m['to']:.4g} ({m['change']:+.4g})")


def print_conflict(
    analysis: ConflictAnalysis, all_states: bool, explained: Mapping[str, Sequence[str]]
) -> None:
    """The graph model's analysis: options, preferences, stability, ends, paths, coalitions."""
    console = _console()
    c = analysis.conflict
    start = analysis.start
    console.print(
        f"{c.title or c.name}: {len(c.decision_makers)} decision makers, {len(c.options)} "
        f"options, {c.n_states} feasible states"
        + (f"; status quo {c.describe(start)}" if start is not None else "")
    )
    console.print(_conflict_options(analysis))
    console.print(_conflict_preferences(analysis, all_states))
    console.print(_stability_table(analysis, all_states))
    if c.ends:
        console.print(_ends_table(analysis))
    if start is not None:
        _print_from_status_quo(console, analysis)
    _print_coalitions(console, analysis)
    if analysis.draws is not None:
        console.print(_draws_table(analysis))
    for concept, lines in explained.items():
        console.print(f"explain ({concept}):")
        for line in lines:
            console.print(f"  {line}")
    for note in analysis.notes:
        console.print(f"note: {note}")


def _conflict_options(analysis: ConflictAnalysis) -> Table:
    c = analysis.conflict
    names = {d.id: d.label for d in c.decision_makers}
    table = Table(title="options", title_justify="left")
    for col in ("id", "option", "controlled by", "direction", "at the status quo"):
        table.add_column(col)
    taken_at_start = set(c.status_quo or ())
    for o in c.options:
        table.add_row(
            o.id, o.label, names[o.by], o.direction, "taken" if o.id in taken_at_start else ""
        )
    return table


def _conflict_preferences(analysis: ConflictAnalysis, all_states: bool) -> Table:
    """Statements most important first; explicit rankings as tiers of state numbers."""
    c = analysis.conflict
    table = Table(
        title="preferences: statements most important first (a state scores by the statements "
        "true in it), or an explicit ranking of states, best first (= ties)",
        title_justify="left",
    )
    table.add_column("decision maker")
    table.add_column("preference")
    table.add_column("most preferred states", justify="right")
    for dm in c.decision_makers:
        tiers = analysis.ranking(dm.id)
        top = ", ".join(map(str, tiers[0][:8])) + (" …" if len(tiers[0]) > 8 else "")
        if dm.ranking is not None or not dm.statements:
            shown = tiers if all_states or c.n_states <= 32 else tiers[:6]
            text = " > ".join("=".join(map(str, t)) for t in shown)
            if len(shown) < len(tiers):
                text += f" > … ({len(tiers) - len(shown)} more ranks)"
        else:
            text = "\n".join(
                f"{k}. {st.when}"
                + (f" (probability {st.probability:g})" if st.probability < 1 else "")
                for k, st in enumerate(dm.statements, 1)
            )
            if all_states:
                text += "\nranking: " + " > ".join("=".join(map(str, t)) for t in tiers)
        table.add_row(dm.label, text, f"{top} ({len(tiers[0])} of {c.n_states})")
    return table


def _stability_table(analysis: ConflictAnalysis, all_states: bool) -> Table:
    c = analysis.conflict
    order = ", ".join(d.id for d in c.decision_makers)
    table = Table(
        title=(
            f"stability of {'every state' if all_states else 'the equilibria and the status quo'}"
            f": options Y/N (taken or not) in the options table's order; per concept, Y/N per "
            f"decision maker ({order}), EQ when stable for all"
        ),
        title_justify="left",
    )
    table.add_column("state", justify="right")
    table.add_column("options", no_wrap=True)
    for concept in analysis.concepts:
        table.add_column(concept, no_wrap=True)
    if c.ends:
        table.add_column("ends")
    for row in analysis.stability_rows(all_states):
        cells = [
            str(row["state"]) + (" (status quo)" if row["status_quo"] else ""),
            row["pattern"],
            *row["cells"],
        ]
        table.add_row(*cells, *([", ".join(row["ends"])] if c.ends else []))
    return table


def _ends_table(analysis: ConflictAnalysis) -> Table:
    c = analysis.conflict
    table = Table(title="named ends: the equilibria in each, per concept", title_justify="left")
    table.add_column("end")
    table.add_column("when")
    for concept in analysis.concepts:
        table.add_column(concept)
    for end in c.ends:
        table.add_row(
            end.name,
            end.when,
            *(
                ", ".join(map(str, analysis.ends_at_equilibria(x)[end.name])) or "—"
                for x in analysis.concepts
            ),
        )
    return table


def _print_from_status_quo(console: Console, analysis: ConflictAnalysis) -> None:
    c = analysis.conflict
    console.print("from the status quo, by unilateral improvements:")
    reached: dict[int, list[str]] = {}
    for concept in analysis.concepts:
        for eq in analysis.reachable_equilibria(concept)["improvements"]:
            reached.setdefault(eq, []).append(concept)
    if not reached:
        console.print("  no equilibrium of any concept is reached")
    for eq, concepts in sorted(reached.items()):
        path = analysis.by_improvements.get(eq)
        ends = ", ".join(c.ends_of(eq)) or "no named end"
        how = f"in {len(path.steps)} move(s): {path.words(c)}" if path else "(the status quo)"
        console.print(
            f"  state {eq + 1} ({ends}), an equilibrium under {', '.join(concepts)}, {how}"
        )
    for name, (k, path) in analysis.reachable_ends().items():
        stable = [x for x in analysis.concepts if k + 1 in analysis.equilibria(x)]
        console.print(
            f"  '{name}' is reached first at state {k + 1} after {len(path.steps)} move(s)"
            + (f" (an equilibrium under {', '.join(stable)})" if stable else " (not stable there)")
        )
    missed = [name for name in c.end_masks if name not in analysis.reachable_ends()]
    if missed:
        console.print("  never reached: " + ", ".join(f"'{m}'" for m in missed))


def _print_coalitions(console: Console, analysis: ConflictAnalysis) -> None:
    if not analysis.coalitions:
        return
    able = [f for f in analysis.coalitions if f.improvements]
    concept = analysis.coalitions[0].concept
    console.print(
        f"coalitions ({len(analysis.coalitions)} tested on the {concept} equilibria): "
        + (
            f"{len(able)} can leave an equilibrium for a state all their members prefer"
            if able
            else "none can leave an equilibrium for a state all its members prefer"
        )
    )
    for finding in able:
        for line in finding.sentences(analysis.conflict):
            console.print(f"  {line}")


def _draws_table(analysis: ConflictAnalysis) -> Table:
    drawn = analysis.draws
    assert drawn is not None
    table = Table(
        title=(
            f"preference draws ({drawn.draws}, seed {drawn.seed}): share of draws with an "
            "equilibrium in each end"
        ),
        title_justify="left",
    )
    table.add_column("end")
    for concept in drawn.concepts:
        table.add_column(concept, justify="right")
    for name in analysis.conflict.end_masks:
        table.add_row(name, *(f"{drawn.end_shares[x][name]:.3f}" for x in drawn.concepts))
    table.add_row("(no equilibrium)", *(f"{drawn.none_shares[x]:.3f}" for x in drawn.concepts))
    return table


def print_levers(result: LeverAnalysis, top: int = 8) -> None:
    """Per model: the single levers (smallest first), combinations and the pivotal inputs."""
    from stratagem.analysis.levers import possessive

    console = _console()
    sc = result.scenario
    aim = "leave" if result.leave else "reach"
    where = f"  [branch: {result.branch}]" if result.branch else ""
    console.print(f"what it would take to {aim} '{result.target}'{where}")
    outcome = next((o for o in sc.outcomes if o.name == result.target), None)
    if outcome is not None:
        click.echo(f"  '{outcome.name}' holds when {outcome.when}")
    for m in result.models:
        console.print(
            f"\n[bold]{m}[/bold]: forecast today '{result.base_outcomes[m]}' "
            f"({result.evaluations.get(m, 0)} model runs, {result.seconds.get(m, 0.0):.2f} s)"
        )
        singles = result.singles.get(m, ())
        if singles:
            table = Table(
                title=f"{m}: single levers, smallest change first (size on the input's scale)",
                title_justify="left",
            )
            for column in ("change", "size", "forecast then"):
                table.add_column(column, justify="right" if column == "size" else "left")
            for lever in singles[:top]:
                table.add_row(lever.words(sc), f"{lever.size:.3f}", lever.outcome)
            if len(singles) > top:
                table.add_row(f"... and {len(singles) - top} more (--json lists all)", "", "")
            console.print(table)
        for combo in result.combinations.get(m, ())[:3]:
            click.echo(
                f"  together ({len(combo.changes)} actors, size {combo.size:.3f}): "
                f"{combo.words(sc)}"
            )
        pivotal = list(result.effects.get(m, ()))[:top]
        if pivotal:
            table = Table(
                title=f"{m}: most pivotal inputs (forecast change on the issue, share of its "
                "range, per unit of the input's scale)",
                title_justify="left",
            )
            table.add_column("input")
            table.add_column("on issue")
            table.add_column("effect", justify="right")
            for e in pivotal:
                on = f" on {sc.issue(e.issue).name}" if e.issue else ""
                table.add_row(
                    f"{possessive(sc.actor(e.actor).name)} {e.field}{on}",
                    sc.issue(e.on).name,
                    f"{e.slope:+.3f}",
                )
            console.print(table)
    click.echo("")
    for sentence in result.sentences():
        click.echo(sentence)
