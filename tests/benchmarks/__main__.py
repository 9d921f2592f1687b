"""Run the benchmarks and print each measurement beside its same-run baseline."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

from . import __path__ as _here


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(_here) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", metavar="NAME", help="run only bench_NAME")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    names = [m for m in modules() if args.only is None or m == f"bench_{args.only}"]
    if not names:
        print(f"no benchmark called {args.only!r}; choose from "
              f"{', '.join(m[6:] for m in modules())}", file=sys.stderr)
        return 2
    rows = []
    for name in names:
        print(f"\n== {name[6:]}", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"{__package__}.{name}")
        for r in module.run(quick=args.quick):
            ratio = f"{r.ratio:8.1f}x" if r.ratio is not None else " " * 9
            base = f"{r.baseline_value:.4g} {r.unit}" if r.baseline_value is not None else ""
            print(f"  {r.name:<46} {r.value:>12.4g} {r.unit:<10} {ratio}  vs {r.baseline or '-'}"
                  f" ({base})  aim: {r.aim}", flush=True)
            rows.append({"module": name, **r.as_dict()})
        print(f"  ({time.perf_counter() - start:.1f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
