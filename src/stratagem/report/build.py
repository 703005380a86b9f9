"""Build a report: run the models (and simulations), draw the figures, write HTML and JSON.

``stratagem report`` writes ``DIR/report.html`` — one self-contained file with the figures
inline as SVG, no network fetches — plus every figure as PNG and SVG in ``DIR/figures/``
and the full results as ``DIR/results.json``. Everything is computed and rendered in
memory first; files are then written atomically (temporary file, then rename), and the
figures directory is swapped in whole, so a failure never leaves half a report and a rerun
overwrites cleanly.

Adding a model or an analysis to reports is a small change: models come from the registry
(dynamic ones get trajectory figures, batched ones get simulations and tornados), and
:func:`stratagem.analysis.narrative.narrative` collects the sentences.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from stratagem.analysis.bottom_line import bottom_line
from stratagem.analysis.findings import Findings, begin_findings, findings
from stratagem.analysis.narrative import Section, narrative
from stratagem.errors import InvalidInputError, Problem
from stratagem.jsonable import plain
from stratagem.results import Forecast
from stratagem.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from stratagem.analysis.compatibility import Compatibility
    from stratagem.conflict.model import Conflict
    from stratagem.results import Ensemble

Swings = dict[str, list[tuple[str, float, float]]]

__all__ = ["Report", "build_report", "write_report"]


@dataclass(frozen=True)
class Report:
    """Everything a report shows, computed and drawn (frozen once built).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    forecasts : tuple of Forecast
        One per model.
    ensembles : tuple of Ensemble
        Simulations, one per batched model (empty without draws).
    swings : mapping
        Tornado swings per model and issue.
    sections : tuple of Section
        The narrative.
    seed, draws : int
        Of the simulations.
    found : Findings
        Compatibility, pivotal actors and stance games.
    bottom_line : mapping
        The bottom line (:func:`stratagem.analysis.bottom_line.bottom_line`): its
        ``sentences`` and the numbers they rest on.
    figures : mapping of name to (title, svg)
        Every figure, as inline SVG.
    pngs : mapping of name to bytes
        The same figures as PNG.
    """

    scenario: Scenario
    forecasts: tuple[Forecast, ...]
    ensembles: tuple[Ensemble, ...]
    swings: Mapping[str, Mapping[str, list[tuple[str, float, float]]]]
    sections: tuple[Section, ...]
    seed: int
    draws: int
    found: Findings = field(default_factory=Findings)
    bottom_line: Mapping[str, Any] = field(default_factory=dict)
    figures: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    pngs: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def compatibility(self) -> Compatibility | None:
        """The compatibility analysis, when there is one."""
        return self.found.compatibility

    def results(self) -> dict[str, Any]:
        """The full results as a JSON-ready document."""
        from stratagem import __version__

        return {
            "scenario": self.scenario.name,
            "version": __version__,
            "seed": self.seed,
            "draws": self.draws,
            "bottom_line": plain(self.bottom_line),
            "forecasts": [f.to_dict() for f in self.forecasts],
            "simulations": {e.model: e.to_dict() for e in self.ensembles},
            "tornado": {
                model: {
                    issue: [{"input": n, "low": lo, "high": hi} for n, lo, hi in rows]
                    for issue, rows in per_issue.items()
                }
                for model, per_issue in self.swings.items()
            },
            "narrative": [s.to_dict() for s in self.sections],
            **(
                {"compatibility": self.compatibility.to_dict()}
                if self.compatibility is not None
                else {}
            ),
            **(
                {
                    "conflict": {
                        (branch or "baseline"): analysed.to_dict()
                        for branch, analysed in self.found.conflicts
                    }
                }
                if self.found.conflicts
                else {}
            ),
        }


def build_report(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    draws: int = 1000,
    seed: int = 0,
    branches: Sequence[str] | None = None,
    executor: str = "serial",
    progress: Callable[[str], None] | None = None,
    formats: Sequence[str] = ("svg",),
    levers: bool = True,
    workers: int = 0,
    calibration: str | None = None,
) -> Report:
    """Run the models, simulations and sensitivity swings a report needs, and draw the figures.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    models : sequence of str, optional
        Registry names; default every model that applies.
    draws : int
        Monte Carlo draws per model (0: no simulation).
    seed : int
        Seed of the simulations (and of stochastic models).
    branches : sequence of str, optional
        Branches compared in simulations; default all of the scenario's.
    executor : str
        Where simulation draws run.
    progress : callable, optional
        Called with a short message as each stage starts.
    formats : sequence of {"svg", "png"}
        Figure formats to render: SVG goes inline in the HTML and into ``figures/``; PNG
        copies (for slides and word processors) are written beside them when asked, at
        about 40% more drawing time. An empty sequence builds the figures (laid out, so
        text is measured) without serialising them. Writing a report needs SVG.
    levers : bool
        Search, for the bottom line, the smallest change that would lead away from the end
        most models forecast (in the static models that agree, whose search is cheapest,
        when its scan takes at most :data:`LEVER_BUDGET` evaluations).
    workers : int
        Processes drawing the figures while the analysis goes on (forked where the
        platform can; ``stratagem report`` uses one per core beyond the first); with any,
        a forked helper also begins the stance games and the graph model's analyses before
        the models run, and this process takes those left when its simulations are done.
        0: everything is done here, one after the other.
    calibration : str, optional
        A backtest's calibration (``"deu"``) whose typical errors the bottom line states,
        labelled as errors on comparable decisions (:mod:`stratagem.validation.calibration`);
        none unless asked for.

    Examples
    --------
    >>> import stratagem
    >>> scenario = stratagem.load("eu-emissions-1994")
    >>> report = stratagem.build_report(scenario, ["compromise"], draws=0, formats=())
    >>> list(report.figures)[:2]
    ['scenario', 'models']
    """
    import stratagem
    from stratagem.models import get
    from stratagem.uncertainty.sensitivity import tornado

    say = progress or (lambda _msg: None)
    # the stance games and the graph model's analyses (the slowest findings) need no
    # forecast: begun first, beside the rest
    begun = begin_findings(scenario, conflict_draws=draws, seed=seed) if workers > 0 else None
    drawing = None
    try:
        say("running models")
        forecast_set = stratagem.forecast(scenario, models, seed=seed, calibration=calibration)
        forecasts = forecast_set.forecasts
        # figures are drawn by workers while the analysis runs, as soon as their data exist
        drawing = _Renderer(tuple(formats), workers)
        drawing.start(_forecast_figures(scenario, forecasts))
        chosen_branches = (
            list(branches) if branches is not None else [b.name for b in scenario.branches]
        )
        ensembles: list[Ensemble] = []
        swings: dict[str, Swings] = {}
        for f in forecasts:
            spec = get(f.model)
            if spec.batch is None or not spec.uses_positions:
                continue
            if draws > 0:
                say(f"simulating {spec.name}")
                ensembles.append(
                    stratagem.simulate(
                        scenario,
                        spec.name,
                        draws,
                        seed,
                        branches=chosen_branches,
                        executor=executor,
                    )
                )
            say(f"sensitivity of {spec.name}")
            swings[spec.name] = tornado(scenario, spec.name)
        drawing.start(_simulation_figures(scenario, forecasts, ensembles, swings))
        say("drawing the bottom line")
        # the probability is read in the expected utility model's draws when they exist
        preferred = [e for e in ensembles if e.model == "eum"] or ensembles
        line = bottom_line(
            forecast_set,
            ensemble=preferred[0] if preferred else None,
            lever_models=None if levers else [],
            static_only=True,
            lever_budget=LEVER_BUDGET,
            seed=seed,
        )
        say("analysing compatibility, pivotal actors and stance games")
        # what the helper has not taken yet is done here
        found = findings(
            scenario,
            forecasts,
            conflict_draws=draws,
            seed=seed,
            processes=workers + 1,
            begun=begun,
        )
        begun = None
        say("writing the narrative")
        sections = narrative(scenario, forecasts, ensembles, swings, found)
        say("drawing figures")
        drawing.start(_finding_figures(scenario, found), idle=True)
        figures, pngs = drawing.finish()
    finally:
        if begun is not None:
            begun.cancel()
        if drawing is not None:
            drawing.close()
    return Report(
        scenario,
        tuple(forecasts),
        tuple(ensembles),
        swings,
        tuple(sections),
        seed,
        draws,
        found=found,
        bottom_line=line.to_dict(),
        figures=figures,
        pngs=pngs,
    )


LEVER_BUDGET = 20_000
"""The most model evaluations the report's bottom line spends on its lever scan."""


@dataclass(frozen=True)
class _FigureTask:
    name: str
    title: str
    build: Callable[[], Figure]


def _forecast_figures(sc: Scenario, forecasts: Sequence[Forecast]) -> list[_FigureTask]:
    """The figures of the scenario and the forecasts, in report order."""
    from stratagem.report import figures as fg

    tasks = [
        _FigureTask(
            "scenario",
            "The scenario at a glance: each actor's starting position on each issue (marker "
            "area: capability × salience)",
            lambda: fg.scenario_figure(sc),
        ),
        _FigureTask(
            "models",
            "Every model's forecast on each issue (black dots) over the actors' starting positions",
            lambda: fg.models_figure(sc, forecasts),
        ),
    ]
    for f in forecasts:
        if any(f.trajectory(i) is not None for i in sc.issue_ids):
            tasks.append(
                _FigureTask(
                    f"trajectory-{f.model}",
                    f"{f.model}: every actor's position round by round on each issue (black: "
                    "the model's forecast and summaries; dotted lines: the events applied)",
                    lambda f=f: fg.trajectories_figure(sc, f),  # type: ignore[misc]
                )
            )
    return tasks


def _simulation_figures(
    sc: Scenario,
    forecasts: Sequence[Forecast],
    ensembles: Sequence[Ensemble],
    swings: Mapping[str, Swings],
) -> list[_FigureTask]:
    """The figures of the simulations and the sensitivity swings."""
    from stratagem.report import figures as fg

    tasks = []
    if ensembles:
        tasks.append(
            _FigureTask(
                "intervals",
                "Each simulated model's forecast under input uncertainty, per issue and branch "
                f"({ensembles[0].draws} draws; branches whose draws equal the baseline's share "
                "its row)",
                lambda: fg.intervals_figure(ensembles),
            )
        )
    # one tornado for the main model (the one whose rounds have offers, if any)
    with_offers = [
        f.model for f in forecasts if any("offers" in v.details for v in f.issues.values())
    ]
    main = next((m for m in [*with_offers, *swings] if m in swings), None)
    if main is not None and any(r[2] != r[1] for rows in swings[main].values() for r in rows):
        base = next(f for f in forecasts if f.model == main).positions()
        tasks.append(
            _FigureTask(
                f"tornado-{main}",
                f"What moves the {main} forecast: each uncertain input at the ends of its range, "
                "the others at their point values (the widest swings per issue)",
                lambda: fg.tornado_figure(sc, main, swings[main], base),
            )
        )
    return tasks


def _finding_figures(sc: Scenario, found: Findings) -> list[_FigureTask]:
    """The figures of compatibility and the graph model."""
    from stratagem.report import figures as fg

    tasks = []
    compat = found.compatibility
    if compat is not None:
        tasks.append(
            _FigureTask(
                "compatibility",
                "Strategic compatibility of every pair of actors (1: their strategies serve "
                "each other, 0: opposed)",
                lambda: fg.compatibility_figure(compat),
            )
        )
    for branch, analysed in found.conflicts:
        suffix = f"-{branch}" if branch else ""
        names = {d.id: d.label.split(" (")[0] for d in analysed.conflict.decision_makers}
        if analysed.start is not None:
            where = f" with {branch}" if branch else ""
            graph = analysed.reachability_graph()
            tasks.append(
                _FigureTask(
                    f"conflict-reachability{suffix}",
                    f"Graph model{where}: the road from the status quo by unilateral "
                    "improvements (the shortest paths to each equilibrium and to each named end; "
                    "ringed states are equilibria under the concepts named below them, colours "
                    "the named ends)",
                    lambda graph=graph, names=names, where=where: fg.reachability_figure(  # type: ignore[misc]
                        graph, names, f"the road from the status quo{where}"
                    ),
                )
            )
        if branch is None and analysed.agreement is not None:
            agreement = analysed.agreement
            tasks.append(
                _FigureTask(
                    "conflict-agreement",
                    "Graph model: how alike each pair of decision makers judges the others' "
                    "moves (share of the moves both care about; — where they never both care)",
                    lambda agreement=agreement: fg.conflict_agreement_figure(agreement),  # type: ignore[misc]
                )
            )
    return tasks


_PENDING: list[_FigureTask] = []
"""What forked workers draw: they inherit the list, so no figure's data is ever pickled."""


def _render(index: int, formats: tuple[str, ...]) -> tuple[str, str, str, bytes]:
    """Draw ``_PENDING[index]`` and serialise it: (name, title, svg, png)."""
    import matplotlib.pyplot as plt

    task = _PENDING[index]
    fig = task.build()
    # one tight box for both formats: "tight" would lay the figure out again for each
    canvas = cast("FigureCanvasAgg", fig.canvas)  # figures are drawn headless, with Agg
    bbox = fig.get_tightbbox(canvas.get_renderer()).padded(0.1)  # type: ignore[no-untyped-call]
    text, png = "", b""
    if "svg" in formats:
        svg = io.StringIO()
        with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": task.name}):
            fig.savefig(svg, format="svg", bbox_inches=bbox)
        text = svg.getvalue()
        text = text[text.index("<svg") :]
    if "png" in formats:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches=bbox, dpi=130)
        png = buffer.getvalue()
    plt.close(fig)
    return task.name, task.title, text, png


class _Renderer:
    """Draws figure tasks here, or in forked worker processes while the caller goes on."""

    def __init__(self, formats: tuple[str, ...], workers: int) -> None:
        import multiprocessing

        self.formats = formats
        self.order: list[str] = []
        self.done: dict[str, tuple[str, str, bytes]] = {}
        self.waiting: list[Any] = []
        self.pools: list[Any] = []
        forking = "fork" in multiprocessing.get_all_start_methods()
        self.workers = workers if forking else 0

    def start(self, tasks: Sequence[_FigureTask], idle: bool = False) -> None:
        """Begin drawing ``tasks`` (in workers: returns at once).

        ``idle``: the caller only waits from now on, so its core draws too.
        """
        self.order += [t.name for t in tasks]
        processes = min(self.workers + (1 if idle else 0), len(tasks))
        if self.workers == 0 or processes == 0:
            for task in tasks:
                _PENDING[:] = [task]
                name, title, svg, png = _render(0, self.formats)
                self.done[name] = (title, svg, png)
            _PENDING.clear()
            return
        import multiprocessing

        _PENDING[:] = list(tasks)
        pool = multiprocessing.get_context("fork").Pool(processes)
        _PENDING.clear()  # the workers have their copy
        self.pools.append(pool)
        self.waiting += [pool.apply_async(_render, (k, self.formats)) for k in range(len(tasks))]

    def finish(self) -> tuple[dict[str, tuple[str, str]], dict[str, bytes]]:
        """Every figure started, in the order started: (title, svg) and PNG by name."""
        for result in self.waiting:
            name, title, svg, png = result.get()
            self.done[name] = (title, svg, png)
        self.waiting = []
        figures = {n: (self.done[n][0], self.done[n][1]) for n in self.order}
        pngs = {n: self.done[n][2] for n in self.order if self.done[n][2]}
        return figures, pngs

    def close(self) -> None:
        """Stop the workers (at once when the caller failed before :meth:`finish`)."""
        for pool in self.pools:
            if self.waiting:
                pool.terminate()
            else:
                pool.close()
            pool.join()
        self.pools = []


PARTS = (
    ("bottom-line", "Bottom line"),
    ("ends", "Ends and their probabilities"),
    ("levers", "What would change it"),
    ("moves", "Who moves, and why"),
    ("coalitions", "Coalitions and compatibility"),
    ("games", "Games and the graph model"),
    ("inputs", "Inputs, with their notes and sources"),
    ("method", "Method notes"),
)
"""The report's sections, in the order a reader asks (anchor, title)."""

FIGURE_PARTS = {
    "intervals": "ends",
    "tornado": "levers",
    "models": "moves",
    "trajectory": "moves",
    "compatibility": "coalitions",
    "conflict": "games",
    "scenario": "inputs",
}
"""The section each figure goes in, by the first word of its name."""


def _html(report: Report) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from stratagem import __version__

    env = Environment(
        loader=PackageLoader("stratagem.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    sc = report.scenario
    figures: dict[str, list[tuple[str, str, str]]] = {part: [] for part, _ in PARTS}
    for name, (title, svg) in report.figures.items():
        figures[FIGURE_PARTS[name.split("-")[0]]].append((name, title, svg))
    topics: dict[str, list[Section]] = {part: [] for part, _ in PARTS}
    for section in report.sections:
        topics[section.topic or "ends"].append(section)
    base = report.found.conflicts[0][1].conflict if report.found.conflicts else None
    conflicts = [
        {
            "branch": branch,
            "analysis": analysed,
            "rows": analysed.stability_rows(),
            "added": _added(base, analysed.conflict) if branch else [],
        }
        for branch, analysed in report.found.conflicts
    ]
    levers = _lever_rows(report)
    games = [_game_table(g, sc) for g in report.found.games]
    shown = {
        "bottom-line": bool(report.bottom_line.get("sentences")),
        "levers": bool(levers or topics["levers"] or figures["levers"]),
        "moves": True,
        "coalitions": bool(topics["coalitions"] or figures["coalitions"]),
        "games": bool(topics["games"] or conflicts or games),
    }
    toc = [(anchor, title) for anchor, title in PARTS if shown.get(anchor, True)]
    return env.get_template("report.html.j2").render(
        toc=toc,
        titles=dict(PARTS),
        topics=topics,
        figures=figures,
        conflicts=conflicts,
        report=report,
        scenario=sc,
        ends=_end_rows(report),
        branches=_branch_table(report),
        levers=levers,
        games=games,
        inputs=_input_rows(sc),
        version=__version__,
        forecasts=report.forecasts,
    )


def _input_rows(sc: Scenario) -> list[dict[str, Any]]:
    rows = []
    for a in sc.actors:
        for i in sc.issues:
            v = sc.values.get((a.id, i.id))
            if v is not None:
                rows.append(
                    {
                        "actor": a.name,
                        "issue": i.name,
                        "position": v.position,
                        "salience": v.salience,
                        "capability": v.capability if v.capability is not None else a.capability,
                        "note": v.note,
                        "source": v.source,
                    }
                )
    return rows


def _end_rows(report: Report) -> list[dict[str, Any]]:
    """Each named end: its condition in words, the models forecasting it, its probabilities."""
    from stratagem.conditions import in_words
    from stratagem.results import NO_OUTCOME

    sc = report.scenario
    probabilities = {e.model: e.outcome_probabilities() for e in report.ensembles}
    ends = [(o.name, in_words(o.when, sc), o.description) for o in sc.outcomes]
    if any(NO_OUTCOME in p for p in probabilities.values()) or any(
        f.outcome is None for f in report.forecasts
    ):
        ends.append((NO_OUTCOME, "none of the conditions above holds", ""))
    return [
        {
            "name": name,
            "when": when,
            "description": description,
            "models": [f.model for f in report.forecasts if (f.outcome or NO_OUTCOME) == name],
            "p": {model: p.get(name, 0.0) for model, p in probabilities.items()},
        }
        for name, when, description in ends
    ]


def _branch_table(report: Report) -> dict[str, Any] | None:
    """The bottom line's model: each end's probability per branch, and its change."""
    from stratagem.report.figures import world_label

    model = report.bottom_line.get("probability", {}).get("model")
    ensemble = next((e for e in report.ensembles if e.model == model), None)
    if ensemble is None or not ensemble.branches:
        return None
    groups = ensemble.distinct_worlds()
    base = ensemble.outcome_probabilities()
    names = [o.name for o in report.scenario.outcomes] + [
        n for n in base if n not in {o.name for o in report.scenario.outcomes}
    ]
    columns = []
    for group in groups:
        world = group[0]
        probs = ensemble.outcome_probabilities(world)
        change = ensemble.difference(world)["outcomes"] if world is not None else {}
        columns.append((world_label(group), probs, change))
    rows = []
    for name in names:
        cells = []
        for _label, probs, change in columns:
            d = change.get(name)
            cells.append(
                {
                    "p": probs.get(name, 0.0),
                    "change": None if d is None else d["difference"],
                    "ci": None if d is None else d["ci"],
                }
            )
        rows.append({"name": name, "cells": cells})
    return {
        "model": ensemble.model,
        "draws": ensemble.draws,
        "columns": [c[0] for c in columns],
        "rows": rows,
    }


def _lever_rows(report: Report) -> list[dict[str, Any]]:
    sc = report.scenario
    rows = []
    for model, lever in report.bottom_line.get("levers", {}).items():
        try:
            actor, issue = sc.actor(lever["actor"]).name, sc.issue(lever["issue"]).name
        except KeyError:
            actor, issue = lever["actor"], lever["issue"]
        rows.append({**lever, "model": model, "actor": actor, "issue": issue})
    return rows


def _game_table(game: Any, sc: Scenario) -> dict[str, Any]:
    """A two-player stance game as a table, the pure equilibria marked.

    Rows are the first player's stances, columns the second's; each cell holds both payoffs.
    """
    world = game.worlds[0]
    g = world.game
    equilibria = {tuple(profile) for profile, _ in world.pure}
    rows = []
    if len(g.players) == 2:
        for r, row_stance in enumerate(g.strategies[0]):
            cells = []
            for c, col_stance in enumerate(g.strategies[1]):
                cells.append(
                    {
                        "payoffs": (float(g.payoffs[r, c, 0]), float(g.payoffs[r, c, 1])),
                        "equilibrium": (row_stance, col_stance) in equilibria,
                    }
                )
            rows.append({"stance": row_stance, "cells": cells})
    return {
        "issue": sc.issue(game.issue).name,
        "model": game.model,
        "players": list(g.players),
        "columns": list(g.strategies[1]) if len(g.players) == 2 else [],
        "rows": rows,
        "explanations": world.explanations(),
    }


def _added(base: Conflict | None, branch: Conflict) -> list[str]:
    """What a branch adds to the conflict, one line per option or statement."""
    if base is None:
        return []
    known = {o.id for o in base.options}
    out = [
        f"option {o.label} ({o.id}), controlled by {o.by}"
        for o in branch.options
        if o.id not in known
    ]
    before = {d.id: set(d.statements) for d in base.decision_makers}
    for d in branch.decision_makers:
        for k, st in enumerate(d.statements, 1):
            if st not in before.get(d.id, set()):
                chance = f" (probability {st.probability:g})" if st.probability < 1 else ""
                out.append(f"{d.label}, statement {k}: {st.when}{chance}")
    return out


REPORT_FILES = frozenset({"report.html", "results.json", "figures"})
"""What a report directory holds; a directory holding anything else is not replaced."""


def write_report(report: Report, out_dir: str | Path) -> Path:
    """Write ``report.html``, ``results.json`` and ``figures/`` into ``out_dir``, as one set.

    Returns the path of ``report.html``.

    Everything is rendered before anything is written. The set is written into a new
    directory beside ``out_dir``, which then takes ``out_dir``'s place in one atomic
    exchange (``renameat2``), so that a reader sees the previous complete report or the
    new one, never a mix, and a run killed at any point leaves the previous set in place;
    the temporary directory is removed on any exit Python sees (SIGTERM included, see
    :mod:`stratagem.cli.main`). Files get the user's usual permissions (umask).

    Raises
    ------
    InvalidInputError
        If ``out_dir`` exists and holds files that are not a report's (it would be
        replaced as a whole).
    """
    out = Path(out_dir)
    if any(not svg for _, svg in report.figures.values()):
        raise ValueError("write_report needs figures rendered as SVG (the default)")
    if out.exists():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in REPORT_FILES)
        if not out.is_dir() or foreign:
            what = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise InvalidInputError(
                [
                    Problem(
                        "--out",
                        f"holds files that are not a report's ({what or 'it is a file'}); a "
                        "report replaces its directory as a whole: choose a new directory",
                        None,
                        str(out),
                    )
                ]
            )
    html = _html(report)
    results = json.dumps(report.results(), indent=2) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        figures = staging / "figures"
        figures.mkdir()
        for name, (_title, svg) in report.figures.items():
            (figures / f"{name}.svg").write_text(svg, encoding="utf-8")
            if name in report.pngs:
                (figures / f"{name}.png").write_bytes(report.pngs[name])
        (staging / "results.json").write_text(results, encoding="utf-8")
        (staging / "report.html").write_text(html, encoding="utf-8")
        staging.chmod(0o777 & ~_umask())
        replace_directory(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "report.html"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replace_directory(new: Path, target: Path) -> None:
    """Put directory ``new`` at ``target``; the old ``target`` (if any) ends up at ``new``.

    One atomic exchange where Linux's ``renameat2(RENAME_EXCHANGE)`` is available;
    otherwise two renames, between which ``target`` is briefly missing.
    """
    if not target.exists():
        new.rename(target)
        new.mkdir()  # the caller removes ``new``: leave it something to remove
        return
    if _exchange(new, target):
        return
    old = new.with_name(new.name + ".old")
    target.rename(old)
    new.rename(target)
    old.rename(new)


def _exchange(a: Path, b: Path) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return int(done) == 0
