"""The public functions that bring library pieces together for one command each.

With the functions it re-exports as they are — ``stratagem.simulate``
(:func:`stratagem.uncertainty.montecarlo.simulate`), ``stratagem.sensitivity``
(:func:`stratagem.uncertainty.sensitivity.sensitivity`), ``stratagem.game``
(:func:`stratagem.games.analysis.stance_game`), ``stratagem.solve_game_file``
(:func:`stratagem.games.analysis.solve_file`) — :mod:`stratagem` has one function per
command of the command line, with the command's defaults: ``stratagem run`` is
:func:`forecast`, ``stratagem backtest`` is :func:`backtest`, and so on. The command line
parses its options, calls one of them and renders what it returns. Every result is frozen
and records how it was made; ``to_dict()`` gives what ``--json`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stratagem.errors import InvalidInputError, Problem
from stratagem.scenario import Scenario

if TYPE_CHECKING:
    from stratagem.analysis.compatibility import Compatibility
    from stratagem.conflict.analysis import ConflictAnalysis, MoveAgreement
    from stratagem.conflict.inverse import InverseResult
    from stratagem.conflict.model import Conflict
    from stratagem.results import Forecast, ForecastSet
    from stratagem.validation.backtest import BacktestResult

__all__ = [
    "CompatibilityAnalysis",
    "Conversion",
    "EmbeddedScenario",
    "Validation",
    "applicable_models",
    "backtest",
    "compatibility",
    "conflict_analysis",
    "conflict_inverse",
    "convert",
    "explain",
    "forecast",
    "input_limits",
    "registered_models",
    "run",
    "runs",
    "scenarios",
    "schema",
    "validate",
]


def applicable_models(scenario: Scenario) -> tuple[str, ...]:
    """The registered models that can run on ``scenario``, in registration order.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.applicable_models(stratagem.load())[:3]
    ('compromise', 'weighted-median', 'condorcet')
    """
    from stratagem import models

    return tuple(s.name for s in models.applicable(scenario))


def _calibrated(scenario: Scenario, forecasts: Sequence[Forecast], name: str) -> dict[str, Any]:
    from stratagem.validation.calibration import load

    table = load(name)
    lo = {i.id: i.min for i in scenario.issues}
    hi = {i.id: i.max for i in scenario.issues}
    models: dict[str, Any] = {}
    uncalibrated = []
    for f in forecasts:
        intervals = table.intervals(f.model, f.positions(), lo, hi)
        if intervals is None:
            uncalibrated.append(f.model)
        else:
            models[f.model] = {"half_widths": dict(table.models[f.model]), "issues": intervals}
    return {
        "name": table.name,
        "label": table.label,
        "source": dict(table.source),
        "models": models,
        "not_backtested": uncalibrated,
    }


@dataclass(frozen=True)
class Validation:
    """A scenario checked completely (:func:`validate`), with its warnings.

    Parameters
    ----------
    scenario : Scenario
        The scenario read.
    warnings : tuple of str
        Valid but degenerate inputs, in words (:meth:`Scenario.warnings`).
    """

    scenario: Scenario
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """What ``stratagem validate --json`` prints."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "actors": sc.n_actors,
            "issues": sc.n_issues,
            "events": len(sc.events),
            "branches": len(sc.branches),
            "outcomes": len(sc.outcomes),
            "warnings": list(self.warnings),
        }


def validate(source: Scenario | str | Path | None = None) -> Validation:
    """Read a scenario and check everything a run would refuse for the file's sake.

    Beyond reading (every field, every reference, the limits), the model parameters the
    file sets are checked against the registry: an unknown model, an undeclared parameter,
    a value of the wrong type, out of range or not finite. Problems name the file and line.

    Parameters
    ----------
    source : Scenario, str or Path, optional
        A file, ``"-"`` (standard input), an embedded name (default: the default case), or
        a scenario already read.

    Raises
    ------
    InvalidInputError
        With every problem found.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.validate("iraq-2020").scenario.n_actors
    8
    """
    from stratagem.catalog import load
    from stratagem.models.registry import scenario_problems

    scenario = (
        source if isinstance(source, Scenario) else load(None if source is None else str(source))
    )
    problems = scenario_problems(scenario)
    if problems:
        raise InvalidInputError(problems)
    return Validation(scenario, tuple(scenario.warnings()))


def run(
    scenario: Scenario,
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    branch: str | None = None,
) -> Forecast:
    """Run one registered model (its name as ``stratagem models`` lists it) on a scenario.

    The parameters are those of :meth:`stratagem.models.registry.ModelSpec.run`; the
    forecast is frozen and records model, parameters, seed and version.

    Examples
    --------
    >>> import stratagem
    >>> forecast = stratagem.run(stratagem.load("eu-emissions-1994"), "compromise")
    >>> round(forecast.positions()["emission-standards"], 2)
    7.39
    """
    from stratagem import models

    return models.get(model).run(scenario, params, seed=seed, branch=branch)


def forecast(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    branch: str | None = None,
    summary: bool = False,
    calibration: str | None = None,
) -> ForecastSet:
    """Forecast a scenario with several models (``stratagem run``).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    models : sequence of str, optional
        Registry names; default every model that can run on the scenario (the others are
        listed in the result's ``skipped`` with the reason).
    params : mapping of model name to parameters, optional
        Parameter overrides per model.
    seed : int, optional
        Seed for stochastic models.
    branch : str, optional
        The scenario's branch to apply.
    summary : bool
        Also draw the bottom line (:func:`stratagem.analysis.bottom_line.bottom_line`): the
        end most models forecast, how much they agree, and the smallest single change that
        would lead away from it in the agreeing models with a batched entry point.
    calibration : str, optional
        Attach intervals from a backtest (``"deu"``: the typical error of each model on
        comparable EU legislative decisions, :mod:`stratagem.validation.calibration`),
        labelled as what they are; models without a backtest are listed as such.

    Returns
    -------
    ForecastSet
        The forecasts, the models skipped, and notes: the models in which the scenario's
        events do not act (those that do not run in rounds), and, with a branch, the
        models whose forecasts it leaves as they are without it; with ``summary``, the
        bottom line.

    Examples
    --------
    >>> import stratagem
    >>> result = stratagem.forecast(stratagem.load("eu-emissions-1994"), ["compromise"])
    >>> round(result["compromise"].positions()["emission-standards"], 2)
    7.39
    """
    from stratagem import models as registry
    from stratagem.models.registry import run_seed, scenario_problems

    problems = scenario_problems(scenario)
    if problems:
        raise InvalidInputError(problems)
    if models:
        chosen = [registry.get(n) for n in dict.fromkeys(models)]
        skipped: dict[str, str] = {}
    else:
        chosen = list(registry.applicable(scenario))
        skipped = registry.unavailable(scenario)
    per_model = params or {}
    if seed is None and any(m.stochastic for m in chosen):
        # one seed for the run, recorded, so that the run (every stochastic model) reruns
        seed = run_seed(scenario)
    forecasts = tuple(
        m.run(scenario, per_model.get(m.name), seed=seed, branch=branch) for m in chosen
    )
    notes = [f"degenerate input: {w}" for w in scenario.with_branch(branch).warnings()]
    static = [m.name for m in chosen if not m.dynamic]
    if scenario.with_branch(branch).events and static:
        notes.append(
            f"the scenario's events do not act in {', '.join(static)}: "
            "these models do not run in rounds"
        )
    if branch is not None:
        same = [
            f.model
            for m, f in zip(chosen, forecasts, strict=True)
            if m.run(scenario, per_model.get(m.name), seed=f.seed).positions() == f.positions()
        ]
        if same:
            notes.append(
                f"the branch {branch} changes nothing in {', '.join(same)}: "
                "their forecasts equal the baseline's"
            )
    from stratagem.results import ForecastSet

    calibrated: dict[str, Any] = {}
    if calibration is not None:
        calibrated = _calibrated(scenario, forecasts, calibration)
    result = ForecastSet(
        scenario, forecasts, branch, seed, skipped, tuple(notes), calibration=calibrated
    )
    if not summary:
        return result
    import dataclasses

    from stratagem.analysis.bottom_line import bottom_line

    return dataclasses.replace(result, summary=bottom_line(result, seed=seed or 0).to_dict())


def explain(
    scenario: Scenario,
    model: str,
    round: int = 1,
    issues: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    branch: str | None = None,
) -> list[str]:
    """What happens in one round of a model's run, in words (``stratagem explain``).

    Raises
    ------
    InvalidInputError
        If the model has no rounds to explain, or an issue is unknown.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.explain(stratagem.load(), "eum")[0][:40]
    'iraq_order, round 1: median 5.0 → 4.11, '
    """
    from stratagem import models

    spec = models.get(model)
    if spec.explain is None:
        explained = ", ".join(m.name for m in models.specs() if m.explain is not None)
        raise InvalidInputError(
            [
                Problem(
                    "model", f"{spec.name!r} has no rounds to explain; models that do: {explained}"
                )
            ]
        )
    unknown = [i for i in issues if i not in scenario.issue_ids]
    if unknown:
        known = ", ".join(scenario.issue_ids)
        raise InvalidInputError(
            [
                Problem("issue", f"unknown issue {i!r}; the scenario's issues are {known}")
                for i in unknown
            ]
        )
    result = spec.run(scenario, params, seed=seed, branch=branch)
    return [line for i in issues or scenario.issue_ids for line in spec.explain(result, i, round)]


@dataclass(frozen=True)
class CompatibilityAnalysis:
    """What ``stratagem compatibility`` reports: the matrices, coalition stability, a pair.

    Parameters
    ----------
    result : Compatibility
        Every source's matrix, combined, per issue; coalitions and tacit coalitions.
    stability : dict or None
        Coalition stability over input draws, when asked for.
    pair : tuple of str or None
        The pair explained.
    evidence : tuple of str
        The pair's evidence in words (empty without a pair).
    conflict_agreement : MoveAgreement or None
        When the scenario has a conflict, the graph model's view beside it: how alike each
        pair of decision makers judges the third parties' moves.
    """

    result: Compatibility
    stability: Mapping[str, Any] | None = None
    pair: tuple[str, str] | None = None
    evidence: tuple[str, ...] = ()
    conflict_agreement: MoveAgreement | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        doc = self.result.to_dict()
        if self.stability is not None:
            doc["stability"] = dict(self.stability)
        if self.pair is not None:
            doc["pair"] = {
                "actors": list(self.pair),
                **self.result.pair(*self.pair),
                "evidence": list(self.evidence),
            }
        if self.conflict_agreement is not None:
            doc["conflict_agreement"] = self.conflict_agreement.to_dict()
        return doc


def compatibility(
    scenario: Scenario,
    pair: tuple[str, str] | None = None,
    branch: str | None = None,
    draws: int = 0,
    seed: int = 0,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> CompatibilityAnalysis:
    """Pairwise strategic compatibility, coalitions, and a pair's evidence.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    pair : (str, str), optional
        Two actor ids whose evidence to give in words.
    branch : str, optional
        Analyse the branch's world.
    draws : int
        Draws of the uncertain inputs (0: none): how stable the coalitions are.
    seed : int
        Seed of the draws.
    executor : str
        Where the draws run.
    progress : callable, optional
        Called with (draws done, draws in all).

    Raises
    ------
    InvalidInputError
        If an actor of the pair is unknown.

    Examples
    --------
    >>> import stratagem
    >>> found = stratagem.compatibility(stratagem.load())
    >>> round(float(found.result.combined[0, 1]), 2)  # the US and Iran, every issue together
    0.61
    """
    from stratagem.analysis import compatibility as compat

    world = scenario.with_branch(branch)
    if pair is not None:
        unknown = [a for a in pair if a not in world.actor_ids]
        if unknown:
            raise InvalidInputError(
                [
                    Problem("pair", f"unknown actor {a!r}; actors: {', '.join(world.actor_ids)}")
                    for a in unknown
                ]
            )
    result = compat.compatibility(world)
    stability = None
    if draws:
        stability = compat.coalition_stability(
            world, draws, seed, executor=executor, progress=progress
        )
    evidence = compat.explain_pair(world, *pair, stability) if pair is not None else []
    agreement = None
    if world.conflict is not None:
        from stratagem.conflict.analysis import move_agreement
        from stratagem.conflict.stability import Graph

        agreement = move_agreement(Graph.build(world.conflict))
        dms = {d.id for d in world.conflict.decision_makers}
        if pair is not None and set(pair) <= dms:
            evidence = [*evidence, *agreement.sentences(*pair)]
    return CompatibilityAnalysis(result, stability, pair, tuple(evidence), agreement)


def conflict_analysis(
    source: Scenario | Conflict | str | Path | None = None,
    branch: str | None = None,
    concepts: Sequence[str] = ("nash", "gmr", "smr", "seq", "sim", "seqsim"),
    h: int = 2,
    coalitions: Sequence[Sequence[str]] | None = None,
    start: int | str | Sequence[str] | None = None,
    draws: int = 0,
    seed: int = 0,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    coalition_moves: str = "sequence",
) -> ConflictAnalysis:
    """The graph model's analysis of a conflict (``stratagem conflict``).

    Parameters
    ----------
    source : Scenario, Conflict, str or Path, optional
        A scenario with a ``conflict:`` section, a conflict, a ``.gmcr`` file, or a scenario
        file or embedded name (default the embedded default case).
    branch : str, optional
        Analyse the branch's world (its additions to the conflict included).
    concepts : sequence of str
        Solution concepts: ``nash``, ``gmr``, ``smr``, ``seq``, ``sim``, ``seqsim``, and
        ``lh`` (limited move, horizon ``h``) and ``nm`` (non-myopic) for two decision makers.
    h : int
        The horizon of ``lh``.
    coalitions : sequence of decision-maker groups, optional
        The coalitions to test (default every coalition of two or more).
    start : int, str or sequence of str, optional
        Where the status quo analysis starts: an ordered state number (1-based) or the
        options taken (default the conflict's status quo).
    draws : int
        Draws of the uncertain preference statements (0: none).
    seed : int
        Seed of the draws.
    executor : str
        Where the draws run.
    progress : callable, optional
        Called with (draws done, draws in all).
    coalition_moves : {"sequence", "joint"}
        How a coalition moves: a legal sequence of its members' moves (no member twice in a
        row), or all at once.

    Raises
    ------
    InvalidInputError
        If the source has no conflict, or an option, decision maker, concept or state is
        unknown.

    Examples
    --------
    >>> import stratagem
    >>> analysis = stratagem.conflict_analysis()  # the default case's graph model
    >>> analysis.conflict.n_states, analysis.equilibria("nash")
    (256, [255])
    """
    from stratagem.conflict.analysis import analyse

    conflict = _conflict_of(source, branch)
    origin = None if start is None else conflict.state_index(start, "from")
    return analyse(
        conflict,
        concepts,
        h,
        coalitions,
        origin,
        coalition_moves=coalition_moves,
        draws=draws,
        seed=seed,
        executor=executor,
        progress=progress,
    )


def conflict_inverse(
    source: Scenario | Conflict | str | Path | None = None,
    state: int | str = 1,
    concept: str = "nash",
    branch: str | None = None,
) -> InverseResult:
    """Which preference change of which decision maker makes ``state`` an equilibrium.

    ``stratagem conflict --inverse STATE``: per decision maker, the fewest tiers ``state``
    must rise in its ranking to be stable for it under ``concept``, verified by recomputing
    the stability, and whether all those changes together make it an equilibrium
    (:mod:`stratagem.conflict.inverse`).

    Parameters
    ----------
    source : Scenario, Conflict, str or Path, optional
        A scenario with a conflict, a conflict, an embedded name or a file (scenario or
        ``.gmcr``); default the embedded case.
    state : int or str
        An ordered state number (1-based) or the options taken.
    concept : str
        nash, gmr, smr, seq, sim or seqsim.
    branch : str, optional
        A branch of the scenario to apply first.

    Raises
    ------
    InvalidInputError
        If the source has no conflict, or the state or the concept is unknown.

    Examples
    --------
    >>> import stratagem
    >>> found = stratagem.conflict_inverse(state="revolt_pushes")
    >>> found.equilibrium_after
    True
    """
    from stratagem.conflict.inverse import inverse

    return inverse(_conflict_of(source, branch), state, concept)


def _conflict_of(source: Scenario | Conflict | str | Path | None, branch: str | None) -> Conflict:
    from stratagem import catalog, io
    from stratagem.conflict.model import Conflict

    if isinstance(source, Conflict):
        if branch is not None:
            raise InvalidInputError([Problem("branch", "a conflict alone has no branches")])
        return source
    if isinstance(source, str | Path) and Path(source).suffix.lower() == ".gmcr":
        if branch is not None:
            raise InvalidInputError([Problem("branch", "a .gmcr file has no branches")])
        return io.read_conflict(source)
    scenario = (
        source
        if isinstance(source, Scenario)
        else catalog.load(None if source is None else str(source))
    )
    world = scenario.with_branch(branch)
    if world.conflict is None:
        raise InvalidInputError(
            [
                Problem(
                    "conflict",
                    f"scenario {scenario.name!r} has no conflict: add a 'conflict:' section "
                    "(options, preferences) or give a .gmcr file",
                )
            ]
        )
    return world.conflict


def backtest(
    dataset: str | Path,
    models: Sequence[str] | None = None,
    capability: str = "proxy",
    seed: int = 0,
    bootstrap: int = 2000,
    folds: int = 10,
    missing_salience: str = "drop",
    stacking: bool | None = None,
) -> BacktestResult:
    """Score every model against real decisions with known outcomes (``stratagem backtest``).

    Parameters
    ----------
    dataset : str or Path
        A file in the DEU III layout (:func:`stratagem.validation.deu.read_deu`).
    models : sequence of str, optional
        Models, with parameters after a colon (``compromise:weights=salience``); default
        every registered model and the standard variants.
    capability : {"proxy", "equal", "council"}
        The capability scheme.
    seed : int
        Seed of the bootstrap and of the cross-validation folds.
    bootstrap : int
        Bootstrap resamples (of whole proposals).
    folds : int
        Cross-validation folds (of whole proposals) for the ensemble.
    missing_salience : {"drop", "zero"}
        An actor with a position but no salience: left out of the issue, or kept with 0.
    stacking : bool, optional
        Whether to fit and score the stacking model (default: when every model it reads
        is scored); ``BacktestResult.save_stacking_model`` writes it.
    """
    from stratagem.validation import backtest as bt
    from stratagem.validation.deu import read_deu

    data = read_deu(dataset, missing_salience=missing_salience)
    return bt.backtest(
        data,
        models or None,
        capability=capability,
        seed=seed,
        bootstrap=bootstrap,
        folds=folds,
        stacking=stacking,
    )


@dataclass(frozen=True)
class Conversion:
    """A scenario written in another format (:func:`convert`).

    Parameters
    ----------
    text : str
        The file's text.
    format : str
        The format written (one of :data:`stratagem.io.FORMATS`).
    dropped : tuple of str
        What the format cannot hold and was left out (only with ``lossy=True``).
    path : Path or None
        Where the text was written, if anywhere.
    """

    text: str
    format: str
    dropped: tuple[str, ...] = ()
    path: Path | None = None


def convert(
    source: Scenario | str | Path | None,
    target: str | Path | None = None,
    to: str | None = None,
    lossy: bool = False,
) -> Conversion:
    """Write a scenario in another format (``stratagem convert``).

    Parameters
    ----------
    source : Scenario, str or Path, optional
        A scenario, a file or an embedded name (default: the embedded default).
    target : str or Path, optional
        The file to write (atomically); none: only return the text.
    to : str, optional
        The format; default from ``target``'s extension (needed without a target).
    lossy : bool
        Allow leaving out what the format cannot hold (listed in ``dropped``); otherwise
        that is an input error.

    Raises
    ------
    InvalidInputError
        If the format is unknown or cannot be guessed, or would lose parts of the scenario
        without ``lossy``.

    Examples
    --------
    >>> import stratagem
    >>> csv = stratagem.convert("iraq-2020", to="csv", lossy=True)
    >>> csv.format, csv.dropped[0]
    ('csv', '3 event(s)')
    """
    from stratagem import io
    from stratagem.catalog import load

    scenario = (
        source if isinstance(source, Scenario) else load(None if source is None else str(source))
    )
    where = str(source) if not isinstance(source, Scenario) else scenario.name
    if to is None:
        if target is None:
            raise InvalidInputError([Problem("to", "give a format or a target file", None, where)])
        to = io.format_for_path(target)
    if to not in io.FORMATS:
        raise InvalidInputError(
            [Problem("to", f"unknown format {to!r}; one of {', '.join(io.FORMATS)}", None, where)]
        )
    lost = io.lost_in(scenario, to)
    if lost and not lossy:
        raise InvalidInputError(
            [
                Problem(
                    "convert",
                    f"a {to} file cannot hold the scenario's {', '.join(lost)}; "
                    "use --lossy to drop them",
                    None,
                    where,
                )
            ]
        )
    text = io.write_text(scenario, to)
    path = None
    if target is not None:
        io.atomic_write_text(target, text)
        path = Path(target)
    return Conversion(text, to, tuple(lost), path)


@dataclass(frozen=True)
class EmbeddedScenario:
    """One embedded scenario, as ``stratagem scenarios`` lists it."""

    name: str
    title: str
    n_actors: int
    n_issues: int
    default: bool


def scenarios() -> tuple[EmbeddedScenario, ...]:
    """The embedded scenarios (``stratagem scenarios``); load one with :func:`stratagem.load`.

    Examples
    --------
    >>> import stratagem
    >>> [s.name for s in stratagem.scenarios() if s.default]
    ['iraq-2020']
    """
    from stratagem import catalog

    out = []
    for name in catalog.embedded_names():
        sc = catalog.load_embedded(name)
        out.append(
            EmbeddedScenario(
                name, sc.title, sc.n_actors, sc.n_issues, name == catalog.DEFAULT_SCENARIO
            )
        )
    return tuple(out)


def registered_models() -> tuple[Any, ...]:
    """Every registered model's specification (``stratagem models``).

    Each :class:`~stratagem.models.registry.ModelSpec` has the model's name, summary,
    citation and parameters with their defaults.

    Named so because :mod:`stratagem.models` is the package of the models themselves.

    Examples
    --------
    >>> import stratagem
    >>> "eum" in [m.name for m in stratagem.registered_models()]
    True
    """
    from stratagem import models

    return tuple(models.specs())


def input_limits() -> dict[str, dict[str, Any]]:
    """The limits inputs are checked against (``stratagem limits``).

    Per limit: the value in force, the environment variable that changes it, and what it
    protects.

    Named so because :mod:`stratagem.limits` is the module that declares them.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.input_limits()["nesting_depth"]["variable"]
    'STRATAGEM_MAX_NESTING'
    """
    from stratagem.limits import LIMITS

    return {
        lim.name: {"value": lim.value(), "variable": lim.env, "protects": lim.protects}
        for lim in LIMITS.values()
    }


def schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (``stratagem schema``), for editors and checks.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.schema()["type"]
    'object'
    """
    from stratagem.io.schema import scenario_schema

    return scenario_schema()


def runs(store_url: str | None = None) -> Any:
    """The run history (``stratagem runs``): a :class:`stratagem.store.Store`.

    Its ``list(scenario)``, ``get(run_id)`` and ``save(...)`` are what ``runs list``,
    ``runs show`` and ``run --save`` use; :func:`stratagem.store.diff` compares two runs and
    a run's ``reproducible_scenario()`` is what ``runs export`` writes.

    Parameters
    ----------
    store_url : str, optional
        A SQLAlchemy URL (``sqlite:///PATH`` or PostgreSQL); default ``STRATAGEM_STORE``
        or the user's SQLite file.

    Examples
    --------
    >>> import stratagem
    >>> list(stratagem.runs("sqlite://").list(None))  # a new store in memory holds no run
    []
    """
    from stratagem import store

    return store.Store(store_url)
