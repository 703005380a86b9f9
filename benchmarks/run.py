"""Run every benchmark module (``bench_*.py``) and write benchmarks/results.md.

``make bench`` runs it in full; ``--smoke`` runs each case once at small sizes and
writes nothing unless ``--write`` is given (CI runs the smoke version through the tests).
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="each case once, small sizes")
    parser.add_argument("--write", action="store_true", help="write results.md even in smoke mode")
    args = parser.parse_args()
    import stratagem

    sections = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        start = time.perf_counter()
        rows = module.run(args.smoke)
        took = time.perf_counter() - start
        table = module.markdown(rows)
        print(f"## {path.stem} ({took:.1f} s)\n\n{table}", flush=True)
        sections.append(
            f"## {path.stem}\n\n{(module.__doc__ or '').strip().splitlines()[0]}\n\n{table}"
        )
    if args.write or not args.smoke:
        header = (
            "# Benchmark results\n\n"
            f"stratagem {stratagem.__version__}, Python {platform.python_version()}, "
            f"{platform.machine()}, {time.strftime('%Y-%m-%d')}"
            f"{' (smoke run)' if args.smoke else ''}. Written by `make bench`; times are "
            "medians of several runs, ratios measured in the same process.\n\n"
        )
        (HERE / "results.md").write_text(header + "\n".join(sections))
        print(f"wrote {HERE / 'results.md'}")


if __name__ == "__main__":
    main()
