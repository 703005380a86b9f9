"""Figures with one consistent style; each actor keeps its colour across figures.

All figures are drawn with matplotlib's headless Agg backend (no display needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from stratagem.results import Forecast
    from stratagem.scenario import Scenario

__all__ = [
    "SAFE_COLOURS",
    "actor_colours",
    "compatibility_figure",
    "conflict_agreement_figure",
    "distribution_figure",
    "models_figure",
    "outcomes_figure",
    "paths_figure",
    "reachability_figure",
    "safe_colour",
    "scenario_figure",
    "tornado_figure",
    "trajectory_figure",
]

STYLE: dict[str, Any] = {
    "figure.dpi": 110,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}


SAFE_COLOURS = (
    # Okabe & Ito (2008), "Color universal design": told apart with every common colour
    # vision deficiency; black is left for the forecast and the model's summaries
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    # then Paul Tol's "muted" scheme (also colour-blind safe)
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
"""Colours told apart with colour vision deficiencies, in the order they are handed out."""


def safe_colour(k: int) -> tuple[float, float, float, float]:
    """The ``k``-th colour: :data:`SAFE_COLOURS`, then matplotlib's tab20 for the rest."""
    if k < len(SAFE_COLOURS):
        return mpl.colors.to_rgba(SAFE_COLOURS[k])
    extra = plt.get_cmap("tab20")
    return extra((k - len(SAFE_COLOURS)) % extra.N)


def actor_colours(actor_ids: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    """A stable colour per actor: the same actor gets the same colour in every figure."""
    return {a: safe_colour(k) for k, a in enumerate(actor_ids)}


def trajectory_figure(scenario: Scenario, forecast: Forecast, issue_id: str) -> Figure:
    """Actor positions per round on one issue, the model's summaries highlighted, events marked.

    Parameters
    ----------
    scenario : Scenario
        The scenario the forecast was made on (for names and scale).
    forecast : Forecast
        A forecast of a model that runs in rounds (its issues have a trajectory).
    issue_id : str
        The issue to draw.
    """
    path = forecast.trajectory(issue_id)
    if path is None:
        raise ValueError(f"the {forecast.model} forecast has no rounds to draw")
    issue = scenario.issue(issue_id)
    rounds = np.arange(path.positions.shape[0])
    colours = actor_colours(scenario.actor_ids)
    styles = {"median": ("-", 2.6), "forecast": ("-", 2.6), "mean": ("--", 1.6)}
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        for k, (actor, name) in enumerate(zip(path.actors, path.names, strict=True)):
            ax.plot(
                rounds,
                path.positions[:, k],
                color=colours.get(actor, "grey"),
                lw=1.2,
                alpha=0.8,
                marker="o",
                ms=2.5,
                label=name,
            )
        for role in ("median", "forecast", "mean"):
            line = getattr(path, role)
            if line is not None:
                ls, lw = styles[role]
                ax.plot(rounds, line.values, color="black", lw=lw, ls=ls, label=line.label)
        for round_, names in path.events.items():
            ax.axvline(round_ - 0.5, color="grey", ls=":", lw=1)
            ax.annotate(
                ", ".join(names),
                (round_ - 0.5, issue.max),
                rotation=90,
                va="top",
                ha="right",
                fontsize=7,
                color="grey",
            )
        ax.set_xlim(-0.2, max(1, rounds[-1]) + 0.2)
        span = issue.max - issue.min
        ax.set_ylim(issue.min - 0.03 * span, issue.max + 0.03 * span)
        ax.set_xlabel(path.step)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # rounds are whole numbers
        ax.set_ylabel(issue.name)
        ax.set_title(f"{forecast.model}: {issue.name} ({scenario.name})", loc="left")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7)
        fig.tight_layout()
    return fig


def paths_figure(scenario: Scenario, forecast: Forecast, x_issue: str, y_issue: str) -> Figure:
    """Each actor's path through the plane of two issues, round by round.

    Parameters
    ----------
    scenario : Scenario
        The scenario the forecast was made on.
    forecast : Forecast
        A forecast with trajectories for both issues over the same actors (the spatial
        model moves actors on every issue at once).
    x_issue, y_issue : str
        The issues on the horizontal and vertical axes.
    """
    px, py = forecast.trajectory(x_issue), forecast.trajectory(y_issue)
    if px is None or py is None or px.actors != py.actors:
        raise ValueError("paths need trajectories of the same actors on both issues")
    xs, ys = px.positions, py.positions
    colours = actor_colours(scenario.actor_ids)
    ix, iy = scenario.issue(x_issue), scenario.issue(y_issue)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(6.4, 5.6))
        for k, (actor, name) in enumerate(zip(px.actors, px.names, strict=True)):
            colour = colours.get(actor, "grey")
            ax.plot(xs[:, k], ys[:, k], color=colour, lw=1.1, alpha=0.8, marker="o", ms=2)
            ax.plot(xs[0, k], ys[0, k], color=colour, marker="s", ms=5)
            ax.annotate(
                name,
                (xs[0, k], ys[0, k]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
                color=colour,
            )
            ax.plot(xs[-1, k], ys[-1, k], color=colour, marker="*", ms=9)
        forecast_xy = (forecast.issues[x_issue].forecast, forecast.issues[y_issue].forecast)
        ax.plot(*forecast_xy, color="black", marker="X", ms=11, ls="none", label="forecast")
        ax.set_xlim(ix.min - 0.03 * ix.range, ix.max + 0.03 * ix.range)
        ax.set_ylim(iy.min - 0.03 * iy.range, iy.max + 0.03 * iy.range)
        ax.set_xlabel(ix.name)
        ax.set_ylabel(iy.name)
        ax.set_title(
            f"{forecast.model}: paths over {px.rounds} {px.step}s (square: start, star: end)",
            loc="left",
        )
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
    return fig


def scenario_figure(scenario: Scenario) -> Figure:
    """The scenario at a glance: actors on each issue, marker area by capability × salience."""
    colours = actor_colours(scenario.actor_ids)
    weight = scenario.capability * scenario.salience
    top = float(weight.max()) or 1.0
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            scenario.n_issues, 1, figsize=(7.5, 1.3 + 1.1 * scenario.n_issues), squeeze=False
        )
        for j, issue in enumerate(scenario.issues):
            ax = axes[j, 0]
            for k, actor in enumerate(scenario.actors):
                if not scenario.has_position[k, j]:
                    continue
                ax.scatter(
                    scenario.positions[k, j],
                    0,
                    s=40 + 600 * weight[k, j] / top,
                    color=colours[actor.id],
                    alpha=0.75,
                    edgecolor="white",
                    label=actor.name if j == 0 else None,
                )
            ax.set_xlim(issue.min, issue.max)
            ax.set_yticks([])
            ax.set_title(issue.name, loc="left", fontsize=9)
            ax.grid(axis="y", visible=False)
        fig.legend(loc="lower center", ncol=3, fontsize=7, bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig


def models_figure(scenario: Scenario, forecasts: Sequence[Forecast]) -> Figure:
    """Models side by side: each model's forecast per issue over the actors' starting positions."""
    colours = actor_colours(scenario.actor_ids)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            scenario.n_issues, 1, figsize=(7.5, 1.2 + 1.4 * scenario.n_issues), squeeze=False
        )
        for j, issue in enumerate(scenario.issues):
            ax = axes[j, 0]
            for k, actor in enumerate(scenario.actors):
                if scenario.has_position[k, j]:
                    ax.axvline(scenario.positions[k, j], color=colours[actor.id], alpha=0.35, lw=3)
            for m, f in enumerate(forecasts):
                if issue.id in f.issues:
                    ax.plot(f.issues[issue.id].forecast, m, "o", color="black", ms=6)
            ax.set_yticks(range(len(forecasts)), [f.model for f in forecasts], fontsize=8)
            ax.set_ylim(-0.7, len(forecasts) - 0.3)
            ax.set_xlim(issue.min, issue.max)
            ax.set_title(
                f"{issue.name} (coloured lines: actors' starting positions)", loc="left", fontsize=9
            )
        fig.tight_layout()
    return fig


def distribution_figure(ensemble: Any) -> Figure:
    """Forecast distributions per issue under input uncertainty, one colour per branch."""
    scenario = ensemble.scenario
    worlds = [None, *(b for b in ensemble.forecasts if b is not None)]
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            scenario.n_issues, 1, figsize=(7.5, 1.2 + 1.5 * scenario.n_issues), squeeze=False
        )
        for j, issue in enumerate(scenario.issues):
            ax = axes[j, 0]
            bins = np.linspace(issue.min, issue.max, 41)
            for w, world in enumerate(worlds):
                ax.hist(
                    ensemble.forecasts[world][:, j],
                    bins=bins,
                    alpha=0.5,
                    color=safe_colour(w),
                    label=world or "baseline",
                )
            ax.set_title(
                f"{ensemble.model}: {issue.name}, {ensemble.draws} draws", loc="left", fontsize=9
            )
            ax.set_xlim(issue.min, issue.max)
            if j == 0:
                ax.legend(fontsize=7)
        fig.tight_layout()
    return fig


def outcomes_figure(ensembles: Sequence[Any]) -> Figure:
    """Named-outcome probabilities per model and branch (grouped bars)."""
    first = ensembles[0]
    names = [o.name for o in first.scenario.outcomes]
    groups = [(e.model, w) for e in ensembles for w in [None, *(b for b in e.forecasts if b)]]
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.45 * len(names) * max(1, len(groups)) / 2))
        height = 0.8 / max(1, len(groups))
        for g, (model, world) in enumerate(groups):
            ensemble = next(e for e in ensembles if e.model == model)
            probs = ensemble.outcome_probabilities(world)
            ys = np.arange(len(names)) + g * height
            ax.barh(
                ys,
                [probs.get(n, 0.0) for n in names],
                height=height,
                color=safe_colour(g),
                label=f"{model} · {world or 'baseline'}",
            )
        ax.set_yticks(np.arange(len(names)) + 0.4 - height / 2, names)
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability")
        ax.invert_yaxis()
        ax.legend(fontsize=7, loc="lower right")
        ax.set_title("named outcomes under input uncertainty", loc="left")
        fig.tight_layout()
    return fig


def tornado_figure(
    scenario: Scenario,
    model: str,
    issue_id: str,
    swings: Sequence[tuple[str, float, float]],
    base: float,
    top: int = 10,
) -> Figure:
    """Sensitivity tornado: the forecast with each input at the ends of its range."""
    rows = list(swings[:top])[::-1]
    issue = scenario.issue(issue_id)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.32 * max(1, len(rows))))
        for k, (_name, lo, hi) in enumerate(rows):
            ax.barh(k, hi - base, left=base, color="#c0392b", alpha=0.8)
            ax.barh(k, lo - base, left=base, color="#2471a3", alpha=0.8)
        ax.axvline(base, color="black", lw=1)
        ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=7)
        ax.set_xlabel(f"{model} forecast on {issue.name} (red: input high, blue: input low)")
        ax.set_title(f"what moves the {model} forecast on {issue.name}", loc="left")
        fig.tight_layout()
    return fig


def compatibility_figure(result: Any) -> Figure:
    """Heat map of the combined strategic compatibility of every pair of actors."""
    sc = result.scenario
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        size = 2.5 + 0.45 * sc.n_actors
        fig, ax = plt.subplots(figsize=(size + 1.5, size))
        image = ax.imshow(result.combined, cmap="RdYlGn", vmin=0, vmax=1)
        ax.set_xticks(range(sc.n_actors), sc.actor_ids, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(sc.n_actors), sc.actor_ids, fontsize=7)
        ax.grid(visible=False)
        if sc.n_actors <= 20:
            for i in range(sc.n_actors):
                for j in range(sc.n_actors):
                    ax.text(
                        j, i, f"{result.combined[i, j]:.2f}", ha="center", va="center", fontsize=6
                    )
        fig.colorbar(image, ax=ax, label="compatibility (0 opposed, 1 compatible)")
        ax.set_title("strategic compatibility", loc="left")
        fig.tight_layout()
    return fig


def reachability_figure(graph: dict[str, Any], names: dict[str, str], title: str) -> Figure:
    """The road from the status quo (:meth:`ConflictAnalysis.reachability_graph`).

    States left to right by the number of unilateral improvements from the status quo;
    an arrow is a move, labelled by its mover; a ringed state is an equilibrium under the
    concepts written under it; the colour is the state's first named end.
    """
    nodes, edges = graph["nodes"], graph["edges"]
    ends = sorted({e for n in nodes for e in n["ends"][:1]})
    colour = {e: safe_colour(k) for k, e in enumerate(ends)}
    by_depth: dict[int, list[dict[str, Any]]] = {}
    for n in nodes:
        by_depth.setdefault(n["depth"], []).append(n)
    where = {
        n["state"]: (d, -k + (len(group) - 1) / 2)
        for d, group in by_depth.items()
        for k, n in enumerate(group)
    }
    tall = max((len(g) for g in by_depth.values()), default=1)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(2.2 + 1.9 * len(by_depth), 1.6 + 0.9 * tall))
        for e in edges:
            (x0, y0), (x1, y1) = where[e["from"]], where[e["to"]]
            ax.annotate(
                "",
                (x1, y1),
                (x0, y0),
                arrowprops={"arrowstyle": "->", "color": "#777", "shrinkA": 14, "shrinkB": 14},
            )
            ax.text(
                x0 + 0.35 * (x1 - x0),
                y0 + 0.35 * (y1 - y0) + 0.08,
                names.get(e["by"], e["by"]),
                fontsize=6,
                ha="center",
                color="#444",
            )
        for n in nodes:
            x, y = where[n["state"]]
            face = colour[n["ends"][0]] if n["ends"] else (0.85, 0.85, 0.85, 1.0)
            ring = bool(n["equilibrium_under"])
            ax.scatter(
                [x],
                [y],
                s=520,
                color=face,
                edgecolors="black" if ring else "none",
                linewidths=2.4 if ring else 0,
                zorder=3,
            )
            label = str(n["state"]) + (" (SQ)" if n["status_quo"] else "")
            ax.text(x, y, label, ha="center", va="center", fontsize=7, zorder=4)
            if ring:
                ax.text(x, y - 0.32, ", ".join(n["equilibrium_under"]), ha="center", fontsize=6)
        for e in ends:
            ax.scatter([], [], color=colour[e], s=60, label=e)
        ax.scatter(
            [],
            [],
            color="white",
            edgecolors="black",
            linewidths=2,
            s=60,
            label="equilibrium (concepts below)",
        )
        if ends or nodes:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
        ax.set_xticks(sorted(by_depth), [str(d) for d in sorted(by_depth)])
        ax.set_xlabel("unilateral improvements from the status quo (SQ)")
        ax.set_yticks([])
        ax.grid(visible=False)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(-0.5, max(by_depth, default=0) + 0.5)
        ax.set_ylim(-tall / 2 - 0.3, tall / 2 + 0.3)
        ax.set_title(title, loc="left")
        fig.tight_layout()
    return fig


def conflict_agreement_figure(agreement: Any) -> Figure:
    """Heat map: how alike each pair of decision makers judges the others' moves."""
    ids = [d.id for d in agreement.conflict.decision_makers]
    matrix = agreement.matrix()
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        size = 2.5 + 0.45 * len(ids)
        fig, ax = plt.subplots(figsize=(size + 1.5, size))
        image = ax.imshow(np.ma.masked_invalid(matrix), cmap="RdYlGn", vmin=0, vmax=1)
        ax.set_xticks(range(len(ids)), ids, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(ids)), ids, fontsize=7)
        ax.grid(visible=False)
        for i in range(len(ids)):
            for j in range(len(ids)):
                v = matrix[i, j]
                ax.text(
                    j, i, "—" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=6
                )
        fig.colorbar(image, ax=ax, label="share of the moves both care about judged alike")
        ax.set_title("graph model: how alike pairs judge the others' moves", loc="left")
        fig.tight_layout()
    return fig
