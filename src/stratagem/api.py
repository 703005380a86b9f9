"""The public functions: one per command of the command line, same names, same defaults.

``stratagem run`` is :func:`forecast`, ``stratagem simulate`` is :func:`simulate`, and so on:
the command line parses its options, calls one of these and renders what it returns. Every
result is frozen and records how it was made; ``to_dict()`` gives what ``--json`` prints.
These are re-exported from :mod:`stratagem`.
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
    from stratagem.games.analysis import GameFileSolution, StanceGame
    from stratagem.results import Ensemble, Forecast, ForecastSet
    from stratagem.uncertainty.sensitivity import SensitivityResult
    from stratagem.validation.backtest import BacktestResult

__all__ = [
    "CompatibilityAnalysis",
    "applicable_models",
    "backtest",
    "compatibility",
    "explain",
    "forecast",
    "game",
    "run",
    "sensitivity",
    "simulate",
    "solve_game_file",
]


def applicable_models(scenario: Scenario) -> tuple[str, ...]:
    """The registered models that can run on ``scenario``, in registration order."""
    from stratagem import models

    return tuple(s.name for s in models.applicable(scenario))


def run(
    scenario: Scenario,
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    branch: str | None = None,
) -> Forecast:
    """Run one registered model on a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    model : str
        Registry name (see ``stratagem models``).
    params : mapping, optional
        Parameter overrides.
    seed : int, optional
        Seed for stochastic models.
    branch : str, optional
        The scenario's branch to apply.

    Returns
    -------
    Forecast
        The frozen forecast, recording model, parameters, seed and version.
    """
    from stratagem import models

    return models.get(model).run(scenario, params, seed=seed, branch=branch)


def forecast(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    branch: str | None = None,
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

    Examples
    --------
    >>> import stratagem
    >>> result = stratagem.forecast(stratagem.load("eu-emissions-1994"), ["compromise"])
    >>> round(result["compromise"].positions()["emission-standards"], 2)
    7.39
    """
    from stratagem import models as registry

    if models:
        chosen = [registry.get(n) for n in dict.fromkeys(models)]
        skipped: dict[str, str] = {}
    else:
        chosen = list(registry.applicable(scenario))
        skipped = registry.unavailable(scenario)
    per_model = params or {}
    forecasts = tuple(
        m.run(scenario, per_model.get(m.name), seed=seed, branch=branch) for m in chosen
    )
    from stratagem.results import ForecastSet

    return ForecastSet(scenario, forecasts, branch, seed, skipped)


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


def simulate(
    scenario: Scenario,
    model: str = "eum",
    draws: int = 1000,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    branches: Sequence[str] = (),
    executor: str = "auto",
    address: str | None = None,
    workers: int | None = None,
    spread: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Ensemble:
    """Forecast many perturbed copies of a scenario (``stratagem simulate``).

    See :func:`stratagem.uncertainty.montecarlo.simulate` for the parameters.

    Examples
    --------
    >>> import stratagem
    >>> e = stratagem.simulate(stratagem.load(), "compromise", draws=200, seed=1)
    >>> sum(e.outcome_probabilities().values())
    1.0
    """
    from stratagem.uncertainty.montecarlo import simulate as run_simulation

    return run_simulation(
        scenario, model, draws, seed, params, branches, executor, address, workers, spread, progress
    )


def sensitivity(
    scenario: Scenario,
    model: str = "eum",
    params: Mapping[str, Any] | None = None,
    method: str = "auto",
    samples: int = 256,
    seed: int = 0,
    spread: Mapping[str, float] | None = None,
    branch: str | None = None,
) -> SensitivityResult:
    """Rank the inputs that move each forecast and outcome (``stratagem sensitivity``).

    See :func:`stratagem.uncertainty.sensitivity.sensitivity` for the parameters.
    """
    from stratagem.uncertainty.sensitivity import sensitivity as analyse

    return analyse(scenario, model, params, method, samples, seed, spread, branch)


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
    """

    result: Compatibility
    stability: Mapping[str, Any] | None = None
    pair: tuple[str, str] | None = None
    evidence: tuple[str, ...] = ()

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
    evidence = compat.explain_pair(world, *pair) if pair is not None else []
    return CompatibilityAnalysis(result, stability, pair, tuple(evidence))


def game(
    scenario: Scenario,
    actors: Sequence[str] = (),
    issue: str | None = None,
    model: str = "compromise",
    stances: Sequence[str] = (),
    without: Sequence[str] = (),
    branch: str | None = None,
    draws: int = 0,
    seed: int = 0,
    method: str | None = None,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> StanceGame:
    """The game of stances among actors on an issue (``stratagem game``).

    See :func:`stratagem.games.analysis.stance_game` for the parameters; ``branch`` is
    applied first.
    """
    from stratagem.games.analysis import stance_game
    from stratagem.games.normal import STANCES

    return stance_game(
        scenario.with_branch(branch),
        actors,
        issue,
        model,
        stances or STANCES,
        without,
        draws,
        seed,
        method,
        executor,
        progress,
    )


def solve_game_file(path: str | Path, method: str = "enumpure") -> GameFileSolution:
    """Solve a Gambit ``.nfg`` or ``.efg`` file (``stratagem game FILE``)."""
    from stratagem.games.analysis import solve_file

    return solve_file(path, method)


def backtest(
    dataset: str | Path,
    models: Sequence[str] | None = None,
    capability: str = "proxy",
    seed: int = 0,
    bootstrap: int = 2000,
    folds: int = 10,
    missing_salience: str = "drop",
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
    """
    from stratagem.validation import backtest as bt
    from stratagem.validation.deu import read_deu

    data = read_deu(dataset, missing_salience=missing_salience)
    return bt.backtest(
        data, models or None, capability=capability, seed=seed, bootstrap=bootstrap, folds=folds
    )
