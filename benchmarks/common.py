"""What every benchmark module shares: its rows and how they print."""

from __future__ import annotations

Row = dict[str, str]
COLUMNS = ("case", "ours", "memory", "peer", "ratio", "target")


def markdown(rows: list[Row]) -> str:
    """A markdown table of benchmark rows."""
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    return head + "".join("| " + " | ".join(r[c] for c in COLUMNS) + " |\n" for r in rows)
