"""Write tests/golden/data/eum_pinned.json: the default preset on every example table.

Run only when a change of results is intended and explained in the commit:
``.venv/bin/python tests/golden/pin_eum.py``. The test compares against the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import stratagem
from stratagem import io

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "data"
SHARED_FILES = [
    "eum/emission-standards.txt",
    "eum/iranian-election.txt",
    "eum/argentina.txt",
    "decide/sample_data.txt",
    "decide/copenhagen.csv",
    "decide/cop21.csv",
    "ktab/dummyData_3Dim.csv",
    "ktab/SOE-Pol-Comp.csv",
    "ktab/SOE-Policy.csv",
    "ktab/SOE-Competitive.csv",
    "ktab/dummyData_6Dim.csv",
    "ktab/dummyData-a040.csv",
]


def pinned(scenario: stratagem.Scenario) -> dict[str, object]:
    forecast = stratagem.run(scenario, "eum")
    return {
        issue: {
            "forecast": d["forecast"],
            "rounds": d["rounds"],
            "stop_rule": d["stop_rule"],
            "median_by_round": d["median_by_round"],
            "mean_by_round": d["mean_by_round"],
            "final_positions": d["positions_by_round"][-1],
        }
        for issue, d in ((i, f.to_dict()) for i, f in forecast.issues.items())
    }


def main() -> None:
    out: dict[str, object] = {
        f"embedded:{n}": pinned(stratagem.load(n)) for n in stratagem.embedded_names()
    }
    out.update({f"shared:{rel}": pinned(io.read(SHARED / rel)) for rel in SHARED_FILES})
    (HERE / "data" / "eum_pinned.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
