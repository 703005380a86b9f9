"""Write src/stratagem/data/calibration/deu.json from the DEU III training file.

Every registered model (default parameters) is backtested on the 258 issues with
outcomes (proxy capability, seed 0); the split-conformal half-widths of its absolute
errors at 50/80/90% are written with the file's SHA-256, so that the tests can check the
shipped table against the data. Run: ``python scripts/calibrate_deu.py [DEU_FILE]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "deu" / "deu3-1996-2005.tsv"
OUT = ROOT / "src" / "stratagem" / "data" / "calibration" / "deu.json"


def calibration_document(path: Path) -> dict[str, object]:
    """The calibration document for the DEU file at ``path``."""
    import numpy as np

    from stratagem import __version__, models
    from stratagem.validation.backtest import backtest
    from stratagem.validation.calibration import conformal_quantiles
    from stratagem.validation.deu import read_deu

    dataset = read_deu(path)
    names = [spec.name for spec in models.specs()]
    result = backtest(
        dataset,
        names,
        capability="proxy",
        seed=0,
        bootstrap=10,
        ensemble=False,
        reference_blend=False,  # registered models only: those `run --calibration` labels
        stacking=False,
    )
    per_model = {}
    for model, values in result.forecasts.items():
        errors = values - result.outcomes
        if np.isnan(errors).all():
            continue
        per_model[model] = conformal_quantiles(errors)
    return {
        "name": "deu",
        "label": (
            "typical error on comparable EU legislative decisions (DEU III 1996–2005, "
            f"{len(result.issues)} issues): on those decisions the outcome lay within ± these "
            "points of the model's forecast in 50%, 80% and 90% of cases"
        ),
        "models": per_model,
        "source": {
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "issues": len(result.issues),
            "capability": "proxy",
            "seed": 0,
            "version": __version__,
        },
    }


def main() -> None:
    """Write the table."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    doc = calibration_document(path)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
