r"""Levers: the smallest change of one input that makes a named outcome the forecast.

For one model, a target end (an outcome to reach, or to leave), and every input of every
actor — its capability, and per issue its position and salience — the search finds the
value nearest to the input's own at which the model's forecast falls in the target, and
verifies it with a plain run of the model on the changed scenario.

Search
------
Each input is scanned on a grid of :data:`GRID` values on each side of its own, out to the
ends of its valid range (capabilities: up to :data:`CAPABILITY_REACH` times the scenario's
total), the model evaluating the whole grid at once where it has a batched entry point;
between the last grid value that misses the target and the first that meets it, a bisection
narrows the change to :data:`TOLERANCE` of the input's scale. The scan finds the nearest
crossing whether or not the forecast is monotone in the input (a finer crossing between two
grid values that both miss can be missed; the grid is dense enough for the shipped cases).

Size of a change
----------------
So that levers of different inputs compare, a change is measured on each input's scale:

* a position: the share of the issue's range it moves, :math:`|\Delta x| / (x_{max} - x_{min})`;
* a salience: its own change on [0, 1], :math:`|\Delta s|`;
* a capability: the share of the scenario's total capability it moves,
  :math:`|\Delta c| / \sum_k c_k`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.models import get
from stratagem.results import NO_OUTCOME
from stratagem.scenario import CHANGE_FIELDS, Change, Scenario
from stratagem.uncertainty.montecarlo import forecast_draws
from stratagem.uncertainty.sampling import Draws

__all__ = ["CAPABILITY_REACH", "GRID", "TOLERANCE", "Lever", "single_levers"]

FloatArray = npt.NDArray[np.float64]
GRID = 24
"""Grid values scanned on each side of an input's own value."""
TOLERANCE = 1e-3
"""The bisection stops when the change is known to this share of the input's scale."""
CAPABILITY_REACH = 2.0
"""A capability is searched up to this many times the scenario's total capability."""


@dataclass(frozen=True)
class Lever:
    """One input changed enough to make the target outcome the forecast.

    ``issue`` is ``None`` for an actor's capability. ``size`` is the change on the input's
    scale (see the module's notes); ``outcome`` is what the changed scenario's forecast is.
    """

    actor: str
    field: str
    issue: str | None
    start: float
    value: float
    size: float
    outcome: str
    model: str

    def change(self) -> Change:
        """The change that pulls the lever."""
        return Change(self.actor, self.field, self.value, self.issue)  # type: ignore[arg-type]

    def words(self, scenario: Scenario) -> str:
        """The lever in words: "raise the revolt's capability from 20 to 41"."""
        actor = scenario.actor(self.actor).name
        verb = "raise" if self.value > self.start else "lower"
        where = f" on {scenario.issue(self.issue).name}" if self.issue else ""
        if self.field == "position":
            verb = "move"
        return f"{verb} {actor}'s {self.field}{where} from {_fmt(self.start)} to {_fmt(self.value)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "actor": self.actor,
            "field": self.field,
            "issue": self.issue,
            "from": self.start,
            "to": self.value,
            "size": self.size,
            "outcome": self.outcome,
            "model": self.model,
        }


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


@dataclass(frozen=True)
class _Input:
    actor: int
    issue: int  # -1: the actor-wide capability
    field: str
    start: float
    lo: float
    hi: float
    scale: float


def _inputs(
    scenario: Scenario, fields: Sequence[str], actors: Sequence[str], issues: Sequence[str]
) -> list[_Input]:
    total = float(np.sum([a.capability for a in scenario.actors])) or 1.0
    out = []
    for k, actor in enumerate(scenario.actors):
        if actor.id not in actors:
            continue
        if "capability" in fields:
            out.append(
                _Input(k, -1, "capability", actor.capability, 0.0, CAPABILITY_REACH * total, total)
            )
        for j, issue in enumerate(scenario.issues):
            value = scenario.values.get((actor.id, issue.id))
            if value is None or issue.id not in issues:
                continue
            if "position" in fields:
                out.append(
                    _Input(k, j, "position", value.position, issue.min, issue.max, issue.range)
                )
            if "salience" in fields:
                out.append(_Input(k, j, "salience", value.salience, 0.0, 1.0, 1.0))
    return out


def _set(scenario: Scenario, u: _Input, values: FloatArray) -> Draws:
    """``len(values)`` copies of the scenario's inputs with input ``u`` set to each value."""
    n = len(values)
    pos = np.repeat(scenario.positions[None], n, axis=0)
    sal = np.repeat(scenario.salience[None], n, axis=0)
    cap = np.repeat(scenario.capability[None], n, axis=0)
    if u.field == "position":
        pos[:, u.actor, u.issue] = values
    elif u.field == "salience":
        sal[:, u.actor, u.issue] = values
    else:
        actor = scenario.actors[u.actor].id
        for j, issue in enumerate(scenario.issues):
            value = scenario.values.get((actor, issue.id))
            if value is None or value.capability is None:
                cap[:, u.actor, j] = values
    return Draws(pos, sal, cap)


def single_levers(
    scenario: Scenario,
    model: str,
    target: str,
    leave: bool = False,
    fields: Sequence[str] = CHANGE_FIELDS,
    actors: Sequence[str] | None = None,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    issues: Sequence[str] | None = None,
    grid: int = GRID,
    tolerance: float = TOLERANCE,
) -> list[Lever]:
    """Every single-input lever that makes ``target`` the forecast (or, ``leave``, not).

    Parameters
    ----------
    scenario : Scenario
        The scenario (its branch already applied, if any).
    model : str
        The model whose forecast the lever changes.
    target : str
        A named outcome of the scenario (or ``"(no named outcome)"``).
    leave : bool
        Search for changes that make the forecast *leave* ``target`` instead.
    fields : sequence of {"position", "salience", "capability"}
        Which inputs to move.
    actors : sequence of str, optional
        Whose inputs to move (default every actor).
    params : dict, optional
        Model parameters.
    seed : int
        Seed of stochastic models (the same for every evaluation).
    issues : sequence of str, optional
        Whose positions and saliences to move (default every issue).
    grid : int
        Grid values scanned on each side of an input's own value.
    tolerance : float
        The bisection stops when the change is known to this share of the input's scale.

    Returns
    -------
    list of Lever
        Sorted by size, smallest first; each verified by a plain run. Empty when the
        forecast already is (``leave``: is not) the target.

    Raises
    ------
    InvalidInputError
        If the target is not one of the scenario's outcomes, or a field or actor is unknown.
    """
    names = [o.name for o in scenario.outcomes]
    problems = []
    if target not in (*names, NO_OUTCOME):
        known = ", ".join(repr(n) for n in names) or "none"
        problems.append(Problem("target", f"unknown outcome {target!r}; the outcomes: {known}"))
    problems += [
        Problem("fields", f"{f!r} is not one of {', '.join(CHANGE_FIELDS)}")
        for f in fields
        if f not in CHANGE_FIELDS
    ]
    chosen = list(actors) if actors is not None else list(scenario.actor_ids)
    problems += [
        Problem("actors", f"unknown actor {a!r}") for a in chosen if a not in scenario.actor_ids
    ]
    if problems:
        raise InvalidInputError(problems)
    spec = get(model)
    resolved = spec.prepare(scenario, params)
    code = names.index(target) if target in names else len(names)

    def hits(forecasts: FloatArray) -> npt.NDArray[np.bool_]:
        found: npt.NDArray[np.bool_] = scenario.classify_all(forecasts) == code
        return ~found if leave else found

    def hits_at(u: _Input) -> Callable[[FloatArray], npt.NDArray[np.bool_]]:
        def run(values: FloatArray) -> npt.NDArray[np.bool_]:
            draws = _set(scenario, u, values)
            return hits(
                forecast_draws(scenario, model, resolved, draws, seed=seed, vary_seed=False)
            )

        return run

    base = spec.run(scenario, resolved, seed=seed)
    start = np.array([[base.issues[i].forecast for i in scenario.issue_ids]])
    if hits(start)[0]:
        return []
    out = []
    where = list(issues) if issues is not None else list(scenario.issue_ids)
    for u in _inputs(scenario, fields, chosen, where):
        found = _nearest(u, hits_at(u), grid, tolerance)
        if found is None:
            continue
        lever = _verified(scenario, spec, resolved, seed, u, found, model, names)
        if lever is not None and (lever.outcome != target) == leave:
            out.append(lever)
    return sorted(out, key=lambda lv: (lv.size, lv.actor, lv.field, lv.issue or ""))


def _nearest(
    u: _Input,
    hits: Callable[[FloatArray], npt.NDArray[np.bool_]],
    steps: int = GRID,
    tolerance: float = TOLERANCE,
) -> float | None:
    """The value nearest to the input's own at which the target is met, if any."""
    best: float | None = None
    for end in (u.lo, u.hi):
        if end == u.start:
            continue
        grid = np.clip(u.start + (end - u.start) * np.arange(1, steps + 1) / steps, u.lo, u.hi)
        grid[-1] = end
        met = hits(grid)
        if not met.any():
            continue
        first = int(np.argmax(met))
        inside, outside = grid[first], (grid[first - 1] if first > 0 else u.start)
        while abs(inside - outside) > tolerance * u.scale:
            middle = np.array([(inside + outside) / 2.0])
            if hits(middle)[0]:
                inside = float(middle[0])
            else:
                outside = float(middle[0])
        if best is None or abs(inside - u.start) < abs(best - u.start):
            best = float(inside)
    return best


def _verified(
    scenario: Scenario,
    spec: Any,
    params: dict[str, Any],
    seed: int,
    u: _Input,
    value: float,
    model: str,
    names: list[str],
) -> Lever | None:
    """The lever, checked by running the model on the scenario with the change made."""
    actor = scenario.actors[u.actor].id
    issue = scenario.issues[u.issue].id if u.issue >= 0 else None
    try:
        changed = scenario.apply([Change(actor, u.field, value, issue)])  # type: ignore[arg-type]
    except InvalidInputError:
        return None
    outcome = spec.run(changed, params, seed=seed).outcome or NO_OUTCOME
    return Lever(
        actor,
        u.field,
        issue,
        float(u.start),
        float(value),
        abs(value - u.start) / u.scale,
        outcome,
        model,
    )
