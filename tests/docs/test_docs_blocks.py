"""Every Python code block in docs/ runs; a following ``text`` block is its expected output."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from console import console_lines, run_console

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def cases() -> list[tuple[str, str, str | None]]:
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        blocks = BLOCK.findall(page.read_text())
        for k, (lang, body) in enumerate(blocks):
            if lang != "python":
                continue
            expected = (
                blocks[k + 1][1] if k + 1 < len(blocks) and blocks[k + 1][0] == "text" else None
            )
            out.append((f"{page.relative_to(DOCS)}#{k}", body, expected))
    return out


@pytest.mark.parametrize(("where", "code", "expected"), cases(), ids=[c[0] for c in cases()])
def test_doc_block_runs(where: str, code: str, expected: str | None) -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code, where, "exec"), {})
    if expected is not None:
        assert buffer.getvalue().strip() == expected.strip()


def console_commands() -> list[tuple[str, str]]:
    return [
        (str(page.relative_to(DOCS)), command)
        for page in sorted(DOCS.rglob("*.md"))
        for lang, body in BLOCK.findall(page.read_text())
        if lang == "console"
        for command in console_lines(body)
    ]


@pytest.mark.parametrize(("where", "command"), console_commands(), ids=lambda v: v)
def test_doc_console_commands_run(where: str, command: str, tmp_path: Path) -> None:
    """Every `$ ...` line of a console block runs and exits 0 (in a fresh directory)."""
    if "validate iraq.json" in command:  # the page converts it first
        assert run_console("stratagem convert iraq-2020 iraq.json", tmp_path).returncode == 0
    result = run_console(command, tmp_path, timeout=300)
    assert result.returncode == 0, (where, command, result.stderr[-2000:])


def yaml_blocks() -> list[tuple[str, str]]:
    return [
        (str(page.relative_to(DOCS)), body)
        for page in sorted(DOCS.rglob("*.md"))
        for lang, body in BLOCK.findall(page.read_text())
        if lang == "yaml"
    ]


@pytest.mark.parametrize(("where", "text"), yaml_blocks(), ids=[w for w, _ in yaml_blocks()])
def test_doc_yaml_blocks_are_valid_scenarios(where: str, text: str) -> None:
    from stratagem import io, run

    scenario = io.read_text(text, f"{where}.yaml")
    assert run(scenario, "compromise").positions()
