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
from typing import TYPE_CHECKING, Any

from stratagem.analysis.bottom_line import bottom_line
from stratagem.analysis.findings import Findings, findings
from stratagem.analysis.narrative import Section, narrative
from stratagem.errors import InvalidInputError, Problem
from stratagem.jsonable import plain
from stratagem.results import Forecast
from stratagem.scenario import Scenario

if TYPE_CHECKING:
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
    formats: Sequence[str] = ("svg", "png"),
    levers: bool = True,
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
        Figure formats to render; an empty sequence builds the figures (laid out, so text
        is measured) without serialising them. Writing a report needs both.
    levers : bool
        Search, for the bottom line, the smallest change that would lead away from the end
        most models forecast (in the static models that agree, whose search is cheapest,
        when its scan takes at most :data:`LEVER_BUDGET` evaluations).
    """
    import stratagem
    from stratagem.models import get
    from stratagem.uncertainty.sensitivity import tornado

    say = progress or (lambda _msg: None)
    say("running models")
    forecast_set = stratagem.forecast(scenario, models, seed=seed)
    forecasts = forecast_set.forecasts
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
                    scenario, spec.name, draws, seed, branches=chosen_branches, executor=executor
                )
            )
        say(f"sensitivity of {spec.name}")
        swings[spec.name] = tornado(scenario, spec.name)
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
    found = findings(scenario, forecasts, conflict_draws=draws, seed=seed)
    say("writing the narrative")
    sections = narrative(scenario, forecasts, ensembles, swings, found)
    say("drawing figures")
    figures, pngs = _draw(scenario, forecasts, ensembles, swings, found, tuple(formats))
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


def _draw(
    sc: Scenario,
    forecasts: Sequence[Forecast],
    ensembles: Sequence[Ensemble],
    swings: Mapping[str, Swings],
    found: Findings,
    formats: tuple[str, ...],
) -> tuple[dict[str, tuple[str, str]], dict[str, bytes]]:
    import matplotlib.pyplot as plt

    from stratagem.report import figures as fg

    figures: dict[str, tuple[str, str]] = {}
    pngs: dict[str, bytes] = {}

    def keep(name: str, title: str, fig: Figure) -> None:
        text = ""
        if "svg" in formats:
            svg = io.StringIO()
            with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": name}):
                fig.savefig(svg, format="svg", bbox_inches="tight")
            text = svg.getvalue()
            text = text[text.index("<svg") :]
        if "png" in formats:
            png = io.BytesIO()
            fig.savefig(png, format="png", bbox_inches="tight", dpi=130)
            pngs[name] = png.getvalue()
        plt.close(fig)
        figures[name] = (title, text)

    keep(
        "scenario",
        "The scenario at a glance (marker area: capability × salience)",
        fg.scenario_figure(sc),
    )
    keep("models", "Models side by side", fg.models_figure(sc, forecasts))
    compat = found.compatibility
    if compat is not None:
        keep(
            "compatibility",
            "Strategic compatibility of every pair of actors",
            fg.compatibility_figure(compat),
        )
    for branch, analysed in found.conflicts:
        suffix = f"-{branch}" if branch else ""
        names = {d.id: d.label.split(" (")[0] for d in analysed.conflict.decision_makers}
        if analysed.start is not None:
            where = f" with {branch}" if branch else ""
            keep(
                f"conflict-reachability{suffix}",
                f"Graph model{where}: the road from the status quo by unilateral improvements "
                "(the shortest paths to each equilibrium and to each named end; ringed states "
                "are equilibria under the concepts named below them, colours the named ends)",
                fg.reachability_figure(
                    analysed.reachability_graph(), names, f"the road from the status quo{where}"
                ),
            )
        if branch is None and analysed.agreement is not None:
            keep(
                "conflict-agreement",
                "Graph model: how alike each pair of decision makers judges the others' moves "
                "(share of the moves both care about; — where they never both care)",
                fg.conflict_agreement_figure(analysed.agreement),
            )
    for f in forecasts:
        for issue in sc.issues:
            if f.trajectory(issue.id) is not None:
                keep(
                    f"trajectory-{f.model}-{issue.id}",
                    f"{f.model}: positions per round on {issue.name}",
                    fg.trajectory_figure(sc, f, issue.id),
                )
    for e in ensembles:
        keep(
            f"distribution-{e.model}",
            f"{e.model}: forecast distributions",
            fg.distribution_figure(e),
        )
    if ensembles and sc.outcomes:
        keep(
            "outcomes",
            "Named outcomes under input uncertainty",
            fg.outcomes_figure(ensembles),
        )
    # one tornado per issue, for the main model (the one whose rounds have offers, if any)
    with_offers = [
        f.model for f in forecasts if any("offers" in v.details for v in f.issues.values())
    ]
    main = next((m for m in [*with_offers, *swings] if m in swings), None)
    if main is not None:
        base = next(f for f in forecasts if f.model == main).positions()
        for issue_id, all_rows in swings[main].items():
            rows = [r for r in all_rows if r[2] != r[1]]
            if rows:
                keep(
                    f"tornado-{main}-{issue_id}",
                    f"{main}: what moves {issue_id}",
                    fg.tornado_figure(sc, main, issue_id, rows, base[issue_id]),
                )
    return figures, pngs


def _html(report: Report) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("stratagem.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    sc = report.scenario
    inputs = []
    for a in sc.actors:
        for i in sc.issues:
            v = sc.values.get((a.id, i.id))
            if v is not None:
                inputs.append(
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
    from stratagem import __version__

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
    toc = [
        (anchor, title)
        for anchor, title, shown in (
            ("bottom-line", "Bottom line", bool(report.bottom_line.get("sentences"))),
            ("narrative", "What the results say", True),
            ("forecasts", "Forecasts", True),
            ("conflict", "The graph model", bool(conflicts)),
            ("figures", "Figures", True),
            ("uncertainty", "Under uncertainty", bool(report.ensembles)),
            ("inputs", "Inputs, with their notes and sources", True),
            ("provenance", "How these numbers were made", True),
        )
        if shown
    ]
    return env.get_template("report.html.j2").render(
        toc=toc,
        conflicts=conflicts,
        report=report,
        scenario=sc,
        inputs=inputs,
        version=__version__,
        forecasts=report.forecasts,
        figures=report.figures,
        when={o.name: o.when for o in sc.outcomes},
    )


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
    missing = [name for name in report.figures if name not in report.pngs]
    if missing or any(not svg for _, svg in report.figures.values()):
        raise ValueError("write_report needs figures rendered as SVG and PNG (the default)")
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
