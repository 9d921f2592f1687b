"""The ``course`` console command.

Run ``course --help`` for the list of subcommands. Errors in what you typed are reported in
one line with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import datasets


def _cmd_data(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else datasets.default_data_dir()
    if args.check:
        differ = datasets.check_datasets(out)
        if differ:
            print(f"course data: {', '.join(differ)} in {out} differ from what the generator "
                  "makes; run `course data` to regenerate them.", file=sys.stderr)
            return 1
        print(f"course data: {out} matches the generator exactly.")
        return 0
    if out.exists() and not out.is_dir():
        print(f"course data: {out} exists and is not a folder; choose another --out.",
              file=sys.stderr)
        return 2
    for path in datasets.write_datasets(out):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Tools for the Scored course: data, and (later) release and grading.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data = sub.add_parser(
        "data", help="regenerate the default synthetic data sets (deterministic)",
        description="Write population.csv, transactions.csv and friendships.csv, byte for byte "
                    "the same on every run.")
    data.add_argument("--out", metavar="DIR", help="folder to write to (default: datasets/)")
    data.add_argument("--check", action="store_true",
                      help="only compare the folder with the generator; exit 1 if they differ")
    data.set_defaults(func=_cmd_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (ValueError, TypeError, OSError) as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
