"""Every Python code block in docs/ runs; a following ``text`` block is its expected output."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

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
