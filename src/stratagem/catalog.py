"""Embedded scenarios shipped inside the package, and resolving a name or a path.

``iraq-2020`` is the default case; the others are the published example tables that
come with the field's models (their sources are cited inside each file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from stratagem.errors import InvalidInputError, Problem
from stratagem.scenario import Scenario

__all__ = ["DEFAULT_SCENARIO", "embedded_names", "embedded_text", "load", "load_embedded"]

DEFAULT_SCENARIO = "iraq-2020"
_PACKAGE = "stratagem.data.scenarios"


def embedded_names() -> tuple[str, ...]:
    """Names of the embedded scenarios, the default first.

    Examples
    --------
    >>> import stratagem
    >>> "iraq-2020" in stratagem.embedded_names()
    True
    """
    names = sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files(_PACKAGE).iterdir()
        if p.name.endswith(".yaml")
    )
    return tuple(sorted(names, key=lambda n: (n != DEFAULT_SCENARIO, n)))


def embedded_text(name: str) -> str:
    """The YAML text of an embedded scenario."""
    return resources.files(_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_embedded(name: str) -> Scenario:
    """Load an embedded scenario by name.

    Raises
    ------
    InvalidInputError
        If there is no embedded scenario of that name.
    """
    from stratagem.io.yaml_io import read_yaml

    if name not in embedded_names():
        raise InvalidInputError(
            [
                Problem(
                    "scenario",
                    f"no embedded scenario {name!r}; embedded: {', '.join(embedded_names())}",
                )
            ]
        )
    return read_yaml(embedded_text(name), f"<embedded {name}>")


def load(name_or_path: str | None = None) -> Scenario:
    """Load a scenario from a path, ``-`` (stdin), or an embedded name (default: iraq-2020).

    Raises
    ------
    InvalidInputError
        If it is neither an existing file nor an embedded name, or holds an invalid scenario.

    Examples
    --------
    >>> import stratagem
    >>> stratagem.load().name  # the embedded default
    'iraq-2020'
    """
    from stratagem import io

    target = name_or_path or DEFAULT_SCENARIO
    if target == "-" or Path(target).exists():
        return io.read(target)
    if target in embedded_names():
        return load_embedded(target)
    raise InvalidInputError(
        [
            Problem(
                "scenario",
                f"{target!r} is neither a file nor an embedded scenario "
                f"({', '.join(embedded_names())})",
            )
        ]
    )
