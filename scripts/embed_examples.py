"""Regenerate the embedded example scenarios from the published data in ../shared/data.

Run from the repository root: ``.venv/bin/python scripts/embed_examples.py``. The files it
writes are committed; each carries its source. The default case (iraq-2020.yaml) is
written by hand and is not touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stratagem import io

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "stratagem" / "data" / "scenarios"

SCHOLZ = (
    "Bueno de Mesquita & Stokman (eds.), European Community Decision Making, Yale UP 1994, "
    "table p. 78; reproduced as Table 1 of Scholz, Calbert & Smith, 'Unravelling Bueno De "
    "Mesquita's group decision model', Journal of Theoretical Politics 23(4), 2011; the same "
    "table ships as emission-standards.txt with the decisionmechanics/eum replication."
)
EXAMPLES = [
    (
        "eum/emission-standards.txt",
        "eu-emissions-1994",
        "EU car-emission standards (BDM 1994)",
        (
            "Years until emission standards apply to medium-sized cars, as bargained by the "
            "EC member states. BDM forecast 8.35 rising to 9.05 years; the actual resolution was "
            "8.833 years (BDM 1994 p. 98, quoted by Scholz et al. 2011 p. 27)."
        ),
        SCHOLZ,
    ),
    (
        "eum/iranian-election.txt",
        "iran-election-2013",
        "Iranian presidential election 2013",
        "Candidates on a 1–10 scale (Jalili 1 ... Ruhani 8, Aref 10). Outcome: Rouhani won.",
        (
            "Eftekhari & Rahimi (2014), via the decisionmechanics/eum replication "
            "(iranian-election.txt)."
        ),
    ),
    (
        "eum/argentina.txt",
        "argentina-2015",
        "Argentina 2015 presidential election",
        "Seventeen actors on 0–100 (Macri 100 ... CFK 0). Outcome: Macri won the election.",
        "decisionmechanics/eum replication (argentina.txt).",
    ),
    (
        "decide/copenhagen.csv",
        "copenhagen-2009",
        "Copenhagen climate negotiations (COP15, 2009)",
        "Eleven negotiating blocs on seven issues of the Copenhagen climate summit.",
        (
            "Data collected on 27 and 28 Oct 2009 by Clarisse Siebert and Richard Klein (SEI); "
            "shipped with the decide exchange-model package (data/input/copenhagen.csv)."
        ),
    ),
    (
        "decide/cop21.csv",
        "cop21-2015",
        "Paris climate negotiations (COP21, 2015)",
        "Fifteen negotiating groups on thirteen issues of the Paris climate summit.",
        "Shipped with the decide exchange-model package (data/input/cop21.csv).",
    ),
    (
        "decide/sample_data.txt",
        "toll-debate",
        "Dutch city toll debate (decide sample data)",
        "Ten local actors on six issues of a city road-toll debate.",
        "Shipped with the decide exchange-model package (data/input/sample_data.txt).",
    ),
    (
        "ktab/SOE-Policy.csv",
        "china-soe-policy",
        "China: openness of upstream oil and gas to private firms",
        "Twenty-six actors on one issue (KTAB example).",
        (
            "Efird, Lester & Wise (2016), Table 2; KTAB examples/smp/doc/SOE-Policy.csv "
            "(MIT licence, KAPSARC)."
        ),
    ),
    (
        "ktab/SOE-Competitive.csv",
        "china-soe-competitive",
        "China: reforming CNPC's dominance",
        "Thirty-four actors on one issue (KTAB example).",
        (
            "Efird, Lester & Wise (2016), Table 3; KTAB examples/smp/doc/SOE-Competitive.csv "
            "(MIT licence, KAPSARC)."
        ),
    ),
    (
        "ktab/SOE-Pol-Comp.csv",
        "china-soe-pol-comp",
        "China: policy and competitive reform combined",
        "Thirteen actors on two issues (KTAB example).",
        (
            "Efird, Lester & Wise (2016); KTAB examples/smp/doc/SOE-Pol-Comp.csv "
            "(MIT licence, KAPSARC)."
        ),
    ),
]


def main() -> int:
    if not DATA.is_dir():
        print(f"missing {DATA}", file=sys.stderr)
        return 1
    for rel, name, title, description, source in EXAMPLES:
        scenario = io.read(DATA / rel).evolve(
            name=name, title=title, description=description, source=source
        )
        io.write(scenario, OUT / f"{name}.yaml")
        print(f"wrote {name}: {scenario.n_actors} actors x {scenario.n_issues} issues")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
