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

from stratagem.results import Forecast
from stratagem.scenario import Scenario

if TYPE_CHECKING:
    from stratagem.results import Ensemble

__all__ = [
    "Section",
    "Sentence",
    "concert",
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"title": self.title, "sentences": [s.to_dict() for s in self.sentences]}


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
        where = ", ".join(f"{i} {fmt(v.forecast)}" for i, v in f.issues.items())
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
    named = Counter(f.outcome for f in forecasts if f.outcome)
    if named and len(forecasts) > 1:
        best, count = named.most_common(1)[0]
        out.append(
            Sentence(
                f"{count} of {len(forecasts)} models point to '{best}'.",
                {"outcome": best, "count": count, "models": len(forecasts)},
            )
        )
    return out


def movements(scenario: Scenario, forecast: Forecast) -> list[Sentence]:
    """Per issue, who moves furthest in a dynamic model's run, and toward whom."""
    out = []
    for issue in scenario.issues:
        trajectory = forecast.trajectory(issue.id)
        if trajectory is None:
            continue
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


def pivotal(scenario: Scenario, model: str = "compromise") -> list[Sentence]:
    """Per issue, the actor whose absence would move the forecast most (leave one out)."""
    from stratagem.models import get

    spec = get(model)
    base = spec.run(scenario).positions()
    out = []
    for issue in scenario.issues:
        j = scenario.issue_index(issue.id)
        best: tuple[float, str, float] | None = None
        for k, actor in enumerate(scenario.actors):
            if not scenario.has_position[k, j] or scenario.has_position[:, j].sum() < 2:
                continue
            values = {key: v for key, v in scenario.values.items() if key != (actor.id, issue.id)}
            stays = any(a == actor.id for a, _ in values)
            without = scenario.evolve(
                actors=tuple(a for a in scenario.actors if stays or a.id != actor.id),
                values=values,
                uncertainty={},
                events=(),
                branches=(),
            )
            if spec.unavailable(without) is not None:
                continue
            value = spec.run(without).positions()[issue.id]
            change = abs(value - base[issue.id])
            if best is None or change > best[0]:
                best = (change, actor.id, value)
        if best is None:
            continue
        change, actor_id, value = best
        name = _names(scenario)[actor_id]
        out.append(
            Sentence(
                f"On {issue.name}, {name} is pivotal under the {model} model: without it the "
                f"forecast would be {fmt(value)} instead of {fmt(base[issue.id])}.",
                {
                    "issue": issue.id,
                    "actor": actor_id,
                    "model": model,
                    "without": value,
                    "forecast": base[issue.id],
                },
            )
        )
    return out


def concert(
    scenario: Scenario,
    forecast: Forecast,
    start_gap: float = 0.25,
    end_gap: float = 0.02,
    limit: int = 5,
) -> list[Sentence]:
    """Pairs that start far apart on an issue and end together in a dynamic model's run."""
    found = []
    for issue in scenario.issues:
        trajectory = forecast.trajectory(issue.id)
        if trajectory is None:
            continue
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
    for branch in (b for b in ensemble.forecasts if b is not None):
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
                f"The {model} forecast on {issue.name} moves most with {name}: from {fmt(lo)} to "
                f"{fmt(hi)} across its range.",
                {"issue": issue.id, "model": model, "input": name, "low": lo, "high": hi},
            )
        )
    return out


def tacit(scenario: Scenario, result: Any, limit: int = 5) -> list[Sentence]:
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


def games(scenario: Scenario, model: str = "compromise") -> list[Sentence]:
    """Per issue, the stance game between the two weightiest actors: its pure equilibria."""
    from stratagem.games.normal import from_scenario, pure_equilibria, weightiest_actors

    out = []
    names = _names(scenario)
    for j, issue in enumerate(scenario.issues):
        actors = weightiest_actors(scenario, issue.id)
        top = [scenario.actor_index(a) for a in actors]
        if len(top) < 2 or not scenario.has_position[top, j].all():
            continue
        game = from_scenario(scenario.evolve(events=(), branches=()), actors, issue.id, model)
        found = [" / ".join(game.profile_label(p)) for p in pure_equilibria(game)]
        held = "hold / hold" in found
        listed = "; ".join(found) if found else "none"
        out.append(
            Sentence(
                f"On {issue.name}, if {names[actors[0]]} and {names[actors[1]]} each concede, hold "
                f"or escalate before the {model} model settles it, the pure equilibria are: "
                f"{listed}; both holding is {'' if held else 'not '}one.",
                {
                    "issue": issue.id,
                    "players": actors,
                    "model": model,
                    "equilibria": found,
                    "hold_hold": held,
                },
            )
        )
    return out


def narrative(
    scenario: Scenario,
    forecasts: Sequence[Forecast],
    ensembles: Sequence[Ensemble] = (),
    swings: Mapping[str, Mapping[str, Sequence[tuple[str, float, float]]]] | None = None,
    compatibility: Any = None,
) -> list[Section]:
    """All sections for a report, from whatever results exist."""
    sections = [Section("Where the models point", tuple(outcomes(scenario, forecasts)))]
    dynamic = [f for f in forecasts if any("offers" in v.details for v in f.issues.values())]
    moves = [s for f in dynamic for s in movements(scenario, f)]
    if moves:
        sections.append(Section("Who moves, and toward whom", tuple(moves)))
    if any(f.model == "compromise" for f in forecasts):
        sections.append(Section("Who is pivotal", tuple(pivotal(scenario))))
    together = [s for f in dynamic for s in concert(scenario, f)]
    if together:
        sections.append(Section("Who ends up acting in concert", tuple(together)))
    if scenario.n_actors >= 2 and scenario.n_actors <= 100:
        played = games(scenario)
        if played:
            sections.append(Section("The game between the two weightiest actors", tuple(played)))
    if compatibility is not None:
        pairs = tacit(scenario, compatibility)
        if pairs:
            sections.append(Section("Tacit coalitions", tuple(pairs)))
    risk = [s for e in ensembles for s in uncertainty(e)]
    if risk:
        sections.append(Section("Under uncertainty", tuple(risk)))
    if swings:
        sens = [s for model, sw in swings.items() for s in sensitivity(scenario, model, sw)]
        if sens:
            sections.append(Section("What the forecast depends on", tuple(sens)))
    return sections
