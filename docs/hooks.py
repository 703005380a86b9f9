"""MkDocs hooks: pages whose content is generated from the code at build time.

``reference/schema.md`` gets the scenario JSON Schema (``stratagem.io.schema``), and
``benchmarks.md`` the latest ``benchmarks/results.md``, so neither can drift from the code.
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
    return markdown
