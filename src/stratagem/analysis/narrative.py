"""A narrative drawn from computed results: every sentence states numbers the models produced.

Each :class:`Sentence` keeps the facts it was built from (``facts``), so a reader — or a
test — can check every figure against the results. No sentence here can be written
without running the models.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stratagem.analysis.bottom_line import BASELINE_MODELS, modal_end
from stratagem.analysis.findings import Findings
from stratagem.results import Forecast, Trajectory
from stratagem.scenario import Issue, Scenario
from stratagem.uncertainty.sampling import input_label

if TYPE_CHECKING:
    from stratagem.analysis.compatibility import Compatibility
    from stratagem.analysis.pivotal import Pivot
    from stratagem.conflict.analysis import ConflictAnalysis
    from stratagem.games.analysis import StanceGame
    from stratagem.results import Ensemble

__all__ = [
    "Section",
    "Sentence",
    "concert",
    "conflict",
    "games",
    "movements",
    "narrative",
    "outcomes",
    "pivotal",
    "sensitivity",
    "tacit",
    "uncertainty",
]


@dataclass(frozen=True)
class Sentence:
    """A sentence and the numbers (and names) it states."""

    text: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"text": self.text, "facts": dict(self.facts)}


@dataclass(frozen=True)
class Section:
    """A titled group of sentences."""

    title: str
    sentences: tuple[Sentence, ...]
    topic: str = ""
    """Where a report shows it: one of :data:`TOPICS` (empty: anywhere)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "title": self.title,
            "topic": self.topic,
            "sentences": [s.to_dict() for s in self.sentences],
        }


TOPICS = ("ends", "levers", "moves", "coalitions", "games")
"""The report sections narrative sections belong to, in the order a reader asks."""


def fmt(x: float) -> str:
    """Numbers as the narrative prints them (three significant digits, no exponent)."""
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _names(scenario: Scenario) -> dict[str, str]:
    return {a.id: a.name for a in scenario.actors}


def outcomes(scenario: Scenario, forecasts: Sequence[Forecast]) -> list[Sentence]:
    """Which named outcome each model points to, and how many agree."""
    out = []
    for f in forecasts:
        where = ", ".join(
            f"{scenario.issue(i).name} {fmt(v.forecast)}" for i, v in f.issues.items()
        )
        label = f"'{f.outcome}'" if f.outcome else "no named outcome"
        out.append(
            Sentence(
                f"The {f.model} model points to {label} ({where}).",
                {
                    "model": f.model,
                    "outcome": f.outcome,
                    "forecasts": {i: v.forecast for i, v in f.issues.items()},
                },
            )
        )
    counted = [f for f in forecasts if f.model not in BASELINE_MODELS]
    if scenario.outcomes and len(counted) > 1:
        best, count = modal_end(scenario, counted)
        left_out = len(forecasts) - len(counted)
        out.append(
            Sentence(
                f"{count} of {len(counted)} models point to '{best}'"
                + (" (the status-quo baseline left out)." if left_out else "."),
                {"outcome": best, "count": count, "models": len(counted)},
            )
        )
    return out


def _paths(scenario: Scenario, forecast: Forecast) -> list[tuple[Issue, Trajectory]]:
    """Each issue with the run's trajectory on it (none for a model without rounds)."""
    found = ((issue, forecast.trajectory(issue.id)) for issue in scenario.issues)
    return [(issue, path) for issue, path in found if path is not None]


def movements(scenario: Scenario, forecast: Forecast) -> list[Sentence]:
    """Per issue, who moves furthest in a dynamic model's run, and toward whom."""
    out = []
    for issue, trajectory in _paths(scenario, forecast):
        path, names = trajectory.positions, trajectory.names
        details = forecast.issues[issue.id].details
        moved = np.abs(path[-1] - path[0])
        k = int(np.argmax(moved))
        if moved[k] <= 1e-9 * issue.range:
            out.append(
                Sentence(
                    f"Under the {forecast.model} model nobody moves on {issue.name}.",
                    {"issue": issue.id, "model": forecast.model},
                )
            )
            continue
        toward = Counter(o["proposer"] for o in details.get("offers", []) if o["actor"] == names[k])
        total = sum(toward.values())
        text = (
            f"Under the {forecast.model} model, on {issue.name}, {names[k]} moves furthest, "
            f"from {fmt(path[0, k])} to {fmt(path[-1, k])}"
        )
        facts: dict[str, Any] = {
            "issue": issue.id,
            "model": forecast.model,
            "actor": names[k],
            "from": float(path[0, k]),
            "to": float(path[-1, k]),
        }
        if toward:
            who, n = toward.most_common(1)[0]
            text += f", mostly in offers from {who} ({n} of {total} moves)"
            facts.update({"toward": who, "moves_toward": n, "moves": total})
        out.append(Sentence(text + ".", facts))
    return out


def pivotal(scenario: Scenario, pivots: Sequence[Pivot]) -> list[Sentence]:
    """Per issue, the actor whose absence would move the forecast most (leave one out)."""
    names = _names(scenario)
    return [
        Sentence(
            f"On {scenario.issue(p.issue).name}, {names[p.actor]} is pivotal under the {p.model} "
            f"model: without it the forecast would be {fmt(p.without)} instead of "
            f"{fmt(p.forecast)}.",
            p.to_dict(),
        )
        for p in pivots
    ]


def concert(
    scenario: Scenario,
    forecast: Forecast,
    start_gap: float = 0.25,
    end_gap: float = 0.02,
    limit: int = 5,
) -> list[Sentence]:
    """Pairs that start far apart on an issue and end together in a dynamic model's run."""
    found = []
    for issue, trajectory in _paths(scenario, forecast):
        path, names = trajectory.positions, trajectory.names
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                before = abs(path[0, a] - path[0, b])
                after = abs(path[-1, a] - path[-1, b])
                if before >= start_gap * issue.range and after <= end_gap * issue.range:
                    found.append((before / issue.range, issue, names[a], names[b], before, after))
    found.sort(key=lambda r: -r[0])
    return [
        Sentence(
            f"{a} and {b} start {fmt(before)} apart on {issue.name} and end {fmt(after)} apart "
            f"under the {forecast.model} model.",
            {
                "issue": issue.id,
                "model": forecast.model,
                "actors": [a, b],
                "start_gap": float(before),
                "end_gap": float(after),
            },
        )
        for _, issue, a, b, before, after in found[:limit]
    ]


def uncertainty(ensemble: Ensemble) -> list[Sentence]:
    """The most likely outcome under input uncertainty, and what each branch changes."""
    probs = ensemble.outcome_probabilities()
    if not probs:
        return []
    best = max(probs, key=lambda k: probs[k])
    out = [
        Sentence(
            f"Over {ensemble.draws} draws of the uncertain inputs, the {ensemble.model} model "
            f"gives '{best}' a probability of {probs[best]:.2f}.",
            {
                "model": ensemble.model,
                "outcome": best,
                "probability": probs[best],
                "draws": ensemble.draws,
            },
        )
    ]
    # a branch the model does not see is said once, in the ensemble's notes
    unchanged = ensemble.unchanged_branches()
    for branch in (b for b in ensemble.branches if b not in unchanged):
        diff = ensemble.difference(branch)["outcomes"].get(best)
        if diff is None:
            continue
        p = ensemble.outcome_probabilities(branch).get(best, 0.0)
        lo, hi = diff["ci"]
        out.append(
            Sentence(
                f"With the branch {branch}, the probability of '{best}' under the "
                f"{ensemble.model} model is {p:.2f} ({diff['difference']:+.2f}; 95% interval "
                f"{lo:+.2f} to {hi:+.2f}).",
                {
                    "model": ensemble.model,
                    "branch": branch,
                    "outcome": best,
                    "probability": p,
                    "difference": diff["difference"],
                    "ci": [lo, hi],
                },
            )
        )
    return out


def sensitivity(
    scenario: Scenario, model: str, swings: Mapping[str, Sequence[tuple[str, float, float]]]
) -> list[Sentence]:
    """Per issue, the input whose range moves the forecast most."""
    out = []
    for issue in scenario.issues:
        rows = swings.get(issue.id) or []
        if not rows:
            continue
        name, lo, hi = rows[0]
        out.append(
            Sentence(
                f"The {model} forecast on {issue.name} moves most with "
                f"{input_label(scenario, name)}: from {fmt(lo)} to {fmt(hi)} across its range.",
                {"issue": issue.id, "model": model, "input": name, "low": lo, "high": hi},
            )
        )
    return out


def tacit(scenario: Scenario, result: Compatibility, limit: int = 5) -> list[Sentence]:
    """Pairs in concert on one issue although far apart on another (compatibility analysis)."""
    names = _names(scenario)
    out = []
    for t in result.tacit()[:limit]:
        a, b = t["actors"]
        d, e = scenario.issue(t["in_concert_on"]), scenario.issue(t["apart_on"])
        out.append(
            Sentence(
                f"{names[a]} and {names[b]} act in concert on {d.name} (compatibility "
                f"{t['concert']:.2f}) although far apart on {e.name} "
                f"(affinity {t['affinity']:.2f}).",
                dict(t),
            )
        )
    return out


def conflict(analysis: ConflictAnalysis, branch: str | None = None) -> list[Sentence]:
    """The graph model's findings, in sentences.

    The ends at equilibrium, the road from the status quo, coalitions, who judges whose
    moves alike, and the preference draws.
    """
    c = analysis.conflict
    world = branch or "baseline"  # the key of results.json's "conflict"
    where = f"With the branch {branch}, the" if branch else "The"
    names = {d.id: d.label for d in c.decision_makers}
    out = []
    eqs = {x: analysis.equilibria(x) for x in analysis.concepts}
    every = sorted({e for found in eqs.values() for e in found})
    out.append(
        Sentence(
            f"{where} graph model's conflict has {c.n_states} feasible states; "
            + "; ".join(
                f"{x}: {len(found)} equilibri{'um' if len(found) == 1 else 'a'}"
                for x, found in eqs.items()
            )
            + ".",
            {"conflict": world, "states": c.n_states, "equilibria": eqs},
        )
    )
    for end in c.ends:
        under = [x for x in analysis.concepts if analysis.ends_at_equilibria(x)[end.name]]
        out.append(
            Sentence(
                f"'{end.name}' ({end.when}) is an equilibrium under "
                + (", ".join(under) if under else "no concept")
                + ".",
                {"conflict": world, "end": end.name, "under": under},
            )
        )
    outside = [e for e in every if not c.ends_of(e - 1)]
    if c.ends and outside:
        out.append(
            Sentence(
                f"{len(outside)} of the {len(every)} equilibria are in none of the named ends: "
                + "; ".join(c.describe(e - 1) for e in outside[:3])
                + ("; …" if len(outside) > 3 else "")
                + ".",
                {"conflict": world, "outside_ends": outside},
            )
        )
    if analysis.start is not None:
        for name, (k, path) in analysis.reachable_ends().items():
            stable = [x for x in analysis.concepts if k + 1 in eqs[x]]
            out.append(
                Sentence(
                    f"From the status quo the conflict reaches '{name}' after {len(path.steps)} "
                    f"unilateral improvement(s)"
                    + (f" ({path.words(c)})" if 0 < len(path.steps) <= 2 else "")
                    + (
                        f"; it is stable there under {', '.join(stable)}."
                        if stable
                        else "; it is not stable there."
                    ),
                    {"conflict": world, "end": name, "state": k + 1, "moves": len(path.steps)},
                )
            )
    able = [f for f in analysis.coalitions if f.improvements]
    if analysis.coalitions:
        concept = analysis.coalitions[0].concept
        text = (
            f"No coalition of two or more ({len(analysis.coalitions)} tested) can leave a "
            f"{concept} equilibrium for a state all its members prefer."
            if not able
            else f"{len(able)} of {len(analysis.coalitions)} coalitions can leave a {concept} "
            "equilibrium for a state all their members prefer: "
            + "; ".join(" and ".join(names[d] for d in f.coalition) for f in able[:4])
            + "."
        )
        out.append(Sentence(text, {"conflict": world, "coalitions_able": len(able)}))
    agreement = analysis.agreement
    if agreement is not None and branch is None:
        ids = [d.id for d in c.decision_makers]
        for m, mover in enumerate(ids):
            unanimous = [
                (a, b)
                for i, a in enumerate(ids)
                for b in ids[i + 1 :]
                if mover not in (a, b)
                and agreement.opposed[ids.index(a), ids.index(b), m] == 0
                and agreement.aligned[ids.index(a), ids.index(b), m] > 0
            ]
            if unanimous:
                pairs = ", ".join(f"{names[a]} and {names[b]}" for a, b in unanimous)
                out.append(
                    Sentence(
                        f"Every move of {names[mover]} that both care about is judged alike by "
                        f"{pairs}.",
                        {"conflict": world, "mover": mover, "pairs": [list(p) for p in unanimous]},
                    )
                )
    drawn = analysis.draws
    if drawn is not None and c.ends:
        concept = drawn.concepts[0]
        shares = drawn.end_shares[concept]
        out.append(
            Sentence(
                f"Over {drawn.draws} draws of the uncertain preference statements (seed "
                f"{drawn.seed}), the share with a {concept} equilibrium in each end: "
                + ", ".join(f"'{n}' {fmt(v)}" for n, v in shares.items())
                + ".",
                {"conflict": world, "draws": drawn.draws, "concept": concept, "shares": shares},
            )
        )
    return out


def games(scenario: Scenario, played: Sequence[StanceGame]) -> list[Sentence]:
    """Per issue, the stance game between the two weightiest actors: its pure equilibria."""
    out = []
    names = _names(scenario)
    for game in played:
        found = [" / ".join(profile) for profile, _ in game.worlds[0].pure]
        held = "hold / hold" in found
        listed = "; ".join(found) if found else "none"
        a, b = game.actors[:2]
        out.append(
            Sentence(
                f"On {scenario.issue(game.issue).name}, if {names[a]} and {names[b]} each "
                f"concede, hold or escalate before the {game.model} model settles it, the pure "
                f"equilibria are: {listed}; both holding is {'' if held else 'not '}one."
                + "".join(f" {line}" for line in game.worlds[0].explanations()),
                {
                    "issue": game.issue,
                    "players": list(game.actors),
                    "model": game.model,
                    "equilibria": found,
                    "hold_hold": held,
                    "explanations": game.worlds[0].explanations(),
                },
            )
        )
    return out


def narrative(
    scenario: Scenario,
    forecasts: Sequence[Forecast],
    ensembles: Sequence[Ensemble] = (),
    swings: Mapping[str, Mapping[str, Sequence[tuple[str, float, float]]]] | None = None,
    found: Findings | None = None,
) -> list[Section]:
    """All sections for a report, from the results given (nothing is run here).

    Parameters
    ----------
    scenario : Scenario
        The scenario the results are of.
    forecasts : sequence of Forecast
        One per model.
    ensembles : sequence of Ensemble
        Simulations, one per model.
    swings : mapping, optional
        Tornado swings per model and issue (:func:`stratagem.uncertainty.sensitivity.tornado`).
    found : Findings, optional
        Compatibility, pivotal actors and stance games
        (:func:`stratagem.analysis.findings.findings`).
    """
    found = found or Findings()
    sections = [Section("Where the models point", tuple(outcomes(scenario, forecasts)), "ends")]
    with_offers = [f for f in forecasts if _has_offers(f)]
    moves = [s for f in with_offers for s in movements(scenario, f)]
    if moves:
        sections.append(Section("Who moves, and toward whom", tuple(moves), "moves"))
    if found.pivots:
        sections.append(Section("Who is pivotal", tuple(pivotal(scenario, found.pivots)), "levers"))
    together = [s for f in with_offers for s in concert(scenario, f)]
    if together:
        sections.append(Section("Who ends up acting in concert", tuple(together), "coalitions"))
    if found.games:
        sections.append(
            Section(
                "The game between the two weightiest actors",
                tuple(games(scenario, found.games)),
                "games",
            )
        )
    if found.compatibility is not None:
        pairs = tacit(scenario, found.compatibility)
        if pairs:
            sections.append(Section("Tacit coalitions", tuple(pairs), "coalitions"))
    for branch, analysed in found.conflicts:
        title = "The graph model" + (f": {branch}" if branch else "")
        sections.append(Section(title, tuple(conflict(analysed, branch)), "games"))
    risk = [s for e in ensembles for s in uncertainty(e)]
    risk += [
        Sentence(note[0].upper() + note[1:] + ".", {"model": e.model, "note": note})
        for e in ensembles
        for note in e.notes
    ]
    if risk:
        sections.append(Section("Under uncertainty", tuple(risk), "ends"))
    if swings:
        sens = [s for model, sw in swings.items() for s in sensitivity(scenario, model, sw)]
        if sens:
            sections.append(Section("What the forecast depends on", tuple(sens), "levers"))
    return sections


def _has_offers(forecast: Forecast) -> bool:
    """Whether the forecast's rounds record who moved toward whom (the EUM's offers)."""
    return any("offers" in v.details for v in forecast.issues.values())
