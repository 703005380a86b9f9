"""Figures with one consistent style; each actor keeps its colour across figures.

All figures are drawn with matplotlib's headless Agg backend (no display needed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
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
    "intervals_figure",
    "issue_trajectories_figure",
    "models_figure",
    "outcome_bars_figure",
    "paths_figure",
    "position_map_figure",
    "reachability_figure",
    "safe_colour",
    "scenario_figure",
    "tornado_figure",
    "trajectories_figure",
    "trajectory_figure",
    "world_label",
]

STYLE: dict[str, Any] = {
    "figure.dpi": 110,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    # titles stay where they are put: matplotlib would otherwise measure every panel's
    # ticks at each drawing to lift a title over top tick labels, which no figure has
    "axes.titley": 1.0,
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
    if forecast.trajectory(issue_id) is None:
        raise ValueError(f"the {forecast.model} forecast has no rounds to draw")
    issue = scenario.issue(issue_id)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        _trajectory_panel(ax, scenario, forecast, issue_id)
        ax.set_title(f"{forecast.model}: {issue.name} ({scenario.name})", loc="left")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7)
        fig.tight_layout()
    return fig


def trajectories_figure(scenario: Scenario, forecast: Forecast) -> Figure:
    """One model's rounds on every issue it has rounds for: a panel per issue, one legend.

    Parameters
    ----------
    scenario : Scenario
        The scenario the forecast was made on (for names and scale).
    forecast : Forecast
        A forecast of a model that runs in rounds.
    """
    issues = [i for i in scenario.issues if forecast.trajectory(i.id) is not None]
    if not issues:
        raise ValueError(f"the {forecast.model} forecast has no rounds to draw")
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            len(issues), 1, figsize=(7.5, 1.4 + 2.3 * len(issues)), squeeze=False, sharex=True
        )
        for j, issue in enumerate(issues):
            ax = axes[j, 0]
            _trajectory_panel(ax, scenario, forecast, issue.id)
            ax.set_title(issue.name, loc="left", fontsize=9)
            ax.set_ylabel("position")
            if j < len(issues) - 1:
                ax.set_xlabel("")
        _legend_below(fig, axes[:, 0])
    return fig


def _legend_below(fig: Figure, axes: Any) -> None:
    """One legend under the panels, every label once, and the panels laid out above it."""
    legend: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend), loc="lower center", ncol=3, fontsize=7)
    legend_rows = -(-len(legend) // 3)  # about 0.16 in per row
    shared = axes[0].get_shared_x_axes().joined(axes[0], axes[-1]) if len(axes) > 1 else False
    _stack(fig, len(axes), gap=GAP_TITLE if shared else GAP_TICKS, bottom=0.62 + 0.16 * legend_rows)


GAP_TITLE = 0.35
"""Inches between stacked panels sharing their x axis: the lower panel's title."""
GAP_TICK_LABELS = 0.55
"""Inches between stacked panels with their own tick labels (no axis label) and a title."""
GAP_TICKS = 0.75
"""Inches between stacked panels with their own x axis: tick labels, axis label and title."""
MIN_PANEL = 0.8
"""Inches: the least height of a stacked panel."""


def _stack(fig: Figure, panels: int, gap: float, bottom: float = 0.5, top: float = 0.35) -> None:
    """Lay out a column of panels by fixed gaps (inches, for :data:`STYLE`'s font sizes).

    ``tight_layout`` measures every tick label of every panel, a third of drawing a figure
    of many panels; the outer margins need no measuring, since a figure is saved within its
    tight box (what sticks out is kept, blank margins are trimmed).
    """
    width, height = fig.get_size_inches()
    margins = top + bottom + gap * (panels - 1)
    if height - margins < MIN_PANEL * panels:  # a long legend below: the figure grows
        height = margins + MIN_PANEL * panels
        fig.set_size_inches(width, height)
    inner = height - margins
    fig.subplots_adjust(
        left=1.0 / width,
        right=1 - 0.2 / width,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / (inner / panels),
    )


def _trajectory_panel(ax: Any, scenario: Scenario, forecast: Forecast, issue_id: str) -> None:
    path = forecast.trajectory(issue_id)
    assert path is not None
    issue = scenario.issue(issue_id)
    rounds = np.arange(path.positions.shape[0])
    colours = actor_colours(scenario.actor_ids)
    styles = {"median": ("-", 2.6), "forecast": ("-", 2.6), "mean": ("--", 1.6)}
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
        legend = fig.legend(loc="lower center", ncol=3, fontsize=7)
        for handle in legend.legend_handles:  # one marker size in the key: areas are data
            handle.set_sizes([40])  # type: ignore[union-attr]
        legend_rows = -(-scenario.n_actors // 3)
        _stack(fig, scenario.n_issues, GAP_TICK_LABELS, bottom=0.45 + 0.16 * legend_rows)
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
        _stack(fig, scenario.n_issues, GAP_TICK_LABELS, bottom=0.35)
    return fig


def world_label(group: Sequence[str | None]) -> str:
    """``baseline = no-strike = sadr-stays``: the worlds of one group, by name."""
    return " = ".join(w or "baseline" for w in group)


def intervals_figure(ensembles: Sequence[Any]) -> Figure:
    """Each model's forecast under input uncertainty, per issue and branch.

    The median (dot), the middle half (thick) and the 5–95% range (thin); branches whose
    draws equal the baseline's share its row.
    """
    scenario = ensembles[0].scenario
    rows = [(e, g) for e in ensembles for g in e.distinct_worlds()]
    colours = {e.model: safe_colour(k) for k, e in enumerate(ensembles)}
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            scenario.n_issues,
            1,
            figsize=(7.5, 0.9 + scenario.n_issues * (0.55 + 0.2 * len(rows))),
            squeeze=False,
        )
        for j, issue in enumerate(scenario.issues):
            ax = axes[j, 0]
            for r, (e, group) in enumerate(rows):
                p05, p25, p50, p75, p95 = np.percentile(
                    e.forecasts[group[0]][:, j], [5, 25, 50, 75, 95]
                )
                colour = colours[e.model]
                ax.plot([p05, p95], [r, r], color=colour, lw=1.2)
                ax.plot([p25, p75], [r, r], color=colour, lw=5, solid_capstyle="butt")
                ax.plot(p50, r, "o", color="black", ms=3.5)
            ax.set_yticks(
                range(len(rows)), [f"{e.model} · {world_label(g)}" for e, g in rows], fontsize=7
            )
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_xlim(issue.min, issue.max)
            ax.set_title(f"{issue.name} ({ensembles[0].draws} draws)", loc="left", fontsize=9)
            ax.grid(axis="y", visible=False)
        axes[-1, 0].set_xlabel("forecast: median (dot), middle half (thick), 5–95% (thin)")
        _stack(fig, scenario.n_issues, GAP_TICK_LABELS, bottom=0.55)
    return fig


def tornado_figure(
    scenario: Scenario,
    model: str,
    swings: Mapping[str, Sequence[tuple[str, float, float]]],
    base: Mapping[str, float],
    top: int = 8,
) -> Figure:
    """Sensitivity tornados, a panel per issue, inputs by name.

    The forecast with each input at the ends of its range (the others at their point
    values), the ``top`` widest swings per issue.
    """
    from stratagem.uncertainty.sampling import input_label

    panels = [
        (scenario.issue(i), [r for r in rows if r[2] != r[1]][:top][::-1])
        for i, rows in swings.items()
    ]
    panels = [(issue, rows) for issue, rows in panels if rows]
    if not panels:
        raise ValueError(f"no input moves the {model} forecast: nothing to draw")
    heights = [0.7 + 0.26 * len(rows) for _, rows in panels]
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            len(panels),
            1,
            figsize=(7.5, 0.5 + sum(heights)),
            squeeze=False,
            gridspec_kw={"height_ratios": heights},
        )
        for (issue, rows), ax in zip(panels, axes[:, 0], strict=True):
            centre = base[issue.id]
            for k, (_name, lo, hi) in enumerate(rows):
                ax.barh(k, hi - centre, left=centre, color=SAFE_COLOURS[5], alpha=0.85)
                ax.barh(k, lo - centre, left=centre, color=SAFE_COLOURS[4], alpha=0.85)
            ax.axvline(centre, color="black", lw=1)
            labels = [input_label(scenario, r[0]).removesuffix(f" on {issue.name}") for r in rows]
            ax.set_yticks(range(len(rows)), labels, fontsize=7)
            ax.set_title(
                f"{model} forecast on {issue.name} (at the point values: {centre:.1f})",
                loc="left",
                fontsize=9,
            )
            ax.grid(axis="y", visible=False)
        axes[-1, 0].set_xlabel(
            "forecast with the input at the top (vermilion) and bottom (blue) of its range"
        )
        _stack(fig, len(panels), GAP_TICK_LABELS, bottom=0.55)
    return fig


def compatibility_figure(result: Any) -> Figure:
    """Heat map of the combined strategic compatibility of every pair of actors, by name."""
    sc = result.scenario
    names = [a.name for a in sc.actors]
    return _heat_map(
        result.combined,
        names,
        "compatibility (0 opposed, 1 compatible)",
        "strategic compatibility of every pair of actors",
    )


def _heat_map(matrix: Any, names: Sequence[str], label: str, title: str) -> Figure:
    """A square 0–1 heat map with its values written in (— where undefined)."""
    n = len(names)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        size = 2.5 + 0.45 * n
        fig, ax = plt.subplots(figsize=(size + 2.0, size))
        # cividis: ordered for readers with any colour vision deficiency, and in grey
        image = ax.imshow(np.ma.masked_invalid(matrix), cmap="cividis", vmin=0, vmax=1)
        ax.set_xticks(range(n), names, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(n), names, fontsize=7)
        ax.grid(visible=False)
        if n <= 20:
            for i in range(n):
                for j in range(n):
                    v = float(matrix[i, j])
                    ax.text(
                        j,
                        i,
                        "—" if np.isnan(v) else f"{v:.2f}",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="black" if np.isnan(v) or v > 0.55 else "white",
                    )
        fig.colorbar(image, ax=ax, label=label)
        ax.set_title(title, loc="left")
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
    """Heat map: how alike each pair of decision makers judges the others' moves, by name."""
    names = [d.label.split(" (")[0] for d in agreement.conflict.decision_makers]
    return _heat_map(
        agreement.matrix(),
        names,
        "share of the moves both care about judged alike",
        "graph model: how alike pairs judge the others' moves",
    )


def position_map_figure(scenario: Scenario, forecasts: Sequence[Forecast]) -> Figure:
    """Where every actor stands on each issue, every model's forecast marked.

    Marker area: capability; colour: salience; one line style per model; a panel per issue.
    """
    n = scenario.n_issues
    columns = min(3, n)
    rows = -(-n // columns)
    names = [a.name for a in scenario.actors]
    top = float(scenario.capability.max()) or 1.0
    styles = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1)), (0, (3, 1, 1, 1))]
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            rows,
            columns,
            figsize=(4.2 * columns, 1.4 + rows * (0.8 + 0.32 * scenario.n_actors)),
            squeeze=False,
            sharey=True,
        )
        for j, issue in enumerate(scenario.issues):
            ax = axes[j // columns, j % columns]
            shown = scenario.has_position[:, j]
            ys = np.arange(scenario.n_actors)[shown]
            ax.scatter(
                scenario.positions[shown, j],
                ys,
                s=30 + 400 * scenario.capability[shown, j] / top,
                c=scenario.salience[shown, j],
                cmap="cividis",
                vmin=0,
                vmax=1,
                edgecolor="black",
                linewidth=0.5,
                zorder=3,
            )
            for m, f in enumerate(forecasts):
                if issue.id in f.issues:
                    ax.axvline(
                        f.issues[issue.id].forecast,
                        color="black",
                        ls=styles[m % len(styles)],
                        lw=1.2,
                        label=f.model if j == 0 else None,
                    )
            ax.set_xlim(issue.min, issue.max)
            ax.set_title(issue.name, loc="left", fontsize=9)
            ax.set_yticks(range(scenario.n_actors), names, fontsize=7)
            ax.set_ylim(scenario.n_actors - 0.5, -0.5)
        for j in range(n, rows * columns):
            axes[j // columns, j % columns].set_visible(False)
        # salience in the legend, not a colour bar: the figure stays a plain grid of panels
        cmap = plt.get_cmap("cividis")
        keys = [
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                markerfacecolor=cmap(v),
                markeredgecolor="black",
                label=f"salience {v:g}",
            )
            for v in (0.25, 0.5, 0.75, 1.0)
        ]
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(
            [*handles, *keys],
            [*labels, *(str(k.get_label()) for k in keys)],
            loc="lower center",
            ncol=min(6, len(handles) + len(keys)),
            fontsize=7,
        )
        fig.suptitle(
            "Positions (marker area: capability; colour: salience) and the models' forecasts "
            "(lines)",
            x=0.01,
            ha="left",
            fontsize=9,
        )
        fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig


def issue_trajectories_figure(
    scenario: Scenario, forecasts: Sequence[Forecast], issue_id: str
) -> Figure:
    """One issue round by round in every model that runs in rounds (a panel per model)."""
    dynamic = [f for f in forecasts if f.trajectory(issue_id) is not None]
    if not dynamic:
        raise ValueError("no forecast has rounds to draw on this issue")
    issue = scenario.issue(issue_id)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(
            len(dynamic), 1, figsize=(7.5, 1.4 + 2.6 * len(dynamic)), squeeze=False
        )
        for ax, f in zip(axes[:, 0], dynamic, strict=True):
            _trajectory_panel(ax, scenario, f, issue_id)
            ax.set_title(f"{f.model}: {issue.name}", loc="left", fontsize=9)
        _legend_below(fig, axes[:, 0])
    return fig


def outcome_bars_figure(ensemble: Any) -> Figure:
    """Each named end's probability per branch, with its 95% (Wilson) interval.

    Branches whose draws equal the baseline's share its bar.
    """
    from stratagem.analysis.bottom_line import wilson_interval

    groups = ensemble.distinct_worlds()
    names = [o.name for o in ensemble.scenario.outcomes]
    for group in groups:
        names += [n for n in ensemble.outcome_probabilities(group[0]) if n not in names]
    height = 0.8 / len(groups)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.3 * len(names) * len(groups)))
        for g, group in enumerate(groups):
            probabilities = ensemble.outcome_probabilities(group[0])
            ps = np.array([probabilities.get(n, 0.0) for n in names])
            bounds = np.array([wilson_interval(p, ensemble.draws) for p in ps])
            ys = np.arange(len(names)) + g * height
            ax.barh(
                ys,
                ps,
                height=height,
                color=safe_colour(g),
                xerr=np.abs(bounds.T - ps),
                error_kw={"lw": 0.8, "capsize": 2},
                label=world_label(group),
            )
        ax.set_yticks(np.arange(len(names)) + 0.4 - height / 2, names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"probability ({ensemble.draws:,} draws; bars: 95% interval)")
        ax.set_title(f"{ensemble.model}: the named ends by branch", loc="left")
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
        fig.tight_layout()
    return fig
