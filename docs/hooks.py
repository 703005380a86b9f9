"""MkDocs hooks: pages whose content is generated from the code at build time.

``reference/schema.md`` gets the scenario JSON Schema (``stratagem.io.schema``),
``benchmarks.md`` the latest ``benchmarks/results.md``, and ``notebook.md`` the cells of
``notebooks/tutorial.ipynb`` (run by the tests), so none can drift from the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Replace the generated-content markers of a page."""
    if "<!-- schema -->" in markdown:
        from stratagem.io.schema import scenario_schema

        text = json.dumps(scenario_schema(), indent=2)
        markdown = markdown.replace("<!-- schema -->", f"```json\n{text}\n```")
    if "<!-- benchmark results -->" in markdown:
        results = (ROOT / "benchmarks" / "results.md").read_text()
        body = results.split("\n", 1)[1] if results.startswith("# ") else results
        markdown = markdown.replace("<!-- benchmark results -->", body.replace("\n## ", "\n### "))
    marker = "<!-- notebook: "
    if marker in markdown:
        start = markdown.index(marker)
        end = markdown.index("-->", start)
        name = markdown[start + len(marker) : end].strip()
        markdown = markdown[:start] + _notebook_markdown(ROOT / "docs" / name) + markdown[end + 3 :]
    return markdown


def _notebook_markdown(path: Path) -> str:
    """A notebook's cells as Markdown: its text as it is, its code as Python blocks."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in doc["cells"]:
        text = "".join(cell["source"])
        parts.append(text if cell["cell_type"] == "markdown" else f"```python\n{text}\n```")
    return "\n\n".join(parts)
