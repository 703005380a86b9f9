"""The architecture, checked: the import graph has one direction, adapters stay thin.

Layers, lowest first (DESIGN.md, "The data flow"): a module may import from its own layer
and the layers below, never from one above — including imports inside functions and under
``TYPE_CHECKING``. ``import stratagem`` (the facade of lazy re-exports) counts as the API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import stratagem

SRC = Path(stratagem.__file__).resolve().parent
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "stratagem._version",
        "stratagem.errors",
        "stratagem.jsonable",
        "stratagem.limits",
        "stratagem.parallel",
        "stratagem.tables",
    ),
    (
        "stratagem.scenario",
        "stratagem.conditions",
        "stratagem.conflict",
        "stratagem.conflict.model",
        "stratagem.conflict.statements",
    ),
    ("stratagem.results", "stratagem.io", "stratagem.catalog", "stratagem.notebook"),
    ("stratagem.models", "stratagem.conflict.stability"),
    ("stratagem.uncertainty",),
    ("stratagem.games", "stratagem.conflict.analysis", "stratagem.conflict.inverse"),
    ("stratagem.analysis", "stratagem.validation", "stratagem.store"),
    ("stratagem.api",),
    ("stratagem.report",),
    ("stratagem.cli", "stratagem.web", "stratagem.__main__"),
)
FACADE = "stratagem.api"


def _module_name(path: Path) -> str:
    parts = ["stratagem", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    if module == "stratagem":
        module = FACADE
    # The longest matching prefix decides: a package may sit below some of its modules.
    matches = [
        (len(p), k)
        for k, prefixes in enumerate(LAYERS)
        for p in prefixes
        if module == p or module.startswith(p + ".")
    ]
    if matches:
        return max(matches)[1]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _resolve(name: str, attribute: str | None) -> str:
    """The module an import reaches: ``from stratagem import models`` reaches the submodule."""
    if name == "stratagem" and attribute is not None:
        if (SRC / attribute).is_dir() or (SRC / f"{attribute}.py").exists():
            return f"stratagem.{attribute}"
        if attribute == "__version__":
            return "stratagem._version"
        lazy = stratagem._LAZY.get(attribute)  # type: ignore[attr-defined]
        return lazy.partition(":")[0] if lazy else FACADE
    return name


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("stratagem")]
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stratagem")
        ):
            found += [(node.lineno, _resolve(node.module, a.name)) for a in node.names]
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down_the_layers(path: Path) -> None:
    here = _module_name(path)
    upward = [
        f"{path.relative_to(SRC)}:{line} imports {target}"
        for line, target in _imports(path)
        if _layer(target) > _layer(here)
    ]
    assert not upward, upward


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_reaches_into_another_packages_private_module(path: Path) -> None:
    here = _module_name(path)
    package = here.rsplit(".", 1)[0] if path.name != "__init__.py" else here
    private = [
        f"{path.relative_to(SRC)}:{line} imports {target}"
        for line, target in _imports(path)
        if target.rsplit(".", 1)[-1].startswith("_")
        and target != "stratagem._version"
        and target.rsplit(".", 1)[0] != package
    ]
    assert not private, private


def test_the_command_line_is_thin() -> None:
    main = SRC / "cli" / "main.py"
    assert len(main.read_text(encoding="utf-8").splitlines()) < 300
    for command in (SRC / "cli" / "commands").glob("*.py"):
        text = command.read_text(encoding="utf-8")
        # commands parse, call the library and render: no arrays, no model internals
        assert "import numpy" not in text, command.name
        assert "stratagem.models." not in text.replace("stratagem.models.registry", ""), command
