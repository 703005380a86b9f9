r"""Typical errors on comparable decisions, attached to forecasts only when asked for.

A backtest tells how far each model's forecasts fell from real outcomes. Split-conformal
quantiles of those absolute errors over a whole training file (Vovk et al. 2005: the
:math:`\lceil (n+1)\alpha \rceil`-th smallest of :math:`n` errors) give, for a new
forecast, an interval "forecast ± q" that held :math:`\alpha` of the time on those decisions.
For a scenario that is not one of those decisions this is only what it is — the typical
error of the model on comparable decisions — and is labelled as such; it is never attached
silently (``stratagem run --calibration deu``).

The shipped table ``data/calibration/deu.json`` is written by
``scripts/calibrate_deu.py`` from the DEU III training file (1996–2005, 258 issues with
outcomes, proxy capability) and checked against it by the tests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem

__all__ = ["CALIBRATIONS", "LEVELS", "ErrorCalibration", "conformal_quantiles", "load"]

LEVELS = (0.5, 0.8, 0.9)
"""Nominal coverages of the intervals."""
CALIBRATIONS = ("deu",)
"""The calibrations shipped, by name."""


def conformal_quantiles(
    errors: npt.ArrayLike, levels: Sequence[float] = LEVELS
) -> dict[str, float]:
    """The split-conformal half-widths of ``levels`` from absolute ``errors`` (NaN ignored)."""
    absolute = np.sort(np.abs(np.asarray(errors, dtype=float)))
    absolute = absolute[~np.isnan(absolute)]
    n = absolute.size
    return {
        f"{100 * level:g}%": float(absolute[min(n, math.ceil((n + 1) * level)) - 1])
        for level in levels
    }


@dataclass(frozen=True)
class ErrorCalibration:
    """Half-widths of intervals per model, from a backtest, with what they rest on.

    Parameters
    ----------
    name : str
        Short name (``deu``).
    label : str
        What the intervals are, in words, as every output shows them.
    models : mapping of model name to mapping of level to half-width
        ``{"compromise": {"50%": 15.2, "80%": 40.1, "90%": 52.3}}``.
    source : mapping
        The data file, its SHA-256, issues, capability scheme, seed and stratagem version.
    """

    name: str
    label: str
    models: Mapping[str, Mapping[str, float]]
    source: Mapping[str, Any]

    def intervals(
        self,
        model: str,
        forecasts: Mapping[str, float],
        lo: Mapping[str, float],
        hi: Mapping[str, float],
    ) -> dict[str, dict[str, list[float]]] | None:
        """Per issue and level, the interval around each forecast, cut to the issue's scale.

        ``None`` when the calibration has no backtest of ``model``.
        """
        widths = self.models.get(model)
        if widths is None:
            return None
        return {
            issue: {
                level: [max(lo[issue], x - q), min(hi[issue], x + q)] for level, q in widths.items()
            }
            for issue, x in forecasts.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "name": self.name,
            "label": self.label,
            "models": {k: dict(v) for k, v in self.models.items()},
            "source": dict(self.source),
        }


def load(name: str) -> ErrorCalibration:
    """A shipped calibration by name.

    Raises
    ------
    InvalidInputError
        If no calibration has that name.
    """
    if name not in CALIBRATIONS:
        raise InvalidInputError(
            [Problem("calibration", f"{name!r}: the calibrations are {', '.join(CALIBRATIONS)}")]
        )
    text = resources.files("stratagem.data").joinpath(f"calibration/{name}.json").read_text()
    doc = json.loads(text)
    return ErrorCalibration(doc["name"], doc["label"], doc["models"], doc["source"])
