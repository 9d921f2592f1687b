"""What ``course autograde`` prints after the per-student lines: the class in a few lines."""

from __future__ import annotations

import sys
from collections.abc import Iterable

#: Reasons printed per flagged submission (formgrader has them all).
MAX_FLAGS_SHOWN = 3


def print_summary(outcomes: list, collected, notes: Iterable[str] = ()) -> int:
    """Print the summary of a batch; return the command's exit code (1 if anything failed)."""
    reports = [o.report for o in outcomes]
    errors = [r for r in reports if r.error]
    graded = [r for r in reports if not r.error]
    if graded:
        scores = sorted(r.auto_score for r in graded)
        top = graded[0].auto_max
        median = scores[len(scores) // 2] if len(scores) % 2 else \
            (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2
        manual = sum(1 for r in graded if r.needs_manual_grade)
        skipped = f" {len(collected.problems)} file(s) not used (listed below);" \
            if collected.problems else ""
        unchanged = sum(1 for o in outcomes if o.skipped and not o.report.error)
        again = f" ({unchanged} unchanged since the last run)" if unchanged else ""
        print(f"graded {len(graded)} submission(s){again}: autograded scores "
              f"{scores[0]:g}-{scores[-1]:g}"
              f" of {top:g} (median {median:g});{skipped} {manual} need written answers graded "
              "by hand (formgrader in the grading folder).")
    flagged = [o for o in outcomes if o.flags]
    if flagged:
        print(f"flagged for manual review: {len(flagged)} submission(s) tried to change what "
              "the tests check (flagged in formgrader too):")
        for o in flagged:
            zero = f" [scored 0: {', '.join(o.zeroed)}]" if o.zeroed else " [neutralised]"
            more = len(o.flags) - MAX_FLAGS_SHOWN
            shown = o.flags[:MAX_FLAGS_SHOWN] + ([f"and {more} more"] if more > 0 else [])
            print(f"  {o.student:<24} {'; '.join(shown)}{zero}")
    if collected.problems:
        print(f"not graded: {len(collected.problems)} file(s) or folder(s) in the submissions "
              "could not be used. Fix them, or ask those students to hand in again, then run "
              "this command again (what was graded is kept; `course grades` lists them too):")
        for problem in collected.problems:
            print(f"  {problem}")
    for line in notes:
        print(line)
    failures = [o for o in outcomes if o.failed]
    if failures:
        kept = sum(1 for o in failures if o.kept)
        print(f"grading failed for {len(failures)} submission(s), through no fault of the "
              f"student ({kept} earlier grade(s) kept, nothing replaced): see the lines above; "
              "run the same command again to retry them.", file=sys.stderr)
    if len(errors) > len(failures):
        print(f"{len(errors) - len(failures)} submission(s) could not be graded.",
              file=sys.stderr)
    return 1 if errors or collected.problems else 0
