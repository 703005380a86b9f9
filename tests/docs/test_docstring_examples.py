"""The Examples sections of the public API's docstrings run, and say what they print."""

from __future__ import annotations

import doctest
import inspect

import pytest

import stratagem


def _public() -> list[tuple[str, object]]:
    out = []
    for name in stratagem.__all__:
        obj = getattr(stratagem, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            out.append((name, obj))
    return out


def _with_examples() -> list[tuple[str, doctest.DocTest]]:
    finder = doctest.DocTestFinder(recurse=True)
    found = []
    for name, obj in _public():
        for test in finder.find(obj, name, globs={}):
            if test.examples:
                found.append((test.name, test))
    return found


WITHOUT_EXAMPLES = {
    "backtest": "needs a DEU III file (docs/backtest.md and the notebook run it)",
    "serve": "starts a server (the dashboard's browser tests run it)",
    "solve_game_file": "needs a Gambit file (tests/unit/test_gambit*.py)",
    "write_report": "writes a directory (tests/integration/test_report.py)",
    "simulate_widths": "a variant of simulate, run in docs/howto/uncertainty.md",
    "single_levers": "the single-change part of levers, whose example covers it",
}
"""Public functions without an Examples section, and where they are shown running instead."""


def test_every_public_function_has_a_running_example_or_a_reason() -> None:
    missing = {
        name
        for name, obj in _public()
        if inspect.isfunction(obj) and ">>>" not in (obj.__doc__ or "")
    }
    assert missing == set(WITHOUT_EXAMPLES)


@pytest.mark.parametrize(("name", "test"), _with_examples(), ids=[n for n, _ in _with_examples()])
def test_docstring_example_runs(name: str, test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, name


def test_the_api_reference_lists_every_public_function_and_class() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "api.md").read_text()
    listed = {line.split()[1] for line in page.splitlines() if line.startswith("::: ")}
    missing = [
        f"{obj.__module__}.{obj.__qualname__}"  # type: ignore[attr-defined]
        for name, obj in _public()
        if f"{obj.__module__}.{obj.__qualname__}" not in listed  # type: ignore[attr-defined]
        and obj.__module__ not in listed  # a module page documents all it exports
    ]
    assert missing == []
