"""The notebooks in docs/notebooks run top to bottom, and every shown result renders.

Each code cell runs in one namespace, as a kernel would; the value of a cell's last
expression is rendered as Jupyter renders it (``_repr_html_`` first, else ``repr``).
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "docs" / "notebooks"


def _cells(path: Path) -> list[str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["nbformat"] == 4
    return ["".join(c["source"]) for c in doc["cells"] if c["cell_type"] == "code"]


def _run_cell(code: str, namespace: dict[str, Any], where: str) -> Any:
    tree = ast.parse(code, where)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, where, "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), where, "eval"), namespace)


def _shown(value: Any) -> str:
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        text = html()
        assert isinstance(text, str)
        return text
    return repr(value)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs_and_shows_its_results(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    shared = os.environ.get("STRATAGEM_SHARED")
    if shared is None:
        from conftest import SHARED

        monkeypatch.setenv("STRATAGEM_SHARED", str(SHARED))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    cells = _cells(path)
    assert len(cells) >= 10
    for k, code in enumerate(cells):
        value = _run_cell(code, namespace, f"{path.name}[{k}]")
        if value is not None:
            assert _shown(value).strip(), f"cell {k} shows nothing"


def test_the_notebook_is_the_one_the_script_writes() -> None:
    import importlib.util

    script = NOTEBOOKS.parents[1] / "scripts" / "make_tutorial_notebook.py"
    spec = importlib.util.spec_from_file_location("make_tutorial_notebook", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = json.loads((NOTEBOOKS / "tutorial.ipynb").read_text(encoding="utf-8"))
    assert written == module.notebook()
