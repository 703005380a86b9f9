"""Plain tables for notebooks: HTML by hand (names escaped), and pandas imported on demand.

pandas stays optional: :func:`pandas` imports it when a frame is asked for and says which
extra installs it when it is missing.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["PANDAS_MISSING", "html_table", "pandas"]

PANDAS_MISSING = (
    "converting results to pandas needs pandas: pip install 'stratagem[pandas]' "
    "(or any pandas >= 2.0)"
)


def pandas() -> Any:
    """The pandas module, or a StratagemError saying how to install it."""
    try:
        import pandas
    except ImportError:
        from stratagem.errors import StratagemError

        raise StratagemError(PANDAS_MISSING) from None
    return pandas


def html_table(caption: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table with a caption; numbers right-aligned, every text escaped."""

    def cell(value: Any, tag: str) -> str:
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        align = ' style="text-align:right"' if isinstance(value, int | float) else ""
        return f"<{tag}{align}>{html.escape(text)}</{tag}>"

    head = "".join(cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return (
        f"<table><caption style='text-align:left'>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
