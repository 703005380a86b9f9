"""Pivotal actors: per issue, the actor whose absence would move a model's forecast most.

Leave one out: for each actor taking a position on an issue, the model runs on the
scenario without that actor's stance on the issue (the actor leaves the scenario if the
issue was its only one); the pivotal actor is the one whose absence moves the forecast
furthest. Events and branches are left out of these runs (they may name the actor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratagem.models import get
from stratagem.scenario import Scenario

__all__ = ["Pivot", "pivotal_actors"]


@dataclass(frozen=True)
class Pivot:
    """The pivotal actor on one issue under one model."""

    issue: str
    actor: str
    model: str
    forecast: float
    without: float

    @property
    def shift(self) -> float:
        """How far the forecast moves without the actor."""
        return abs(self.without - self.forecast)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "issue": self.issue,
            "actor": self.actor,
            "model": self.model,
            "forecast": self.forecast,
            "without": self.without,
        }


def pivotal_actors(scenario: Scenario, model: str = "compromise") -> list[Pivot]:
    """Per issue (with two or more actors), the pivotal actor under ``model``."""
    spec = get(model)
    base = spec.run(scenario).positions()
    out = []
    for issue in scenario.issues:
        j = scenario.issue_index(issue.id)
        if scenario.has_position[:, j].sum() < 2:
            continue
        best: Pivot | None = None
        for k, actor in enumerate(scenario.actors):
            if not scenario.has_position[k, j]:
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
            pivot = Pivot(issue.id, actor.id, model, base[issue.id], value)
            if best is None or pivot.shift > best.shift:
                best = pivot
        if best is not None:
            out.append(best)
    return out
