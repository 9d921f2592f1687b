"""The ``course`` console command.

Run ``course --help`` for the list of subcommands, and ``docs/instructors.md`` for the
grading workflow. Errors in what you typed are reported in one line with a non-zero exit,
never as a traceback. Exit codes: 0 success; 1 the command ran but found problems (a failed
gate, failing tests in ``check``, submissions that could not be graded); 2 bad input.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from pathlib import Path

from . import datasets


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors name the command and stay on one line."""

    def error(self, message: str):  # pragma: no cover - exercised through main()
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


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


# -- grading commands (nbgrader is imported only when one of them runs) ---------------------
def _layout(args):
    from .grading.layout import locate_course

    layout, why = locate_course(args.root)
    print(f"course: using the course folder {layout.root} ({why})", flush=True)
    return layout


def _grading_dir(args) -> Path:
    from .grading.layout import grading_dir

    return grading_dir(args.grading_dir)


def _cmd_gate(args) -> int:
    from .grading.authoring.console import print_gate

    return print_gate(_layout(args), args.assignments, args.jobs)


def _cmd_release(args) -> int:
    from .grading.authoring.release import regenerate

    layout = _layout(args)
    written, removed = regenerate(layout, args.assignments or None)
    for path in written:
        print(f"wrote {path.relative_to(layout.root)}")
    for name in removed:
        print(f"removed exercises/{name} (no source in solutions/)")
    if args.no_gate:
        return 0
    from .grading.authoring.console import print_gate

    return print_gate(layout, args.assignments, args.jobs)


def _cmd_autograde(args) -> int:
    from .grading.autograde.batch import Options
    from .grading.autograde.classroom import autograde_outcomes
    from .grading.layout import GradingError

    if args.jobs < 1:
        raise GradingError("--jobs must be at least 1.")
    if args.timeout is not None and args.timeout < 1:
        raise GradingError("--timeout must be at least 1 second.")
    layout = _layout(args)
    grading_dir = _grading_dir(args)
    if args.memory is not None and args.memory < 64:
        raise GradingError("--memory is in MB and must be at least 64 (the default is 3072).")
    options = Options(jobs=args.jobs, sandbox=not args.no_sandbox, timeout=args.timeout,
                      memory_mb=args.memory, regrade=tuple(args.regrade or ()))
    if args.no_sandbox:
        print("warning: --no-sandbox: student code runs as you, unconfined; use it only for "
              "submissions you trust.", file=sys.stderr)
    outcomes, collected = autograde_outcomes(
        layout, args.assignment, Path(args.submissions), grading_dir,
        emit=lambda line: print(line, flush=True), options=options, db_url=args.db_url)
    from .grading.autograde.summary import print_summary
    from .grading.term.cli import autograde_notes

    return print_summary(outcomes, collected,
                         autograde_notes(grading_dir, layout, args.assignment, collected))


def _cmd_feedback(args) -> int:
    from .grading.autograde.classroom import feedback_class

    layout = _layout(args)
    made, problems, awaiting = feedback_class(layout, args.assignment, _grading_dir(args),
                                              args.student or None, partial=args.partial)
    for student, paths in made.items():
        for path in paths:
            print(f"  {student:<24} {path}")
    print(f"feedback for {len(made)} student(s); hidden tests and mark schemes are not shown.")
    if awaiting:
        what = (f"{sum(awaiting.values())} written answer(s) of {len(awaiting)} student(s) "
                "still await hand grading (formgrader in the grading folder)")
        if args.partial:
            print(f"{what}: their pages say 'not graded yet' and the score is provisional.")
        else:
            print(f"{what}: no feedback written for them ({', '.join(sorted(awaiting))}); "
                  "grade those answers, or pass --partial.", file=sys.stderr)
    if args.zip and made:
        from .grading.term.cli import zip_feedback

        print(f"wrote {zip_feedback(_grading_dir(args), args.assignment, made)}")
    if args.release and made:
        from .hub.roundtrip import release_feedback
        from .hub.settings import from_env

        students = release_feedback(from_env(), args.assignment, made, Path(args.inbox))
        print(f"released feedback of {len(students)} student(s) into the exchange; each "
              "fetches their own in the Assignments panel.")
    for problem in problems:
        print(f"  no feedback for {problem}", file=sys.stderr)
    return 1 if problems or (awaiting and not args.partial) else 0


def _cmd_grades(args) -> int:
    from .grading.autograde.classroom import GradingFolder
    from .grading.results.grades import (
        format_questions,
        grade_tables,
        text_histogram,
        write_grade_tables,
    )
    from .grading.term.cli import check_lms_args, lms_export, regrade_lines

    check_lms_args(args)
    layout = _layout(args)
    grading_dir = _grading_dir(args)
    tables = grade_tables(layout, args.assignment, grading_dir)
    lms = lms_export(args, layout, tables, grading_dir) if args.lms else []  # refuses first
    out = Path(args.out).expanduser() if args.out and not args.lms else grading_dir / "grades"
    paths = write_grade_tables(tables, out, layout)
    students = tables.students
    scores = students["score"].dropna()
    if len(scores):
        print(f"{args.assignment}: {len(scores)} graded submission(s), mean {scores.mean():.1f}"
              f" / {tables.max_score:g}, median {scores.median():g}")
    problems = students[students["status"] != "graded"]
    if len(problems):
        print(f"{len(problems)} student(s) to look at (the status column of the CSV says the "
              "same):")
        for row in problems.itertuples():
            print(f"  {row.student:<24} {row.status}")
    awaiting = int((students["awaiting_manual_grading"] > 0).sum())
    if awaiting:
        print(f"{awaiting} submission(s) still have written answers to grade by hand; their "
              "totals count those as 0 for now.")
    print("\nper question:")
    print(format_questions(tables.questions))
    provisional = f" (provisional: {tables.awaiting} answer(s) not graded yet count as 0)" \
        if tables.awaiting else ""
    print(f"\nscores{provisional}:")
    print(text_histogram(students["score"], tables.max_score))
    regrades = regrade_lines(GradingFolder(grading_dir, layout, create=False), args.assignment)
    if regrades:
        print("\n" + "\n".join(regrades))
    print()
    for path in paths:
        print(f"wrote {path}")
    for line in lms:
        print(line)
    return 0


def _cmd_check(args) -> int:
    from .grading.autograde.check import check_notebook, format_check

    result = check_notebook(_layout(args), args.notebook, assignment=args.assignment,
                            visible_only=args.visible_only)
    print(format_check(result))
    return 0 if result.passed else 1


def _cmd_bundle(args) -> int:
    from .grading.authoring.bundle import make_student_bundle

    path, count = make_student_bundle(_layout(args), args.student)
    print(f"wrote {path}: {count} files, no solutions, hidden tests or mark schemes.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="course",
        description="Tools for the Scored course: data, exercise release and grading "
                    "(over nbgrader). See docs/instructors.md.",
    )
    parser.add_argument("--root", metavar="DIR",
                        help="the course folder (default: the course folder you are in, else "
                             "the checkout this package was installed from; SCORED_ROOT sets "
                             "it too)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    data = sub.add_parser(
        "data", help="regenerate the default synthetic data sets (deterministic)",
        description="Write population.csv, transactions.csv and friendships.csv, byte for byte "
                    "the same on every run.")
    data.add_argument("--out", metavar="DIR", help="folder to write to (default: datasets/)")
    data.add_argument("--check", action="store_true",
                      help="only compare the folder with the generator; exit 1 if they differ")
    data.set_defaults(func=_cmd_data)

    release = sub.add_parser(
        "release", help="regenerate exercises/ from solutions/, then run the gate",
        description="Generate each assignment's student version with nbgrader (in a "
                    "temporary course directory), write it to exercises/, then run the gate.")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                         help="assignments to release (default: all)")
    release.add_argument("--no-gate", action="store_true",
                         help="skip the gate (about a minute per assignment); run `course gate` "
                              "before you hand the exercises out")
    release.add_argument("--jobs", "-j", type=int, metavar="N",
                         help="gate: grade N notebooks at once (default: one per core)")
    release.set_defaults(func=_cmd_release)

    gate = sub.add_parser(
        "gate", help="check that every exercise is fair, reproducible and leak-free",
        description="Fail unless, for every assignment: the sources are well formed; "
                    "exercises/ equals a fresh generation and leaks no solution, hidden test or "
                    "mark scheme; the solution scores full marks and the blank release zero "
                    "under real nbgrader autograde; and every autograded question loses its "
                    "points to at least one wrong answer in tests/wrong_answers/.")
    gate.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                      help="assignments to check (default: all)")
    gate.add_argument("--jobs", "-j", type=int, metavar="N",
                      help="grade N notebooks at once (default: one per core)")
    gate.set_defaults(func=_cmd_gate)

    grading_help = ("the grading folder, outside the repository (default: $SCORED_GRADING_DIR "
                    "or ~/scored-grading)")
    autograde = sub.add_parser(
        "autograde", help="autograde a folder of student notebooks",
        description="Copy each submission into the grading folder and autograde it with "
                    "nbgrader, each kernel in a bubblewrap sandbox, N at a time, flagging "
                    "submissions that tamper with the tests. The submissions folder is never "
                    "modified. Unchanged submissions already graded are not graded again. It "
                    "may use nbgrader's <student>/<assignment>/<notebook>.ipynb layout or "
                    "hold <student>.ipynb files.")
    autograde.add_argument("assignment", metavar="ASSIGNMENT",
                           help="the assignment, e.g. ps1-build-the-score (see exercises/)")
    autograde.add_argument("--submissions", metavar="DIR", required=True,
                           help="folder of student submissions")
    autograde.add_argument("--grading-dir", metavar="DIR", help=grading_help)
    autograde.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                           help="grade N submissions at once (default 1); grades do not "
                                "depend on it")
    autograde.add_argument("--no-sandbox", action="store_true",
                           help="run kernels without the bubblewrap sandbox (refused by "
                                "default where bubblewrap is unavailable); see docs/sandbox.md")
    autograde.add_argument("--timeout", type=int, metavar="SECONDS",
                           help="seconds a cell may run (default: c.Execute.timeout in "
                                "nbgrader_config.py)")
    autograde.add_argument("--memory", type=int, metavar="MB",
                           help="address-space limit of each kernel (default 3072)")
    autograde.add_argument("--regrade", nargs="+", metavar="STUDENT",
                           help="grade these students again although their submission is "
                                "unchanged ('all' for everyone); a failed attempt still keeps "
                                "the earlier grade")
    autograde.add_argument("--db-url", metavar="URL",
                           help="gradebook URL, e.g. postgresql+psycopg2://user@host/db (default: "
                                "gradebook.db in the grading folder; remembered)")
    autograde.set_defaults(func=_cmd_autograde)

    feedback = sub.add_parser(
        "feedback", help="HTML feedback per student (no hidden tests or mark schemes)",
        description="Write feedback/<student>/<assignment>/<notebook>.html in the grading "
                    "folder for every autograded submission.")
    feedback.add_argument("assignment", metavar="ASSIGNMENT",
                          help="the assignment, e.g. ps1-build-the-score")
    feedback.add_argument("--student", action="append", metavar="ID",
                          help="only this student (repeatable)")
    feedback.add_argument("--grading-dir", metavar="DIR", help=grading_help)
    feedback.add_argument("--release", action="store_true",
                          help="also put each student's feedback into the class server's "
                               "exchange (course hub; SCORED_HUB_* settings)")
    feedback.add_argument("--inbox", default="~/scored-inbox",
                          help="with --release: where `course hub collect` put the "
                               "submissions (default: ~/scored-inbox)")
    feedback.set_defaults(func=_cmd_feedback)

    grades = sub.add_parser(
        "grades", help="grades as CSV, a per-question summary and a score histogram",
        description="Write grades-<a>.csv (one row per student), questions-<a>.csv and "
                    "histogram-<a>.png, and print the summary.")
    grades.add_argument("assignment", metavar="ASSIGNMENT",
                        help="the assignment, e.g. ps1-build-the-score")
    grades.add_argument("--grading-dir", metavar="DIR", help=grading_help)
    grades.add_argument("--out", metavar="DIR",
                        help="folder for the files (default: grades/ in the grading folder); "
                             "with --lms, the LMS file to write (default: "
                             "grades/<lms>-<assignment>.csv)")
    grades.set_defaults(func=_cmd_grades)

    check = sub.add_parser(
        "check", help="grade one notebook yourself, with all the tests; changes nothing",
        description="Grade a copy of NOTEBOOK with nbgrader in a temporary folder and print "
                    "each question's points and messages. With solutions/ present (a full "
                    "checkout) the hidden tests run too; otherwise only the visible ones. "
                    "Exit 0 if every autograded question passes, 1 if not.")
    check.add_argument("notebook", metavar="NOTEBOOK")
    check.add_argument("--assignment", metavar="ASSIGNMENT",
                       help="which assignment the notebook is (default: recognised from it)")
    check.add_argument("--visible-only", action="store_true",
                       help="run only the tests a student can see")
    check.set_defaults(func=_cmd_check)

    bundle = sub.add_parser(
        "bundle", help="zip the student edition: lessons, exercises, data, package",
        description="Write a zip with the lessons, exercises, data sets and the course "
                    "package, and no solutions, hidden tests or mark schemes.")
    bundle.add_argument("--student", metavar="OUT.zip", required=True,
                        help="where to write the student edition")
    bundle.set_defaults(func=_cmd_bundle)

    from .grading.term.cli import add_parsers  # roster, due, extend, regrade; --lms, --zip

    add_parsers(sub)
    from .hub.cli import add_parsers as add_hub  # course hub start/stop

    add_hub(sub)
    return parser


def skip_iri_grammars() -> None:
    """Keep jsonschema from loading ``rfc3987_syntax`` in this process.

    When it is installed (jupyter-events' extras bring it), jsonschema imports it to check the
    "iri" string format, compiling ~39 grammars: ~0.7 s of every command that reads a notebook.
    No notebook schema uses that format, and without the module jsonschema skips only that
    check; grading kernels and JupyterLab are separate processes and are not affected.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    skip_iri_grammars()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from .grading.layout import GradingError

    try:
        return args.func(args)
    except GradingError as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError) as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The ``course`` command: :func:`main`, then exit without Python's own tear-down.

    At exit Python frees every object one at a time: ~0.5 s after grading, whose libraries
    fill the heap, for nothing, since the process ends. So once :func:`main` has returned and
    no other thread is running, the exit handlers run (logging, temporary files), the output
    is flushed and the process ends at once with :func:`main`'s exit status.
    """
    code = main() or 0
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's
    if threading.active_count() > 1 or run_exit_handlers is None:
        sys.exit(code)  # a thread still working: the normal exit waits for it
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # the output could not be written (a closed pipe)
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
