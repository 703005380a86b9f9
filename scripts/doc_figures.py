"""Regenerate the figures the documentation shows (docs/img/). Run from the repository root."""

from __future__ import annotations

from pathlib import Path

import stratagem
import stratagem.io
from stratagem.report.figures import paths_figure, trajectory_figure

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
KTAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"


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

    if (KTAB / "SOE-Pol-Comp.csv").exists():
        china = stratagem.io.read(KTAB / "SOE-Pol-Comp.csv")
        forecast = stratagem.run(china, "smp")
        paths_figure(china, forecast, "Policy-Position", "Competitive-Position").savefig(
            IMG / "smp-soe-pol-comp-paths.png", bbox_inches="tight"
        )
        trajectory_figure(china, forecast, "Policy-Position").savefig(
            IMG / "smp-soe-pol-comp-policy.png", bbox_inches="tight"
        )


if __name__ == "__main__":
    main()
