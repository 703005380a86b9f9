"""Uncertain inputs and how perturbed copies of a scenario are drawn.

Every input an analyst gives is an estimate. An input is uncertain when the scenario gives
it as a distribution (``{triangular: [lo, mode, hi]}``, ``{normal: [mean, sd]}`` truncated
to the valid range, ``{uniform: [lo, hi]}``) or when the scenario (or the command line)
sets a default spread: a triangular distribution of half-width ``position`` (issue units),
``salience`` (absolute) or ``capability`` (a fraction of the value) around the point value,
cut to the valid range.

Draws are arrays with a leading draw axis — positions, saliences and capabilities of shape
``(n, actors, issues)`` — so models with a batched entry point run them without building
scenario objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stratagem.scenario import Distribution, Scenario

__all__ = [
    "Draws",
    "UncertainInput",
    "apply_branch",
    "draws_from_columns",
    "input_label",
    "sample",
    "uncertain_inputs",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: where it is and how it varies.

    ``issue`` is -1 for an actor-wide capability (it applies to every issue without a
    per-issue override).
    """

    name: str
    actor: int
    issue: int
    field: str
    distribution: Distribution
    lo: float
    hi: float

    @property
    def bounds(self) -> tuple[float, float]:
        """A finite range covering the distribution (normal: ±2 sd), for sensitivity analysis."""
        d = self.distribution
        if d.kind == "normal":
            mean, sd = d.params
            return max(self.lo, mean - 2 * sd), min(self.hi, mean + 2 * sd)
        return d.params[0], d.params[-1]


@dataclass(frozen=True)
class Draws:
    """Perturbed inputs, each ``(n, actors, issues)``."""

    positions: FloatArray
    salience: FloatArray
    capability: FloatArray

    @property
    def n(self) -> int:
        """Number of draws."""
        return int(self.positions.shape[0])

    def take(self, rows: slice | npt.NDArray[np.int64]) -> Draws:
        """A subset of the draws."""
        return Draws(self.positions[rows], self.salience[rows], self.capability[rows])


def _spread_distribution(
    fieldname: str, x: float, spread: float, lo: float, hi: float
) -> Distribution:
    half = spread * abs(x) if fieldname == "capability" else spread
    a, b = max(lo, x - half), min(hi, x + half)
    return Distribution("triangular", (a, x, b))


def uncertain_inputs(
    scenario: Scenario, spread: Mapping[str, float] | None = None
) -> list[UncertainInput]:
    """Every uncertain input of the scenario (explicit distributions, then default spreads).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    spread : mapping, optional
        Default spreads overriding the scenario's own (``position``, ``salience``,
        ``capability``); a value of 0 turns one off.
    """
    spreads = {**scenario.spread, **(spread or {})}
    out: list[UncertainInput] = []
    for k, actor in enumerate(scenario.actors):
        key = (actor.id, "", "capability")
        dist = scenario.uncertainty.get(key)
        if dist is None and spreads.get("capability", 0) > 0:
            dist = _spread_distribution(
                "capability", actor.capability, spreads["capability"], 0.0, np.inf
            )
        if dist is not None:
            out.append(
                UncertainInput(f"{actor.id}.capability", k, -1, "capability", dist, 0.0, np.inf)
            )
        for j, issue in enumerate(scenario.issues):
            value = scenario.values.get((actor.id, issue.id))
            if value is None:
                continue
            for fname, x, lo, hi in (
                ("position", value.position, issue.min, issue.max),
                ("salience", value.salience, 0.0, 1.0),
                ("capability", value.capability, 0.0, np.inf),
            ):
                if x is None:
                    continue
                dist = scenario.uncertainty.get((actor.id, issue.id, fname))
                if dist is None and fname != "capability" and spreads.get(fname, 0) > 0:
                    dist = _spread_distribution(fname, x, spreads[fname], lo, hi)
                if dist is not None:
                    out.append(
                        UncertainInput(f"{actor.id}.{issue.id}.{fname}", k, j, fname, dist, lo, hi)
                    )
    return out


def _draw(dist: Distribution, lo: float, hi: float, n: int, rng: np.random.Generator) -> FloatArray:
    p = dist.params
    if dist.kind == "uniform":
        return rng.uniform(p[0], p[1], n) if p[1] > p[0] else np.full(n, p[0])
    if dist.kind == "triangular":
        return rng.triangular(p[0], p[1], p[2], n) if p[2] > p[0] else np.full(n, p[1])
    mean, sd = p
    if sd == 0:
        return np.full(n, mean)
    from scipy.special import ndtr, ndtri

    # truncated to [lo, hi] by inverting the normal CDF on the kept mass
    a = ndtr((lo - mean) / sd) if np.isfinite(lo) else 0.0
    b = ndtr((hi - mean) / sd) if np.isfinite(hi) else 1.0
    u = rng.uniform(a, b, n)
    return np.asarray(np.clip(mean + sd * ndtri(u), lo, hi), dtype=np.float64)


def draws_from_columns(scenario: Scenario, inputs: list[UncertainInput], x: FloatArray) -> Draws:
    """Draws whose uncertain inputs take the values in the columns of ``x`` (a row per draw).

    Column ``k`` is ``inputs[k]``; every other input keeps its point value. An actor-wide
    capability applies to every issue without a per-issue override.
    """
    n = x.shape[0]
    pos = np.repeat(scenario.positions[None], n, axis=0)
    sal = np.repeat(scenario.salience[None], n, axis=0)
    cap = np.repeat(scenario.capability[None], n, axis=0)
    overridden = {(a, i) for (a, i), v in scenario.values.items() if v.capability is not None}
    for col, u in enumerate(inputs):
        if u.field == "position":
            pos[:, u.actor, u.issue] = x[:, col]
        elif u.field == "salience":
            sal[:, u.actor, u.issue] = x[:, col]
        elif u.issue >= 0:
            cap[:, u.actor, u.issue] = x[:, col]
        else:
            actor_id = scenario.actors[u.actor].id
            for j, issue in enumerate(scenario.issues):
                if (actor_id, issue.id) not in overridden:
                    cap[:, u.actor, j] = x[:, col]
    return Draws(pos, sal, cap)


def sample(
    scenario: Scenario, inputs: list[UncertainInput], n: int, rng: np.random.Generator
) -> Draws:
    """``n`` perturbed copies of the scenario's inputs (one stream, inputs in order)."""
    columns = [_draw(u.distribution, u.lo, u.hi, n, rng) for u in inputs]
    x = np.column_stack(columns) if columns else np.empty((n, 0))
    return draws_from_columns(scenario, inputs, x)


def apply_branch(scenario: Scenario, branch: str | None, draws: Draws) -> tuple[Scenario, Draws]:
    """The branch's scenario, and the draws with the branch's changed inputs set in every draw.

    Common random numbers: every draw keeps its perturbation of the inputs the branch does
    not change, so branch and baseline are compared on the same draws.
    """
    if branch is None:
        return scenario, draws
    changed = scenario.with_branch(branch)
    pos, sal, cap = draws.positions.copy(), draws.salience.copy(), draws.capability.copy()
    for base, new, arr in (
        (scenario.positions, changed.positions, pos),
        (scenario.salience, changed.salience, sal),
        (scenario.capability, changed.capability, cap),
    ):
        cells = base != new
        arr[:, cells] = new[cells]
    return changed, Draws(pos, sal, cap)


def input_label(scenario: Scenario, name: str) -> str:
    """An uncertain input's name in words.

    ``us.iraq_order.salience`` → "United States: salience on Iraq's political order"; a
    name the scenario does not know is returned as is.
    """
    parts = name.split(".")
    try:
        actor = scenario.actor(parts[0]).name
        if len(parts) == 2 and parts[1] == "capability":
            return f"{actor}: capability"
        if len(parts) == 3:
            return f"{actor}: {parts[2]} on {scenario.issue(parts[1]).name}"
    except KeyError:
        pass
    return name
