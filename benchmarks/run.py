"""Run every benchmark module (``bench_*.py``) and write benchmarks/results.md.

``make bench`` runs it in full; ``--smoke`` runs each case once at small sizes and
writes nothing unless ``--write`` is given (CI runs the smoke version through the tests).
``--only bench_levers bench_gmcr`` runs those modules and replaces their sections of
results.md, keeping the others as they were measured.
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
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="run only these modules")
    args = parser.parse_args()
    import stratagem

    paths = sorted(HERE.glob("bench_*.py"))
    if args.only:
        unknown = set(args.only) - {p.stem for p in paths}
        if unknown:
            parser.error(f"no benchmark module {', '.join(sorted(unknown))}")
        paths = [p for p in paths if p.stem in args.only]
    sections = []
    for path in paths:
        module = importlib.import_module(path.stem)
        before = 0.0 if args.smoke else _reference()
        start = time.perf_counter()
        rows = module.run(args.smoke)
        took = time.perf_counter() - start
        after = 0.0 if args.smoke else _reference()
        table = module.markdown(rows)
        speed = (
            ""
            if args.smoke
            else "Machine speed while measured (these shared cores vary up to threefold "
            f"within an hour): a fixed loop of 5 million Python additions took {before:.2f} s "
            f"before and {after:.2f} s after."
        )
        print(f"## {path.stem} ({took:.1f} s)\n\n{table}\n{speed}", flush=True)
        sections.append(
            f"## {path.stem}\n\n{(module.__doc__ or '').strip().splitlines()[0]}\n\n{table}"
            f"\n{speed}\n"
        )
    if args.write or not args.smoke:
        header = (
            "# Benchmark results\n\n"
            f"stratagem {stratagem.__version__}, Python {platform.python_version()}, "
            f"{platform.machine()}, {time.strftime('%Y-%m-%d')}"
            f"{' (smoke run)' if args.smoke else ''}. Written by `make bench`; times are "
            "medians of several runs, ratios measured in the same process."
            + (
                f" Re-measured that day: {', '.join(p.stem for p in paths)}; the other "
                "sections are as last measured in full."
                if args.only
                else ""
            )
            + "\n\n"
        )
        if args.only:
            sections = _merged(sections)
        (HERE / "results.md").write_text(header + "\n".join(sections))
        print(f"wrote {HERE / 'results.md'}")


def _reference() -> float:
    """Seconds for a fixed pure-Python loop: how fast the machine is right now."""
    start = time.perf_counter()
    total = 0
    for step in range(5_000_000):
        total += step
    return time.perf_counter() - start


def _merged(new: list[str]) -> list[str]:
    """The sections of the existing results.md, with those just measured (``new``) replaced."""
    old = (HERE / "results.md").read_text() if (HERE / "results.md").exists() else ""
    kept = {}
    for part in old.split("\n## ")[1:]:
        name = part.split("\n", 1)[0].strip()
        kept[name] = "## " + part.rstrip("\n") + "\n"
    for section in new:
        kept[section.split("\n", 1)[0][3:].strip()] = section
    return [kept[name] for name in sorted(kept)]


if __name__ == "__main__":
    main()
