"""Regenerate the figures the documentation shows (docs/img/). Run from the repository root."""

from __future__ import annotations

from pathlib import Path

import stratagem
from stratagem.report.figures import trajectory_figure

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    emissions = stratagem.load("eu-emissions-1994")
    for preset in ("scholz-table", "bdm"):
        forecast = stratagem.run(emissions, "eum", params={"preset": preset})
        fig = trajectory_figure(emissions, forecast, "emission-standards")
        fig.savefig(IMG / f"eum-emissions-{preset}.png", bbox_inches="tight")
    iraq = stratagem.load()
    forecast = stratagem.run(iraq, "eum", params={"stop": "rounds", "rounds": 8})
    for issue in iraq.issue_ids:
        trajectory_figure(iraq, forecast, issue).savefig(
            IMG / f"eum-iraq-{issue}.png", bbox_inches="tight"
        )


if __name__ == "__main__":
    main()
