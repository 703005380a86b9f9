"""The bottom line: the forecast end in words, how much the models agree, what would change it.

Built from results only, every sentence carrying its numbers (which are also given in
:attr:`BottomLine.facts`, so that a reader or a test can check a sentence against them):

* **the end**: the named end forecast by the most models (the status-quo baseline aside, as
  it forecasts no movement by construction), with the models that agree and those that do not;
* **agreement**: per issue, the spread of the models' forecasts (largest minus smallest, in
  shares of the issue's range); the issue where they differ most;
* **typical error** (when the forecasts carry a calibration, ``calibration="deu"``): each
  agreeing model's 80% error on the backtested decisions, labelled as an error on
  comparable decisions, not on this case;
* **under uncertainty** (given an ensemble): the end's probability in that model's draws,
  with its 95% Wilson interval;
* **what would change it**: for every agreeing model with a batched entry point, the
  smallest single change that makes its forecast *leave* the end
  (:func:`stratagem.analysis.levers.levers` with ``leave=True``), the smallest of them first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stratagem.analysis.levers import GRID, levers
from stratagem.conditions import in_words
from stratagem.models import get
from stratagem.results import NO_OUTCOME, Ensemble, Forecast, ForecastSet
from stratagem.scenario import Scenario

__all__ = [
    "BASELINE_MODELS",
    "BottomLine",
    "bottom_line",
    "ensemble_bottom_line",
    "modal_end",
    "wilson_interval",
]

BASELINE_MODELS = ("status-quo",)
"""Models left out of the count of agreeing models: they forecast no movement by design."""


def _baselines_aside(models: Sequence[str]) -> str:
    if len(models) == 1:
        return f"; the {models[0]} baseline, which forecasts no movement by design, is not counted"
    names = " and ".join(models)
    return f"; the {names} baselines, which forecast no movement by design, are not counted"


def wilson_interval(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``p`` observed in ``n`` draws."""
    if n <= 0:
        return (0.0, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class BottomLine:
    """The summary in words (``sentences``) and the numbers each sentence rests on (``facts``)."""

    sentences: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"sentences": list(self.sentences), **self.facts}


def bottom_line(
    result: ForecastSet,
    ensemble: Ensemble | None = None,
    lever_models: Sequence[str] | None = None,
    seed: int = 0,
    static_only: bool = False,
    lever_budget: int | None = None,
) -> BottomLine:
    """The bottom line of several models' forecasts of one scenario.

    Parameters
    ----------
    result : ForecastSet
        The forecasts (``stratagem.forecast``).
    ensemble : Ensemble, optional
        Draws of one model under the input uncertainty, for the end's probability.
    lever_models : sequence of str, optional
        The models in which to search what would change the end (default: the agreeing
        models that have a batched entry point, whose search takes seconds; ``[]``: none).
    seed : int
        Seed of stochastic models in the lever search.
    static_only : bool
        By default, search only the agreeing models that do not run in rounds.
    lever_budget : int, optional
        Skip the default search (and say so) when its scan would take more model
        evaluations than this (inputs × both sides × :data:`~stratagem.analysis.levers.GRID`).

    Returns
    -------
    BottomLine
        Sentences and facts; no sentence when the scenario names no ends.
    """
    sc = result.scenario
    if not sc.outcomes:
        return BottomLine(("The scenario names no ends: there is no bottom line to draw.",))
    world = sc.with_branch(result.branch)
    counted = [f for f in result.forecasts if f.model not in BASELINE_MODELS]
    if not counted:
        return BottomLine(("Only baseline models ran: no forecast to summarise.",))
    end, votes = modal_end(world, counted)
    agreeing = [f.model for f in counted if (f.outcome or NO_OUTCOME) == end]
    others = [(f.model, f.outcome or NO_OUTCOME) for f in counted if f.model not in agreeing]
    outcome = next((o for o in world.outcomes if o.name == end), None)
    definition = f" ({in_words(outcome.when, world)})" if outcome is not None else ""
    left_out = [f.model for f in result.forecasts if f.model in BASELINE_MODELS]
    sentences = [
        f"Most likely end: '{end}'{definition}, forecast by {votes} of {len(counted)} models "
        f"({', '.join(agreeing)})"
        + ("; " + "; ".join(f"{m} forecasts '{o}'" for m, o in others) if others else "")
        + (_baselines_aside(left_out) if left_out else "")
        + (
            "."
            if others
            else "; every model counted agrees."
            if left_out
            else "; every model agrees."
        )
    ]
    facts: dict[str, Any] = {
        "end": end,
        "models": len(counted),
        "agreeing": agreeing,
        "others": dict(others),
        "baselines_left_out": left_out,
    }
    spreads = {}
    for issue in world.issues:
        values = [f.issues[issue.id].forecast for f in counted if issue.id in f.issues]
        if len(values) > 1:
            spreads[issue.id] = (max(values) - min(values)) / issue.range
    if spreads:
        widest = max(spreads, key=lambda k: spreads[k])
        within = sum(1 for s in spreads.values() if s <= 0.1)
        lo = min(counted, key=lambda f: f.issues[widest].forecast)
        hi = max(counted, key=lambda f: f.issues[widest].forecast)
        sentences.append(
            f"The models' forecasts lie within 10% of the scale on {within} of {len(spreads)} "
            f"issues; they differ most on {world.issue(widest).name}, from "
            f"{lo.issues[widest].forecast:.1f} ({lo.model}) to {hi.issues[widest].forecast:.1f} "
            f"({hi.model})."
        )
        facts["spread"] = spreads
    calibration = result.calibration
    if calibration:
        # asked for (calibration="deu"): each agreeing model's typical error there, as such
        widths = {
            m: float(calibration["models"][m]["half_widths"]["80%"])
            for m in agreeing
            if m in calibration["models"]
        }
        if widths:
            label = str(calibration["label"]).split(":")[0]
            untested = [m for m in agreeing if m not in widths]
            sentences.append(
                label[:1].upper()
                + label[1:]
                + ", not on this case: in 80% of them the outcome lay within "
                + ", ".join(f"±{w:.0f} points of {m}'s forecast" for m, w in widths.items())
                + (f" ({', '.join(untested)}: not backtested)." if untested else ".")
            )
            facts["calibration"] = {
                "name": calibration["name"],
                "label": calibration["label"],
                "half_widths_80": widths,
            }
    if ensemble is not None:
        p = ensemble.outcome_probabilities(result.branch).get(end, 0.0)
        lo_p, hi_p = wilson_interval(p, ensemble.draws)
        sentences.append(
            f"Under the input uncertainty ({ensemble.draws} draws of {ensemble.model}), "
            f"'{end}' comes with probability {p:.2f} (95% interval {lo_p:.2f}–{hi_p:.2f})."
        )
        facts["probability"] = {
            "model": ensemble.model,
            "draws": ensemble.draws,
            "p": p,
            "interval": [lo_p, hi_p],
        }
    if lever_models is not None:
        chosen = list(lever_models)
    else:
        chosen = [
            m for m in agreeing if get(m).batch is not None and not (static_only and get(m).dynamic)
        ]
        scan = world.n_actors * (1 + 2 * world.n_issues) * 2 * GRID
        if chosen and lever_budget is not None and scan > lever_budget:
            sentences.append(
                f"What would change it was not searched here ({scan} model runs for a scan of "
                f"every input, over the budget of {lever_budget}): see `stratagem levers`."
            )
            chosen = []
    found = []
    if chosen and end != NO_OUTCOME:
        analysis = levers(
            sc, end, models=chosen, branch=result.branch, leave=True, combinations=1, seed=seed
        )
        for m in chosen:
            singles = analysis.singles.get(m, ())
            if singles:
                found.append((singles[0], m))
        found.sort(key=lambda pair: pair[0].size)
        if found:
            best, m = found[0]
            sentences.append(
                f"What would change it: under {m}, the smallest single change that leads away "
                f"from '{end}' is to {best.words(world)} (size {best.size:.2f} of that input's "
                f"scale), which leads to '{best.outcome}'."
            )
        unmoved = [m for m in chosen if not analysis.singles.get(m)]
        if unmoved:
            sentences.append(
                f"In {', '.join(unmoved)}, no single input, moved anywhere in its range, leads "
                f"away from '{end}'."
            )
        facts["levers"] = {m: lv.to_dict() for lv, m in found}
        facts["lever_models"] = chosen
    return BottomLine(tuple(sentences), facts)


def modal_end(scenario: Scenario, forecasts: Sequence[Forecast]) -> tuple[str, int]:
    """The end most of ``forecasts`` name, and how many; a tie goes to the end listed first.

    Baseline models are not left out here: pass the forecasts to count.
    """
    ends = Counter(f.outcome or NO_OUTCOME for f in forecasts)
    return max(ends.items(), key=lambda kv: (kv[1], -_order(scenario, kv[0])))


def _order(scenario: Any, name: str) -> int:
    names = [o.name for o in scenario.outcomes]
    return names.index(name) if name in names else len(names)


def ensemble_bottom_line(ensemble: Ensemble) -> BottomLine:
    """The bottom line of one model's simulation: its most likely end, and what each branch does.

    The most likely end of the baseline draws with its 95% Wilson interval; for each branch,
    that end's probability in the branch and the difference on the same draws (with its 95%
    interval), and the branch's own most likely end where it differs. Nothing is run.

    Parameters
    ----------
    ensemble : Ensemble
        A simulation (``stratagem.simulate``).

    Returns
    -------
    BottomLine
        Sentences and the numbers they rest on.
    """
    sc = ensemble.scenario
    if not sc.outcomes:
        return BottomLine(("The scenario names no ends: there is no bottom line to draw.",))
    probabilities = ensemble.outcome_probabilities()
    end = max(probabilities, key=lambda k: (probabilities[k], -_order(sc, k)))
    p = probabilities[end]
    lo, hi = wilson_interval(p, ensemble.draws)
    outcome = next((o for o in sc.outcomes if o.name == end), None)
    definition = f" ({in_words(outcome.when, sc)})" if outcome is not None else ""
    sentences = [
        (
            f"Most likely end under {ensemble.model}: '{end}'{definition}, with probability "
            f"{p:.2f} (95% interval {lo:.2f}–{hi:.2f}, {ensemble.draws} draws)."
        )
    ]
    facts: dict[str, Any] = {
        "model": ensemble.model,
        "end": end,
        "p": p,
        "interval": [lo, hi],
        "draws": ensemble.draws,
        "branches": {},
    }
    for branch in ensemble.branches:
        own = ensemble.outcome_probabilities(branch)
        moved = ensemble.difference(branch)["outcomes"].get(end, {"difference": 0.0, "ci": [0, 0]})
        there = max(own, key=lambda k: (own[k], -_order(sc, k)))
        text = (
            f"Branch '{branch}': '{end}' {own.get(end, 0.0):.2f}, "
            f"{moved['difference']:+.2f} against the baseline on the same draws (95% interval "
            f"{moved['ci'][0]:+.2f} to {moved['ci'][1]:+.2f})"
        )
        if there != end:
            text += f"; its most likely end is '{there}' ({own[there]:.2f})"
        sentences.append(text + ".")
        facts["branches"][branch] = {
            "p": own.get(end, 0.0),
            "difference": moved["difference"],
            "ci": list(moved["ci"]),
            "most_likely": there,
        }
    return BottomLine(tuple(sentences), facts)
