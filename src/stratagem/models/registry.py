"""The model registry: every model declares its metadata and parameters here.

The CLI, the dashboard and the contract tests enumerate the registry instead of
keeping their own lists. A model is a pure function
``(scenario, params, rng) -> ModelResult`` wrapped in a :class:`ModelSpec`;
:meth:`ModelSpec.run` applies the branch, resolves parameters, seeds the random
stream and records everything in the :class:`~stratagem.results.Forecast`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem, StratagemError
from stratagem.limits import exceeded, limit
from stratagem.results import Forecast, IssueForecast
from stratagem.scenario import Issue, Scenario

__all__ = [
    "ModelFailureError",
    "ModelResult",
    "ModelSpec",
    "Param",
    "UnknownParameterError",
    "applicable",
    "details_wanted",
    "forecasts_only",
    "get",
    "names",
    "register",
    "run_seed",
    "scenario_problems",
    "specs",
    "split_label",
    "unavailable",
]


_FORECASTS_ONLY: ContextVar[bool] = ContextVar("forecasts_only", default=False)


@contextlib.contextmanager
def forecasts_only() -> Iterator[None]:
    """Within it, runs may leave out their rounds and per-round details.

    For searches that read nothing but the forecasts (stance games, draws run one by one):
    a model that honours it (:func:`details_wanted`) returns the same forecasts, bit for
    bit, without trajectories or details; the others ignore it.
    """
    token = _FORECASTS_ONLY.set(True)
    try:
        yield
    finally:
        _FORECASTS_ONLY.reset(token)


def details_wanted() -> bool:
    """Whether a run should record its rounds and details (not within :func:`forecasts_only`)."""
    return not _FORECASTS_ONLY.get()


class UnknownParameterError(ValueError):
    """A parameter name or value that the model does not declare (a usage error)."""


@dataclass(frozen=True)
class Param:
    """A model parameter: name, type, default, allowed values and meaning.

    Parameters
    ----------
    name : str
        Name used with ``--set NAME=VALUE`` and in results.
    default : int, float, str or bool
        Documented default; its type is the parameter's type.
    help : str
        What the parameter means, and why the default.
    choices : tuple of str, optional
        Allowed values for a named option.
    minimum, maximum : float, optional
        Bounds for numbers (inclusive).
    limit : str, optional
        A limit of :mod:`stratagem.limits` that bounds the value (``rounds``): its value
        in force is the maximum, raised with its environment variable.
    """

    name: str
    default: int | float | str | bool
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    limit: str | None = None

    def parse(self, value: Any) -> int | float | str | bool:
        """Convert ``value`` (a string from the command line, or a typed value) and check it.

        Raises
        ------
        UnknownParameterError
            If the value has the wrong type or is not allowed.
        """
        kind = type(self.default)
        try:
            if kind is bool:
                parsed: int | float | str | bool = _parse_bool(value)
            elif kind is int:
                parsed = _parse_int(value)
            elif kind is float:
                parsed = float(value)
            else:
                parsed = str(value)
        except (TypeError, ValueError):
            raise UnknownParameterError(
                f"{self.name}: {value!r} is not a valid {kind.__name__}"
            ) from None
        if isinstance(parsed, float) and not math.isfinite(parsed):
            raise UnknownParameterError(f"{self.name}: must be a finite number, got {value!r}")
        if self.choices and parsed not in self.choices:
            raise UnknownParameterError(
                f"{self.name}: {value!r} is not one of {', '.join(self.choices)}"
            )
        if isinstance(parsed, int | float) and not isinstance(parsed, bool):
            if self.minimum is not None and parsed < self.minimum:
                raise UnknownParameterError(f"{self.name}: must be at least {self.minimum}")
            if self.maximum is not None and parsed > self.maximum:
                raise UnknownParameterError(f"{self.name}: must be at most {self.maximum}")
            if self.limit is not None and parsed > limit(self.limit):
                raise UnknownParameterError(f"{self.name}: {exceeded(self.limit, f'{parsed:,}')}")
        return parsed

    def describe(self) -> str:
        """One line: name, default, allowed values."""
        allowed = f" [{'|'.join(self.choices)}]" if self.choices else ""
        return f"{self.name}={self.default}{allowed}"


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _parse_int(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value) if isinstance(value, int | float) else int(str(value))


@dataclass(frozen=True)
class ModelResult:
    """What a model function returns; :meth:`ModelSpec.run` wraps it in a Forecast."""

    issues: Mapping[str, IssueForecast]
    details: Mapping[str, Any] = field(default_factory=dict)


ModelFunction = Callable[[Scenario, Mapping[str, Any], np.random.Generator], ModelResult]


@dataclass(frozen=True)
class ModelSpec:
    """A registered model with its metadata.

    Parameters
    ----------
    name : str
        Registry name (``compromise``, ``eum``, ...).
    summary : str
        One line saying what it computes.
    function : callable
        ``(scenario, params, rng) -> ModelResult``; pure.
    params : tuple of Param
        Declared parameters.
    stochastic : bool
        Whether results depend on the random stream.
    dynamic : bool
        Whether it runs in rounds (and so applies the scenario's events).
    needs_salience : bool
        Whether salience enters the computation.
    uses_positions : bool
        Whether the forecast is built from the actors' positions (so a one-actor
        scenario forecasts that actor's position); ``False`` for the status quo.
    citation : str
        Where the model is published.
    requires : callable, optional
        ``scenario -> reason or None``: why the model cannot run on a scenario.
    batch : callable, optional
        ``(scenario, draws, params) -> (n_draws, n_issues) forecasts``: runs many perturbed
        copies of the scenario's inputs at once (:class:`stratagem.uncertainty.sampling.Draws`).
    explain : callable, optional
        ``(forecast, issue id, round) -> lines``: the model's moves of a round in words.
    presets : mapping of preset name to parameter values
        Named parameter sets, chosen with the ``preset`` parameter (which the model
        must declare); values given explicitly override the preset's.
    data_keys : tuple of str
        Keys of the scenario's ``model_params`` for this model that are data the model
        reads itself (KTAB's ideal-adjustment pairs), not parameters.
    memory_bytes : callable, optional
        ``scenario -> bytes``: the most memory one run holds at once, estimated; a run
        that would need more than the ``model_memory_mb`` limit is refused before it starts.
    multicore : bool or callable
        Whether a run already uses every core (a compiled parallel kernel), so that
        searches run its evaluations in one process rather than splitting them; a callable
        ``scenario -> bool`` says it per scenario (the exchange model's kernel runs a small
        case on one thread). ``False``: the model starts no threads of its own.
    capability_unit_free : bool
        Whether the forecast is the same when every capability is multiplied by the same
        power of two (tested by the contract tests). Such a model runs extreme capabilities
        (1e300, 1e-300) rescaled (:meth:`Scenario.capability_scale`), so that its sums
        neither overflow nor underflow.
    """

    name: str
    summary: str
    function: ModelFunction
    params: tuple[Param, ...] = ()
    stochastic: bool = False
    dynamic: bool = False
    needs_salience: bool = True
    uses_positions: bool = True
    citation: str = ""
    requires: Callable[[Scenario], str | None] | None = None
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    explain: Callable[[Forecast, str, int], list[str]] | None = None
    batch: Callable[[Scenario, Any, Mapping[str, Any]], Any] | None = None
    data_keys: tuple[str, ...] = ()
    capability_unit_free: bool = True
    memory_bytes: Callable[[Scenario], float] | None = None
    multicore: bool | Callable[[Scenario], bool] = False

    def uses_every_core(self, scenario: Scenario) -> bool:
        """Whether a run on ``scenario`` uses every core (see ``multicore``)."""
        return self.multicore(scenario) if callable(self.multicore) else self.multicore

    def scenario_params(self, scenario: Scenario) -> dict[str, Any]:
        """The parameter values the scenario file sets for this model (data keys left out)."""
        given = scenario.model_params.get(self.name, {})
        return {k: v for k, v in given.items() if k not in self.data_keys}

    def param(self, name: str) -> Param:
        """The declared parameter with this name."""
        for p in self.params:
            if p.name == name:
                return p
        raise UnknownParameterError(self._unknown(name))

    def _unknown(self, name: str) -> str:
        valid = ", ".join(p.describe() for p in self.params) or "none"
        return f"model {self.name!r} has no parameter {name!r}; valid parameters: {valid}"

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated with ``overrides`` (checked and converted)."""
        resolved: dict[str, Any] = {p.name: p.default for p in self.params}
        explicit = {key: self.param(key).parse(value) for key, value in (overrides or {}).items()}
        if self.presets:
            preset = explicit.get("preset", resolved.get("preset"))
            for key, value in self.presets[str(preset)].items():
                resolved[key] = self.param(key).parse(value)
        resolved.update(explicit)
        return resolved

    def prepare(
        self, scenario: Scenario, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The parameters of a run on ``scenario``.

        Defaults, then the scenario's own ``model_params`` for this model, then ``params``.

        Raises
        ------
        InvalidInputError
            If the model cannot run on this scenario, or the scenario's own parameters for
            it are invalid (located in its file).
        UnknownParameterError
            If a parameter in ``params`` is not declared or its value is invalid.
        """
        problems = self.param_problems(scenario)
        if problems:
            raise InvalidInputError(scenario.locate(problems))
        resolved = self.resolve({**self.scenario_params(scenario), **(params or {})})
        reason = self.unavailable(scenario)
        if reason is not None:
            raise InvalidInputError(scenario.locate([Problem(f"model[{self.name}]", reason)]))
        return resolved

    def param_problems(self, scenario: Scenario) -> list[Problem]:
        """What is wrong with the parameters ``scenario`` sets for this model (field paths)."""
        out = []
        for key, value in self.scenario_params(scenario).items():
            try:
                self.param(key).parse(value)
            except UnknownParameterError as err:
                reason = str(err).removeprefix(f"{key}: ")
                out.append(Problem(f"model_params.{self.name}.{key}", reason))
        if not out and self.presets:
            try:
                self.resolve(self.scenario_params(scenario))
            except UnknownParameterError as err:
                out.append(Problem(f"model_params.{self.name}", str(err)))
        return out

    def unavailable(self, scenario: Scenario) -> str | None:
        """Why this model cannot run on ``scenario``, or ``None`` if it can."""
        if self.memory_bytes is not None:
            needed_mb = self.memory_bytes(scenario) / 1e6
            if needed_mb > limit("model_memory_mb"):
                return exceeded(
                    "model_memory_mb",
                    f"the {self.name} model would hold about {needed_mb:,.0f} MB at once for "
                    f"{scenario.n_actors:,} actors",
                )
        return self.requires(scenario) if self.requires is not None else None

    def run(
        self,
        scenario: Scenario,
        params: Mapping[str, Any] | None = None,
        seed: int | None = None,
        branch: str | None = None,
    ) -> Forecast:
        """Run the model and return a frozen, fully recorded forecast.

        Parameters
        ----------
        scenario : Scenario
            The scenario (its ``model_params`` for this model are used as defaults).
        params : mapping, optional
            Parameter overrides (strings from the command line or typed values).
        seed : int, optional
            Seed of the random stream; stochastic models draw one when ``None`` and
            record it, deterministic ones record ``None``.
        branch : str, optional
            Name of the scenario's branch to apply.

        Raises
        ------
        InvalidInputError
            If the model cannot run on this scenario, or the branch is unknown.
        UnknownParameterError
            If a parameter is not declared or its value is invalid.
        """
        resolved = self.prepare(scenario, params)
        working = scenario.with_branch(branch)
        if seed is None and self.stochastic:
            seed = run_seed(scenario)
        rng = np.random.default_rng(seed)
        if self.capability_unit_free:
            working = working.with_capabilities_scaled(working.capability_scale())
        result = self.function(working, resolved, rng)
        result = _onto_scales(self.name, scenario, result)
        return Forecast(
            model=self.name,
            scenario=scenario.name,
            params=resolved,
            seed=seed if self.stochastic else None,
            issues=result.issues,
            outcome=scenario.classify({k: v.forecast for k, v in result.issues.items()}),
            branch=branch,
            details=result.details,
            issue_names={i.id: i.name for i in scenario.issues},
        )


def run_seed(scenario: Scenario) -> int:
    """The seed of a stochastic run given none: the scenario's own, or a fresh one."""
    if scenario.seed is not None:
        return scenario.seed
    return int(np.random.SeedSequence().entropy) % (2**63)  # type: ignore[arg-type]


class ModelFailureError(StratagemError):
    """A model produced a forecast that is not a number within its issue's scale (a bug)."""


SCALE_ROUNDING = 1e-9
"""How far past an end of its scale (as a fraction of the scale's length) a forecast may
come out of a model's arithmetic and still be put on that end: a scale conversion's last
bits. Anything further is a failure of the model."""


def onto_scales(model: str, issues: Sequence[Issue], forecasts: npt.NDArray[np.float64]) -> None:
    """Put forecasts ``(..., issues)`` a rounding past an end of their scale on that end.

    In place: the model's forecasts of ``issues`` (the last axis) are clipped to them.

    Raises
    ------
    ModelFailureError
        If a forecast is not finite, or is further outside its scale than rounding explains.
    """
    lo = np.array([i.min for i in issues])
    hi = np.array([i.max for i in issues])
    slack = SCALE_ROUNDING * (hi - lo)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(forecasts) & (forecasts >= lo - slack) & (forecasts <= hi + slack))
    if bad.any():
        shown = [
            f"{issue.name!r}: {float(np.asarray(forecasts)[..., j][bad[..., j]].flat[0])} "
            f"(scale {issue.min:g}–{issue.max:g})"
            for j, issue in enumerate(issues)
            if bad[..., j].any()
        ]
        raise ModelFailureError(
            f"the {model} model forecast a value that is not a number on its issue's scale "
            f"({'; '.join(shown)}); please report this with the scenario"
        )
    np.clip(forecasts, lo, hi, out=forecasts)


def _onto_scales(model: str, scenario: Scenario, result: ModelResult) -> ModelResult:
    """``result`` with every forecast on its issue's scale (see :func:`onto_scales`)."""
    present = [i for i in scenario.issues if i.id in result.issues]
    if not present:
        return result
    values = np.array([result.issues[i.id].forecast for i in present])
    onto_scales(model, present, values)
    moved = {
        i.id: dataclasses.replace(result.issues[i.id], forecast=float(x))
        for i, x in zip(present, values, strict=True)
        if float(x) != result.issues[i.id].forecast
    }
    if not moved:
        return result
    return ModelResult({**result.issues, **moved}, result.details)


_REGISTRY: dict[str, ModelSpec] = {}
STACKED_PREFIX = "stacked:"
"""``--model stacked:FILE`` runs the stacking model saved in FILE (``backtest --save-model``)."""


def register(spec: ModelSpec) -> ModelSpec:
    """Add a model to the registry (names are unique)."""
    if spec.name in _REGISTRY:
        raise ValueError(f"model {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def split_label(text: str) -> tuple[str, dict[str, str]]:
    """``"compromise:weights=salience"`` → ``("compromise", {"weights": "salience"})``.

    Raises
    ------
    ValueError
        If a parameter is not written ``KEY=VALUE``.
    """
    name, _, rest = text.partition(":")
    params: dict[str, str] = {}
    for pair in filter(None, rest.split(",")):
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"model {text!r}: parameters are written KEY=VALUE")
        params[key.strip()] = value.strip()
    return name.strip(), params


def get(name: str) -> ModelSpec:
    """The registered model with this name, or ``stacked:FILE`` (a saved stacking model).

    Raises
    ------
    UnknownParameterError
        If no model has this name (the message lists the registered ones).
    InvalidInputError
        If ``stacked:FILE`` names a file that is not a stacking model.
    """
    if name.startswith(STACKED_PREFIX) and name not in _REGISTRY:
        from stratagem.models.stacked import stacked_spec

        return stacked_spec(name.removeprefix(STACKED_PREFIX))
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownParameterError(
            f"unknown model {name!r}; registered models: {', '.join(_REGISTRY)}"
        ) from None


def scenario_problems(scenario: Scenario) -> list[Problem]:
    """Everything wrong with the model parameters a scenario sets, located in its file.

    A model name that is not registered, a parameter a model does not declare, a value of
    the wrong type or out of range: what a run would refuse, found before any run.
    """
    problems = []
    for name in scenario.model_params:
        if name not in _REGISTRY:
            problems.append(
                Problem(
                    f"model_params.{name}",
                    f"unknown model {name!r}; registered models: {', '.join(_REGISTRY)}",
                )
            )
        else:
            problems.extend(_REGISTRY[name].param_problems(scenario))
    return scenario.locate(problems)


def applicable(scenario: Scenario) -> tuple[ModelSpec, ...]:
    """The registered models that can run on ``scenario``, in registration order."""
    return tuple(s for s in _REGISTRY.values() if s.unavailable(scenario) is None)


def unavailable(scenario: Scenario) -> dict[str, str]:
    """Why each registered model that cannot run on ``scenario`` cannot (by model name)."""
    reasons = {s.name: s.unavailable(scenario) for s in _REGISTRY.values()}
    return {name: reason for name, reason in reasons.items() if reason is not None}


def names() -> tuple[str, ...]:
    """Registered model names, in registration order."""
    return tuple(_REGISTRY)


def specs() -> tuple[ModelSpec, ...]:
    """Registered models, in registration order."""
    return tuple(_REGISTRY.values())
