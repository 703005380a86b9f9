"""Every code block of the README runs (DESIGN.md convention 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console import console_lines, run_console
from stratagem import io, run

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text()) if lang == language]


@pytest.mark.parametrize("code", blocks("python"))
def test_python_blocks_run(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, str(README), "exec"), {})
    out = capsys.readouterr().out
    # comments of the form "# value" after a print state the expected output
    for line in code.splitlines():
        m = re.match(r"print\(.*\)\s+#\s+(.*)$", line.strip())
        if m:
            assert m.group(1).strip() in out


def test_yaml_block_is_a_valid_scenario() -> None:
    (yaml_text,) = blocks("yaml")
    sc = io.read_text(yaml_text, "README.yaml")
    assert run(sc, "compromise").outcome == "high tax"


def test_console_blocks_run(tmp_path: Path) -> None:
    (tmp_path / "my-case.yaml").write_text(blocks("yaml")[0])
    commands = [command for body in blocks("console") for command in console_lines(body)]
    assert len(commands) >= 8
    for command in commands:
        result = run_console(command, tmp_path)
        assert result.returncode == 0, (command, result.stderr)


def test_setup_block_is_what_ci_runs() -> None:
    """The `sh` block (make run / make test) is run by CI itself: check it says so."""
    (setup,) = blocks("sh")
    assert "make run" in setup
    assert "make test" in setup
    root = README.parent
    assert "make test" in (root / ".ci" / "run").read_text()
    makefile = (root / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
