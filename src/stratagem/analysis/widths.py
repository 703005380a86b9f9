"""How much the ends' probabilities owe to how wide the inputs' ranges were drawn.

Every uncertain input of a case carries a range elicited from how vague its source is. Those
widths are judgements too, so :func:`simulate_widths` simulates the scenario again with every
range scaled — by default to half and to twice its width (:meth:`Scenario.widened`) — on the
same seed, and reports each named outcome's probability at each width. An outcome whose
probability is 0 (or 1) at every width is settled for this model whatever the ranges; for it
the report gives the nearest single-input lever (:mod:`stratagem.analysis.levers`): how far
one input has to move for the point forecast to reach (or leave) it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stratagem.analysis.bottom_line import BottomLine, ensemble_bottom_line
from stratagem.analysis.levers import Lever, single_levers
from stratagem.results import Ensemble
from stratagem.scenario import Scenario
from stratagem.uncertainty.montecarlo import simulate

__all__ = ["DEFAULT_FACTORS", "WidthSensitivity", "simulate_widths"]

DEFAULT_FACTORS = (0.5, 1.0, 2.0)
"""The widths ``stratagem simulate`` tries: half, as elicited, twice."""
LEVER_GRID = 8
LEVER_TOLERANCE = 0.005
"""The settled outcomes' levers are searched on a coarser grid, to half a percent of each
input's scale (the sentences print two decimals)."""


@dataclass(frozen=True)
class WidthSensitivity:
    """The outcome probabilities of one model at several scalings of the inputs' ranges.

    Parameters
    ----------
    factors : tuple of float
        The scalings, as given (1 is the elicited width).
    ensembles : tuple of Ensemble
        One simulation per factor, all on the same seed.
    levers : mapping of outcome to Lever or None
        For each outcome settled at 0 or 1 at every width, the nearest single-input lever
        that makes the point forecast reach it (settled at 0) or leave it (settled at 1);
        ``None`` when no single input can.
    """

    factors: tuple[float, ...]
    ensembles: tuple[Ensemble, ...]
    levers: Mapping[str, Lever | None] = field(default_factory=dict)

    @property
    def model(self) -> str:
        """The model simulated."""
        return self.ensembles[0].model

    @property
    def ensemble(self) -> Ensemble:
        """The simulation at the elicited widths (factor 1, else the first)."""
        return self.ensembles[self.factors.index(1.0) if 1.0 in self.factors else 0]

    def probabilities(self) -> dict[str, list[float]]:
        """Each outcome's probability (baseline) at each factor, in the order of ``factors``."""
        names = list(dict.fromkeys(n for e in self.ensembles for n in e.outcome_probabilities()))
        return {n: [e.outcome_probabilities().get(n, 0.0) for e in self.ensembles] for n in names}

    def settled(self) -> dict[str, float]:
        """The outcomes whose probability is 0 or 1 at every width, with that probability."""
        out = {}
        for name in (o.name for o in self.ensemble.scenario.outcomes):
            values = [e.outcome_probabilities().get(name, 0.0) for e in self.ensembles]
            if all(v == 0.0 for v in values) or all(v == 1.0 for v in values):
                out[name] = values[0]
        return out

    def bottom_line(self) -> BottomLine:
        """The bottom line of the simulation at the elicited widths (nothing is run)."""
        return ensemble_bottom_line(self.ensemble)

    def sentences(self) -> list[str]:
        """The settled outcomes in words, each with its nearest lever."""
        scenario = self.ensemble.scenario
        widths = ", ".join(f"{f:g}×" for f in self.factors)
        out = []
        for name, p in self.settled().items():
            state = "never" if p == 0.0 else "always"
            text = (
                f"Under the {self.model} model '{name}' {state} comes, at every width of the "
                f"input ranges tried ({widths})"
            )
            lever = self.levers.get(name)
            if lever is not None:
                goal = "reach it" if p == 0.0 else "leave it"
                text += (
                    f"; the nearest single change that makes the forecast {goal} is to "
                    f"{lever.words(scenario)} ({lever.size:.2f} of that input's scale)"
                )
            elif name in self.levers:
                text += "; no change of a single input makes the forecast " + (
                    "reach it" if p == 0.0 else "leave it"
                )
            out.append(text + ".")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: probabilities per factor, the settled outcomes and their levers."""
        return {
            "model": self.model,
            "factors": list(self.factors),
            "draws": self.ensemble.draws,
            "seed": self.ensemble.seed,
            "probabilities": self.probabilities(),
            "settled": self.settled(),
            "levers": {k: (v.to_dict() if v else None) for k, v in self.levers.items()},
            "sentences": self.sentences(),
            "bottom_line": self.bottom_line().to_dict(),
        }


def simulate_widths(
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
    factors: Sequence[float] = DEFAULT_FACTORS,
    levers: bool = True,
) -> WidthSensitivity:
    """Simulate the scenario with its input ranges scaled by each factor, on one seed.

    The other parameters are those of :func:`stratagem.uncertainty.montecarlo.simulate`
    (``spread`` scales with the factor too; ``progress`` counts the draws of every factor).
    With ``levers``, every outcome settled at 0 or 1 gets its nearest single-input lever.
    """
    chosen = tuple(float(f) for f in factors) or (1.0,)
    ensembles = []
    total = draws * len(chosen)
    for k, factor in enumerate(chosen):

        def counted(done: int, _n: int, before: int = k * draws) -> None:
            if progress is not None:
                progress(before + done, total)

        ensembles.append(
            simulate(
                scenario.widened(factor),
                model,
                draws,
                seed,
                params,
                branches,
                executor,
                address,
                workers,
                {key: v * factor for key, v in (spread or {}).items()} or None,
                counted,
            )
        )
    result = WidthSensitivity(chosen, tuple(ensembles))
    if not levers:
        return result
    found = {}
    outcomes = {o.name: o for o in scenario.outcomes}
    for name, p in result.settled().items():
        # the nearest input, at a precision the sentence prints: capabilities, and the
        # positions on the issues the end names
        options = single_levers(
            scenario,
            model,
            name,
            leave=p == 1.0,
            fields=("position", "capability"),
            params=dict(params or {}),
            issues=sorted(outcomes[name].condition.issues()),
            grid=LEVER_GRID,
            tolerance=LEVER_TOLERANCE,
        )
        found[name] = options[0] if options else None
    return WidthSensitivity(chosen, tuple(ensembles), found)
