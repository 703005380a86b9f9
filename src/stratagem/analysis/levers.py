r"""Levers: what it would take to change the forecast — whom to persuade, by how much.

For a model, a target end (an outcome to reach, or to leave) and the inputs of the actors —
each one's capability, and per issue its position and salience — the analysis finds:

* **single levers**: for every input, the value nearest to its own at which the model's
  forecast falls in the target, ranked by the size of the change;
* **combinations**: two or three inputs of different actors moved together, each a
  fraction :math:`t` of the way to its own single lever, at the smallest :math:`t` that
  reaches the target (a ray search: the combined size is :math:`t \sum_k \mathrm{size}_k`);
* **marginal effects**: per input and issue, the central difference
  :math:`(F_i(x + h) - F_i(x - h)) / 2h` of the forecast :math:`F_i` of issue :math:`i`, in
  shares of the issue's range per unit of the input's scale (who is pivotal, which way);
* **levers under uncertainty**: with draws, the smallest shift of one input (applied to
  every draw: common random numbers, so candidates are compared on the same draws) that
  raises the probability of the target to a given level.

Every single lever and combination is verified by a plain run of the model on the changed
scenario; one that does not reproduce its target is not reported.

In the models whose forecast is piecewise constant in an input (weighted median, Condorcet
winner), a marginal effect is a jump: it is non-zero only where the forecast changes hands
within :math:`\pm h`, and then it is that jump divided by :math:`2h` — read it as "this input
is pivotal here", not as a slope.

Search
------
All inputs are searched at once: every input's grid of :data:`GRID` values on each side of
its own (out to the ends of its valid range; capabilities up to :data:`CAPABILITY_REACH`
times the scenario's total) is one batch of the model — one vectorised call where the model
has a batched entry point. Between the last grid value that misses the target and the first
that meets it, every bracket is refined together, :data:`REFINE` points at a time, until it
is narrower than :data:`TOLERANCE` of the input's scale. The scan finds the nearest crossing
on the grid whether or not the forecast is monotone in the input (a narrower excursion
between two grid values that both miss can be missed). Models without a batched entry point
(the spatial and exchange models) are scanned on :data:`COARSE_GRID` values per side and
their brackets bisected, since for them every evaluation costs a run; the exchange model
runs its compiled engine in a search where numba is installed (identical runs, faster).

Size of a change
----------------
So that levers of different inputs compare, a change is measured on each input's scale:

* a position: the share of the issue's range it moves, :math:`|\Delta x| / (x_{max} - x_{min})`;
* a salience: its own change on [0, 1], :math:`|\Delta s|`;
* a capability: the share of the scenario's total capability it moves,
  :math:`|\Delta c| / \sum_k c_k`.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.jsonable import plain
from stratagem.models import applicable as applicable_specs
from stratagem.models import get
from stratagem.parallel import fork_map, threads_started
from stratagem.results import NO_OUTCOME
from stratagem.scenario import CHANGE_FIELDS, Change, Scenario
from stratagem.uncertainty.montecarlo import forecast_draws
from stratagem.uncertainty.sampling import Draws, sample, uncertain_inputs

__all__ = [
    "CAPABILITY_REACH",
    "COARSE_GRID",
    "GRID",
    "REFINE",
    "TOLERANCE",
    "Combination",
    "Effect",
    "Lever",
    "LeverAnalysis",
    "ProbabilityLever",
    "levers",
    "possessive",
    "single_levers",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
GRID = 24
"""Grid values scanned on each side of an input's own value (batched models)."""
COARSE_GRID = 4
"""Grid values per side for models without a batched entry point (refined by bisection)."""
REFINE = 16
"""Points per refinement of a bracket."""
TOLERANCE = 1e-3
"""The refinement stops when the change is known to this share of the input's scale."""
CAPABILITY_REACH = 2.0
"""A capability is searched up to this many times the scenario's total capability."""
EFFECT_STEP = 0.02
"""The half-step :math:`h` of the marginal effects, as a share of the input's scale."""
CANDIDATES = 6
"""Inputs (the smallest single levers) combined two and three at a time."""


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
        """The lever in words: "raise Iraqi popular revolt's capability from 20 to 41"."""
        actor = possessive(scenario.actor(self.actor).name)
        verb = "raise" if self.value > self.start else "lower"
        where = f" on {scenario.issue(self.issue).name}" if self.issue else ""
        if self.field == "position":
            verb = "move"
        return f"{verb} {actor} {self.field}{where} from {_fmt(self.start)} to {_fmt(self.value)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``from`` and ``to`` for ``start`` and ``value``)."""
        return _record(self, start="from", value="to")


@dataclass(frozen=True)
class Combination:
    """Inputs of different actors moved together, each ``fraction`` of its single lever."""

    changes: tuple[Lever, ...]  # each with the value actually used
    fraction: float
    size: float
    outcome: str
    model: str

    def words(self, scenario: Scenario) -> str:
        """The combination in words."""
        return " and ".join(lv.words(scenario) for lv in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "changes": [lv.to_dict() for lv in self.changes],
            "fraction": self.fraction,
            "size": self.size,
            "outcome": self.outcome,
            "model": self.model,
        }


@dataclass(frozen=True)
class Effect:
    """The marginal effect of one input on one issue's forecast.

    ``slope``: the change of the forecast, in shares of the issue's range, per unit of the
    input's scale (a position moved by its issue's whole range, a salience by 1, a
    capability by the scenario's total).
    """

    actor: str
    field: str
    issue: str | None
    on: str
    slope: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return _record(self)


@dataclass(frozen=True)
class ProbabilityLever:
    """The smallest shift of one input that raises the target's probability to ``level``."""

    actor: str
    field: str
    issue: str | None
    start: float
    shift: float
    size: float
    probability: float
    base_probability: float
    model: str

    def words(self, scenario: Scenario) -> str:
        """The lever in words."""
        actor = possessive(scenario.actor(self.actor).name)
        where = f" on {scenario.issue(self.issue).name}" if self.issue else ""
        verb = "raise" if self.shift > 0 else "lower"
        return (
            f"{verb} {actor} {self.field}{where} by {_fmt(abs(self.shift))} (from "
            f"{_fmt(self.start)}) in every draw"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``from`` for ``start``)."""
        return _record(self, start="from")


def _outcome_code(names: Sequence[str], target: str) -> int:
    """The code :meth:`Scenario.classify_all` gives ``target`` (the catch-all comes last)."""
    return names.index(target) if target in names else len(names)


def _for_many_runs(spec: Any, given: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters of a model asked for hundreds of runs.

    A model with an ``engine`` parameter (the exchange model) runs compiled where numba is
    installed, unless asked otherwise: its engines give identical runs, and the kernel
    compiles once per installation.
    """
    out = dict(given or {})
    has_engine = any(p.name == "engine" for p in spec.params)
    if has_engine and "engine" not in out and importlib.util.find_spec("numba") is not None:
        out["engine"] = "compiled"
    return out


def _record(item: Any, **renamed: str) -> dict[str, Any]:
    """A dataclass's fields as a JSON-ready dict, some keys renamed."""
    return {renamed.get(f.name, f.name): getattr(item, f.name) for f in dataclasses.fields(item)}


def possessive(name: str) -> str:
    """``"Iraqi popular revolt's"``, ``"Pro-Iranian militias'"``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


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


def _with(scenario: Scenario, base: Draws, rows: Sequence[Sequence[tuple[_Input, float]]]) -> Draws:
    """Copies of ``base`` (one draw) with, in row ``r``, every input of ``rows[r]`` set."""
    n = len(rows)
    pos = np.repeat(base.positions[:1], n, axis=0)
    sal = np.repeat(base.salience[:1], n, axis=0)
    cap = np.repeat(base.capability[:1], n, axis=0)
    for r, moves in enumerate(rows):
        for u, value in moves:
            _put(scenario, u, pos, sal, cap, np.array([r]), np.array([value]))
    return Draws(pos, sal, cap)


def _put(
    scenario: Scenario,
    u: _Input,
    pos: FloatArray,
    sal: FloatArray,
    cap: FloatArray,
    rows: npt.NDArray[np.int64],
    values: FloatArray,
) -> None:
    if u.field == "position":
        pos[rows, u.actor, u.issue] = values
    elif u.field == "salience":
        sal[rows, u.actor, u.issue] = values
    else:
        actor = scenario.actors[u.actor].id
        for j, issue in enumerate(scenario.issues):
            value = scenario.values.get((actor, issue.id))
            if value is None or value.capability is None:
                cap[rows, u.actor, j] = values


# rows per worker below which one process runs them all (forking costs about 20 ms)
_ROWS_PER_WORKER = {"batched": 2_000, "one by one": 2}


def _forecasts_in_parallel(
    scenario: Scenario, model: str, params: dict[str, Any], draws: Draws, seed: int
) -> FloatArray:
    """:func:`forecast_draws` with every row at the same seed, split between the cores.

    The rows go to forked workers (:func:`stratagem.parallel.fork_map`), each computing
    the same numbers as one process would, row by row.
    """
    spec = get(model)
    least = _ROWS_PER_WORKER["batched" if spec.batch is not None else "one by one"]
    # a model whose run uses every core runs them all here; so does one with threads of its
    # own once this process has started numba's (GNU OpenMP), as a forked worker could not
    # run its kernel
    kernel_here = spec.uses_every_core(scenario) or (
        spec.multicore is not False and threads_started()
    )
    workers = 1 if kernel_here else min(os.cpu_count() or 1, draws.n // least)
    if workers <= 1:
        return forecast_draws(scenario, model, params, draws, seed=seed, vary_seed=False)
    parts = np.array_split(np.arange(draws.n), workers)
    results = fork_map(
        lambda rows: forecast_draws(
            scenario, model, params, draws.take(rows), seed=seed, vary_seed=False
        ),
        parts,
        workers,
    )
    return np.vstack(results)


class _Search:
    """One model's target test over batches of changed inputs (counting its evaluations)."""

    def __init__(
        self,
        scenario: Scenario,
        model: str,
        params: dict[str, Any],
        seed: int,
        code: int,
        leave: bool,
    ) -> None:
        self.scenario, self.model, self.params, self.seed = scenario, model, params, seed
        self.code, self.leave = code, leave
        self.point = Draws(
            scenario.positions[None], scenario.salience[None], scenario.capability[None]
        )
        self.evaluations = 0

    def hits(self, forecasts: FloatArray) -> BoolArray:
        found: BoolArray = self.scenario.classify_all(forecasts) == self.code
        return ~found if self.leave else found

    def forecasts(self, draws: Draws) -> FloatArray:
        self.evaluations += draws.n
        return _forecasts_in_parallel(self.scenario, self.model, self.params, draws, self.seed)

    def test(self, rows: Sequence[tuple[_Input, float]]) -> BoolArray:
        if not rows:
            return np.zeros(0, dtype=bool)
        moves = [[row] for row in rows]
        return self.hits(self.forecasts(_with(self.scenario, self.point, moves)))


def _scan(
    search: _Search, inputs: Sequence[_Input], grid: int, tolerance: float, refine: int = REFINE
) -> list[float | None]:
    """For every input at once, the value nearest its own that meets the target (or None).

    Each bracket is refined ``refine`` parts at a time (2: bisection, the cheapest for a
    model that runs draw by draw).
    """
    rows: list[tuple[_Input, float]] = []
    index: list[tuple[int, int, int]] = []  # (input, side, step)
    for i, u in enumerate(inputs):
        for side, end in enumerate((u.lo, u.hi)):
            if end == u.start:
                continue
            values = u.start + (end - u.start) * np.arange(1, grid + 1) / grid
            values[-1] = end
            for k, v in enumerate(np.clip(values, u.lo, u.hi)):
                rows.append((u, float(v)))
                index.append((i, side, k))
    met = search.test(rows)
    # per input and side, the bracket (outside, inside) around the first grid value that meets
    brackets: dict[tuple[int, int], list[float]] = {}
    previous: dict[tuple[int, int], float] = {}
    for (i, side, _k), (_u, v), ok in zip(index, rows, met, strict=True):
        key = (i, side)
        if key in brackets:
            continue
        if ok:
            brackets[key] = [previous.get(key, inputs[i].start), v]
        previous[key] = v
    while True:
        open_keys = [
            key
            for key, (outside, inside) in brackets.items()
            if abs(inside - outside) > tolerance * inputs[key[0]].scale
        ]
        if not open_keys:
            break
        rows = []
        for key in open_keys:
            outside, inside = brackets[key]
            for t in np.arange(1, refine) / refine:
                rows.append((inputs[key[0]], float(outside + (inside - outside) * t)))
        met = search.test(rows).reshape(len(open_keys), refine - 1)
        for key, ok, chunk in zip(open_keys, met, _chunks(rows, refine - 1), strict=True):
            outside, inside = brackets[key]
            first = int(np.argmax(ok)) if ok.any() else None
            if first is None:
                brackets[key] = [chunk[-1][1], inside]
            else:
                brackets[key] = [chunk[first - 1][1] if first > 0 else outside, chunk[first][1]]
    out: list[float | None] = []
    for i, u in enumerate(inputs):
        found = [brackets[(i, side)][1] for side in (0, 1) if (i, side) in brackets]
        out.append(min(found, key=lambda v: abs(v - u.start)) if found else None)
    return out


def _chunks(rows: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [rows[k : k + size] for k in range(0, len(rows), size)]


def _validate(
    scenario: Scenario, target: str, fields: Sequence[str], actors: Sequence[str] | None
) -> list[str]:
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
        Problem("actors", f"unknown actor {a!r}; actors: {', '.join(scenario.actor_ids)}")
        for a in chosen
        if a not in scenario.actor_ids
    ]
    if problems:
        raise InvalidInputError(problems)
    return chosen


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
    grid: int | None = None,
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
    grid : int, optional
        Grid values scanned on each side of an input's own value (default :data:`GRID`,
        or :data:`COARSE_GRID` for a model without a batched entry point).
    tolerance : float
        The refinement stops when the change is known to this share of the input's scale.

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
    chosen = _validate(scenario, target, fields, actors)
    spec = get(model)
    resolved = spec.prepare(scenario, _for_many_runs(spec, params))
    found, _search = _singles(
        scenario, spec, resolved, seed, target, leave, fields, chosen, issues, grid, tolerance
    )
    return found


def _singles(
    scenario: Scenario,
    spec: Any,
    resolved: dict[str, Any],
    seed: int,
    target: str,
    leave: bool,
    fields: Sequence[str],
    actors: Sequence[str],
    issues: Sequence[str] | None,
    grid: int | None,
    tolerance: float,
) -> tuple[list[Lever], _Search]:
    names = [o.name for o in scenario.outcomes]
    code = _outcome_code(names, target)
    search = _Search(scenario, spec.name, resolved, seed, code, leave)
    base = spec.run(scenario, resolved, seed=seed)
    start = np.array([[base.issues[i].forecast for i in scenario.issue_ids]])
    if search.hits(start)[0]:
        return [], search
    where = list(issues) if issues is not None else list(scenario.issue_ids)
    inputs = _inputs(scenario, fields, actors, where)
    batched = spec.batch is not None
    steps = grid if grid is not None else (GRID if batched else COARSE_GRID)
    values = _scan(search, inputs, steps, tolerance, REFINE if batched else 2)
    out = []
    for u, value in zip(inputs, values, strict=True):
        if value is None:
            continue
        lever = _verified(scenario, spec, resolved, seed, [(u, value)], names)
        if lever is not None and (lever[0].outcome != target) == leave:
            out.append(lever[0])
    return sorted(out, key=lambda lv: (lv.size, lv.actor, lv.field, lv.issue or "")), search


def _verified(
    scenario: Scenario,
    spec: Any,
    params: dict[str, Any],
    seed: int,
    moves: Sequence[tuple[_Input, float]],
    names: list[str],
) -> list[Lever] | None:
    """The levers of ``moves``, checked together by a plain run of the changed scenario."""
    changes = []
    for u, value in moves:
        actor = scenario.actors[u.actor].id
        issue = scenario.issues[u.issue].id if u.issue >= 0 else None
        changes.append(Change(actor, u.field, value, issue))  # type: ignore[arg-type]
    try:
        changed = scenario.apply(changes)
    except InvalidInputError:
        return None
    outcome = spec.run(changed, params, seed=seed).outcome or NO_OUTCOME
    return [
        Lever(
            ch.actor,
            ch.field,
            ch.issue,
            float(u.start),
            float(value),
            abs(value - u.start) / u.scale,
            outcome,
            spec.name,
        )
        for ch, (u, value) in zip(changes, moves, strict=True)
    ]


def _combinations(
    search: _Search,
    scenario: Scenario,
    spec: Any,
    resolved: dict[str, Any],
    seed: int,
    target: str,
    leave: bool,
    singles: Sequence[Lever],
    inputs: dict[tuple[str, str, str | None], _Input],
    most: int,
) -> list[Combination]:
    """Two and three inputs of different actors, each moved part of the way to its lever."""
    names = [o.name for o in scenario.outcomes]
    candidates = singles[:CANDIDATES]
    groups = [
        group
        for r in range(2, most + 1)
        for group in itertools.combinations(candidates, r)
        if len({lv.actor for lv in group}) == r
    ]
    fractions = np.arange(1, REFINE + 1) / REFINE
    rows: list[list[tuple[_Input, float]]] = []
    for group in groups:
        for t in fractions:
            rows.append(
                [
                    (inputs[(lv.actor, lv.field, lv.issue)], lv.start + t * (lv.value - lv.start))
                    for lv in group
                ]
            )
    if not rows:
        return []
    met = search.hits(search.forecasts(_with(scenario, search.point, rows)))
    met = met.reshape(len(groups), REFINE)
    out = []
    for group, ok in zip(groups, met, strict=True):
        if not ok.any():
            continue
        t = float(fractions[int(np.argmax(ok))])
        if t >= 1.0 and len(group) > 1:
            # needs every single lever in full: no smaller than its smallest member alone
            continue
        moves = [
            (inputs[(lv.actor, lv.field, lv.issue)], lv.start + t * (lv.value - lv.start))
            for lv in group
        ]
        checked = _verified(scenario, spec, resolved, seed, moves, names)
        if checked is None or (checked[0].outcome != target) != leave:
            continue
        size = float(sum(lv.size for lv in checked))
        if size >= min(lv.size for lv in group):
            continue  # a combination is worth reporting only when it is smaller
        out.append(Combination(tuple(checked), t, size, checked[0].outcome, spec.name))
    return sorted(out, key=lambda c: c.size)


def _effects(search: _Search, scenario: Scenario, inputs: Sequence[_Input]) -> list[Effect]:
    """The marginal effect of every input on every issue (central differences, one batch)."""
    rows: list[tuple[_Input, float]] = []
    steps = []
    for u in inputs:
        h = EFFECT_STEP * u.scale
        lo, hi = max(u.lo, u.start - h), min(u.hi, u.start + h)
        rows += [(u, lo), (u, hi)]
        steps.append((hi - lo) / u.scale)
    if not rows:
        return []
    forecasts = search.forecasts(_with(scenario, search.point, [[r] for r in rows]))
    forecasts = forecasts.reshape(len(inputs), 2, -1)
    ranges = np.array([i.range for i in scenario.issues])
    out = []
    for u, f, step in zip(inputs, forecasts, steps, strict=True):
        if step <= 0:
            continue
        slopes = (f[1] - f[0]) / ranges / step
        for j, slope in enumerate(slopes):
            if abs(slope) > 1e-9:
                out.append(
                    Effect(
                        scenario.actors[u.actor].id,
                        u.field,
                        scenario.issues[u.issue].id if u.issue >= 0 else None,
                        scenario.issues[j].id,
                        float(slope),
                    )
                )
    return sorted(out, key=lambda e: -abs(e.slope))


def _probability_levers(
    scenario: Scenario,
    model: str,
    resolved: dict[str, Any],
    seed: int,
    code: int,
    leave: bool,
    level: float,
    draws: int,
    candidates: Sequence[_Input],
    directions: Sequence[int],
) -> tuple[float, list[ProbabilityLever]]:
    """For each candidate input, the smallest shift (in its direction) reaching ``level``."""
    uncertain = uncertain_inputs(scenario)
    base = sample(scenario, uncertain, draws, np.random.default_rng(seed))

    def probability(shifts: Sequence[tuple[_Input, float]]) -> FloatArray:
        n = len(shifts)
        pos = np.tile(base.positions, (n, 1, 1))
        sal = np.tile(base.salience, (n, 1, 1))
        cap = np.tile(base.capability, (n, 1, 1))
        for r, (u, shift) in enumerate(shifts):
            rows = np.arange(r * draws, (r + 1) * draws)
            current = {"position": pos, "salience": sal, "capability": cap}[u.field]
            column = current[rows, u.actor, max(u.issue, 0)]
            _put(scenario, u, pos, sal, cap, rows, np.clip(column + shift, u.lo, u.hi))
        forecasts = _forecasts_in_parallel(scenario, model, resolved, Draws(pos, sal, cap), seed)
        found = scenario.classify_all(forecasts) == code
        met = ~found if leave else found
        return np.asarray(met.reshape(n, draws).mean(axis=1), dtype=float)

    start = float(probability([(candidates[0], 0.0)])[0]) if candidates else 0.0
    out = []
    if start >= level:
        return start, []
    rows = []
    for u, sign in zip(candidates, directions, strict=True):
        reach = (u.hi if sign > 0 else u.lo) - u.start
        rows += [(u, reach * t) for t in np.arange(1, COARSE_GRID + 1) / COARSE_GRID]
    if not rows:
        return start, []
    p = probability(rows).reshape(len(candidates), COARSE_GRID)
    for u, sign, row in zip(candidates, directions, p, strict=True):
        if not (row >= level).any():
            continue
        reach = (u.hi if sign > 0 else u.lo) - u.start
        k = int(np.argmax(row >= level))
        outside, inside = (k / COARSE_GRID) * reach, ((k + 1) / COARSE_GRID) * reach
        for _ in range(2):  # two refinements: 1/REFINE² of a grid step
            ts = outside + (inside - outside) * np.arange(1, REFINE) / REFINE
            got = probability([(u, float(t)) for t in ts])
            first = int(np.argmax(got >= level)) if (got >= level).any() else None
            if first is None:
                outside = float(ts[-1])
            else:
                inside, outside = float(ts[first]), float(ts[first - 1]) if first else outside
        reached = float(probability([(u, inside)])[0])
        out.append(
            ProbabilityLever(
                scenario.actors[u.actor].id,
                u.field,
                scenario.issues[u.issue].id if u.issue >= 0 else None,
                float(u.start),
                float(inside),
                abs(inside) / u.scale,
                reached,
                start,
                model,
            )
        )
    return start, sorted(out, key=lambda lv: lv.size)


@dataclass(frozen=True)
class LeverAnalysis:
    """What it would take to make (or unmake) an end: per model, its levers.

    ``singles``, ``combinations``, ``effects`` and ``probability_levers`` are keyed by
    model; ``base_outcomes`` is each model's forecast end before any change; ``seconds`` what
    each model's search took and ``evaluations`` how many model runs it used; ``params`` the
    parameters each model ran with (all resolved), so that a rerun reproduces the search.
    """

    scenario: Scenario
    target: str
    leave: bool
    models: tuple[str, ...]
    base_outcomes: dict[str, str]
    singles: dict[str, tuple[Lever, ...]]
    combinations: dict[str, tuple[Combination, ...]] = field(default_factory=dict)
    effects: dict[str, tuple[Effect, ...]] = field(default_factory=dict)
    probability_levers: dict[str, tuple[ProbabilityLever, ...]] = field(default_factory=dict)
    base_probability: dict[str, float] = field(default_factory=dict)
    level: float | None = None
    draws: int = 0
    seed: int = 0
    branch: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    evaluations: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    budget: float | None = None

    def sentences(self) -> list[str]:
        """The levers in words, per model, smallest first."""
        sc = self.scenario
        aim = f"leave '{self.target}'" if self.leave else f"make '{self.target}' the forecast"
        out = []
        for m in self.models:
            if (self.base_outcomes[m] == self.target) != self.leave:
                out.append(f"{m}: the forecast already is {self.base_outcomes[m]!r}.")
                continue
            singles = self.singles.get(m, ())
            if not singles:
                out.append(
                    f"{m}: no single input, moved anywhere in its range, would {aim} "
                    f"(forecast: '{self.base_outcomes[m]}')."
                )
            else:
                best = singles[0]
                out.append(
                    f"{m}: to {aim}, the smallest single change is to {best.words(sc)} "
                    f"(size {best.size:.3f}); {len(singles)} single lever"
                    f"{'' if len(singles) == 1 else 's'} in all."
                )
            for combo in self.combinations.get(m, ())[:1]:
                out.append(f"{m}: together, {combo.words(sc)} (size {combo.size:.3f}) would do it.")
            for lever in self.probability_levers.get(m, ())[:1]:
                out.append(
                    f"{m}: under uncertainty ({self.draws} draws), {lever.words(sc)} raises the "
                    f"probability from {lever.base_probability:.2f} to {lever.probability:.2f}."
                )
        out += list(self.notes)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        from stratagem import __version__

        return {
            "scenario": self.scenario.name,
            "branch": self.branch,
            "target": self.target,
            "leave": self.leave,
            "models": list(self.models),
            "base_outcomes": self.base_outcomes,
            "singles": {m: [lv.to_dict() for lv in v] for m, v in self.singles.items()},
            "combinations": {m: [c.to_dict() for c in v] for m, v in self.combinations.items()},
            "effects": {m: [e.to_dict() for e in v] for m, v in self.effects.items()},
            "probability": {
                "level": self.level,
                "draws": self.draws,
                "base": self.base_probability,
                "levers": {
                    m: [lv.to_dict() for lv in v] for m, v in self.probability_levers.items()
                },
            },
            "seed": self.seed,
            "params": plain(self.params),
            "budget": self.budget,
            "seconds": self.seconds,
            "evaluations": self.evaluations,
            "sentences": self.sentences(),
            "notes": list(self.notes),
            "version": __version__,
        }


def levers(
    scenario: Scenario,
    target: str,
    models: Sequence[str] | None = None,
    actors: Sequence[str] | None = None,
    fields: Sequence[str] = CHANGE_FIELDS,
    branch: str | None = None,
    leave: bool = False,
    combinations: int = 3,
    level: float | None = None,
    draws: int = 0,
    seed: int = 0,
    params: dict[str, dict[str, Any]] | None = None,
    budget: float | None = None,
) -> LeverAnalysis:
    """What it would take: the single levers, combinations and marginal effects per model.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    target : str
        A named outcome (or ``"(no named outcome)"``).
    models : sequence of str, optional
        Default every model that applies.
    actors, fields
        Whose inputs, and which (default every actor; position, salience, capability).
    branch : str, optional
        Search in the branch's world.
    leave : bool
        Search for what would make the forecast leave the target instead.
    combinations : int
        The most inputs combined (1: none).
    level : float, optional
        With ``draws``: the probability of the target to reach under uncertainty (default
        0.5); searched for the models with a batched entry point.
    draws, seed
        Draws of the uncertain inputs (0: no search under uncertainty), and the seed of the
        draws and of stochastic models.
    params : mapping of model to parameters, optional
        Model parameters.
    budget : float, optional
        Report only single levers and combinations of at most this size (on the inputs'
        scales, see the module's notes).

    Returns
    -------
    LeverAnalysis
        Per model: the single levers (smallest first), combinations, marginal effects and
        levers under uncertainty, with the parameters, seed and version that reproduce them.

    Raises
    ------
    InvalidInputError
        If the target, a model, a field or an actor is unknown, ``level`` is not in (0, 1],
        or ``budget`` is not positive.

    Examples
    --------
    >>> import stratagem
    >>> found = stratagem.levers(stratagem.load(), "open war", models=["compromise"])
    >>> found.models
    ('compromise',)
    """
    world = scenario.with_branch(branch)
    chosen_actors = _validate(world, target, fields, actors)
    applicable = [spec.name for spec in applicable_specs(world)]
    chosen = list(models) if models else list(applicable)
    unknown = [m for m in chosen if m not in applicable]
    if unknown:
        raise InvalidInputError(
            [
                Problem("model", f"{m!r} does not apply here; models: {', '.join(applicable)}")
                for m in unknown
            ]
        )
    if level is not None and not 0.0 < level <= 1.0:
        raise InvalidInputError([Problem("level", f"must be in (0, 1], got {level}")])
    if budget is not None and not budget > 0.0:
        raise InvalidInputError([Problem("budget", f"must be positive, got {budget}")])
    within = budget if budget is not None else float("inf")
    names = [o.name for o in world.outcomes]
    code = _outcome_code(names, target)
    out: dict[str, Any] = {
        k: {} for k in ("singles", "combinations", "effects", "probability", "base_p", "base")
    }
    seconds, evaluations, notes = {}, {}, []
    used: dict[str, dict[str, Any]] = {}
    for m in chosen:
        began = time.perf_counter()
        spec = get(m)
        resolved = spec.prepare(world, _for_many_runs(spec, (params or {}).get(m)))
        used[m] = dict(resolved)
        base = spec.run(world, resolved, seed=seed)
        out["base"][m] = base.outcome or NO_OUTCOME
        singles, search = _singles(
            world,
            spec,
            resolved,
            seed,
            target,
            leave,
            fields,
            chosen_actors,
            None,
            None,
            TOLERANCE,
        )
        out["singles"][m] = tuple(lv for lv in singles if lv.size <= within)
        inputs = {
            (
                world.actors[u.actor].id,
                u.field,
                world.issues[u.issue].id if u.issue >= 0 else None,
            ): u
            for u in _inputs(world, fields, chosen_actors, list(world.issue_ids))
        }
        if combinations > 1 and singles:
            out["combinations"][m] = tuple(
                c
                for c in _combinations(
                    search,
                    world,
                    spec,
                    resolved,
                    seed,
                    target,
                    leave,
                    singles,
                    inputs,
                    combinations,
                )
                if c.size <= within
            )
        out["effects"][m] = tuple(_effects(search, world, list(inputs.values())))
        if draws:
            if spec.batch is None:
                notes.append(
                    f"{m}: levers under uncertainty are searched only for models with a "
                    "batched entry point (too slow otherwise)"
                )
            else:
                candidates, directions = _directions(singles, out["effects"][m], inputs)
                p0, found = _probability_levers(
                    world,
                    m,
                    resolved,
                    seed,
                    code,
                    leave,
                    level or 0.5,
                    draws,
                    candidates,
                    directions,
                )
                out["base_p"][m] = p0
                out["probability"][m] = tuple(found)
        seconds[m] = time.perf_counter() - began
        evaluations[m] = search.evaluations
    return LeverAnalysis(
        scenario=world,
        target=target,
        leave=leave,
        models=tuple(chosen),
        base_outcomes=out["base"],
        singles=out["singles"],
        combinations=out["combinations"],
        effects=out["effects"],
        probability_levers=out["probability"],
        base_probability=out["base_p"],
        level=(level or 0.5) if draws else None,
        draws=draws,
        seed=seed,
        branch=branch,
        seconds=seconds,
        evaluations=evaluations,
        notes=tuple(notes),
        params=used,
        budget=budget,
    )


def _directions(
    singles: Sequence[Lever],
    effects: Sequence[Effect],
    inputs: dict[tuple[str, str, str | None], _Input],
) -> tuple[list[_Input], list[int]]:
    """The inputs to push under uncertainty, and which way.

    Single levers first, then the largest marginal effects (both ways, as the effect's sign
    alone does not say which way the target lies).
    """
    chosen: list[_Input] = []
    signs: list[int] = []
    for lv in singles[:CANDIDATES]:
        chosen.append(inputs[(lv.actor, lv.field, lv.issue)])
        signs.append(1 if lv.value > lv.start else -1)
    seen = {(lv.actor, lv.field, lv.issue) for lv in singles[:CANDIDATES]}
    for e in effects:
        if len(chosen) >= 2 * CANDIDATES:
            break
        key = (e.actor, e.field, e.issue)
        if key in seen:
            continue
        seen.add(key)
        for sign in (1, -1):
            chosen.append(inputs[key])
            signs.append(sign)
    return chosen, signs
