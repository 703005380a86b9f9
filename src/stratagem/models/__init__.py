"""Forecasting models, each registered with its metadata in :mod:`stratagem.models.registry`.

Importing this package registers the built-in models.
"""

from __future__ import annotations

from stratagem.models import baselines as baselines
from stratagem.models import eum as eum
from stratagem.models import exchange as exchange
from stratagem.models import procedural as procedural
from stratagem.models import smp as smp
from stratagem.models.registry import (
    ModelResult,
    ModelSpec,
    Param,
    UnknownParameterError,
    applicable,
    get,
    names,
    register,
    specs,
    unavailable,
)

__all__ = [
    "ModelResult",
    "ModelSpec",
    "Param",
    "UnknownParameterError",
    "applicable",
    "get",
    "names",
    "register",
    "specs",
    "unavailable",
]
