"""Plain, JSON-ready values: the one conversion every result's ``to_dict`` uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["plain"]


def plain(value: Any) -> Any:
    """Mappings, lists and tuples (and numpy arrays and scalars) as JSON-ready builtins.

    Keys become strings; anything with ``tolist`` (numpy) becomes its list or scalar.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value
