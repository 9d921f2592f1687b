"""The term's commands: ``course roster``, ``due``, ``extend``, ``regrade``, and the options
they add to ``course grades`` (``--lms``) and ``course feedback`` (``--partial``, ``--zip``).

:func:`add_parsers` registers them on ``course``'s subparsers; the functions below it are
what :mod:`course.cli` calls from its own grading commands.
"""

from __future__ import annotations

import argparse
import math
import zipfile
from datetime import timezone
from pathlib import Path

from ..layout import GradingError

GRADING_HELP = ("the grading folder, outside the repository (default: $SCORED_GRADING_DIR or "
                "~/scored-grading)")


def _grading_dir(args) -> Path:
    from ..layout import grading_dir

    return grading_dir(args.grading_dir)


def _folder(args, *, create: bool = False):
    from ..autograde.classroom import GradingFolder
    from ..layout import find_layout

    layout = find_layout(args.root)
    return layout, GradingFolder(_grading_dir(args), layout, create=create)


def _utc(moment) -> str:
    return moment.replace(tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# -- course roster --------------------------------------------------------------------------
def cmd_roster(args) -> int:
    from .roster import import_roster, read_roster, roster_entries

    if args.roster_command == "import":
        roster = read_roster(Path(args.file), args.id_from)  # refuses before anything is made
        _, folder = _folder(args, create=True)
        with folder.ws.api.gradebook as gb:
            report = import_roster(gb, roster)
        kind = {"canvas": "a Canvas gradebook export", "moodle": "a Moodle grade export",
                "csv": "a plain CSV"}[roster.format]
        print(f"imported {report.imported} student(s) from {kind} into {folder.path}")
        for note in roster.notes:
            print(f"  note: {note}")
        for assignment, students in report.not_on_roster.items():
            if students:
                print(f"  {assignment}: {len(students)} submission(s) from students not on the "
                      f"roster: {', '.join(students)} (check their ids, or --id-from)")
        for assignment, students in report.no_submission.items():
            if students:
                print(f"  {assignment}: {len(students)} student(s) on the roster with no "
                      f"submission: {', '.join(students)}")
        return 0
    _, folder = _folder(args)
    with folder.ws.api.gradebook as gb:
        entries = roster_entries(gb)
    if not entries:
        print(f"no roster in {folder.path} yet; import one with `course roster import FILE` "
              "(a Canvas or Moodle export, or id,first_name,last_name,email,section).")
        return 0
    width = max(len(e.student) for e in entries)
    for e in entries:
        ids = ", ".join(f"{k} {v}" for k, v in (("SIS", e.sis_user_id), ("login", e.sis_login_id),
                                                 ("ID number", e.id_number)) if v)
        print(f"  {e.student:<{width}}  {e.name:<24} {e.email:<28} {e.section:<14} {ids}")
    print(f"{len(entries)} student(s) on the roster.")
    return 0


# -- course due / extend --------------------------------------------------------------------
def _late_lines(gb, assignment: str) -> list[str]:
    from .deadlines import assess, late_policy, penalty_of

    policy = late_policy(gb, assignment)
    try:
        submissions = gb.find_assignment(assignment).submissions
    except Exception:  # nbgrader.api.MissingEntry
        return []
    lines, unknown = [], []
    for sub in sorted(submissions, key=lambda s: s.student.id):
        lateness = assess(policy, sub)
        if lateness.unknown:
            unknown.append(sub.student.id)
        elif lateness.description:
            lines.append(f"  {sub.student.id:<24} {lateness.description} "
                         f"(-{penalty_of(sub):g} points)")
    if unknown:
        lines.append(f"  {len(unknown)} submission(s) without timestamp.txt (flat files: a "
                     "file's modification time is not trusted), so their lateness is unknown "
                     f"and no penalty applies: {', '.join(unknown)}")
    return lines


def cmd_due(args) -> int:
    from ..layout import find_layout
    from .deadlines import check_due, late_policy, set_due

    find_layout(args.root).require(args.assignment)
    check_due(args.datetime, args.penalty_per_day, args.zero_after)  # before anything is made
    layout, folder = _folder(args, create=True)
    with folder.ws.api.gradebook as gb:
        due, changed = set_due(gb, args.assignment, args.datetime,
                               penalty_per_day=args.penalty_per_day,
                               zero_after_days=args.zero_after)
        policy = late_policy(gb, args.assignment)
        lines = _late_lines(gb, args.assignment)
    print(f"{args.assignment} is due {args.datetime} ({_utc(due)}); {policy.describe()}.")
    print(f"late penalties re-applied without running any notebook: {changed} submission(s) "
          "changed.")
    for line in lines:
        print(line)
    return 0


def cmd_extend(args) -> int:
    from .deadlines import grant_extension

    layout, folder = _folder(args)
    layout.require(args.assignment)
    with folder.ws.api.gradebook as gb:
        until, changed = grant_extension(gb, args.assignment, args.student, args.until)
        lines = [line for line in _late_lines(gb, args.assignment)
                 if line.split()[0] == args.student]
    print(f"{args.student} now has until {_utc(until)} for {args.assignment}; "
          f"{changed} penalty changed." if changed == 1 else
          f"{args.student} now has until {_utc(until)} for {args.assignment}; "
          f"{changed} penalties changed.")
    print("\n".join(lines) if lines else f"  {args.student}: not late (no penalty)")
    return 0


# -- course regrade -------------------------------------------------------------------------
def _regrade_one(layout, folder, assignment: str, student: str, sandbox: bool):
    """Grade one submission again from the grading folder's copy (only if what it is graded
    with changed: the digest decides); hand scores are kept."""
    from ..autograde.batch import Options, autograde_batch, source_digest
    from ..autograde.classroom import Submission
    from ..autograde.store import Store
    from ..kernel.sandbox import sandbox_problem

    copy = folder.ws.submitted(student, assignment)
    files = {p.name: p for p in sorted(copy.glob("*.ipynb"))}
    if not files:
        raise GradingError(f"{copy} holds no notebook; run `course autograde` for "
                           f"{assignment} first.")
    if sandbox and sandbox_problem():
        raise GradingError(f"grading kernels cannot be sandboxed here: {sandbox_problem()}; "
                           "pass --no-sandbox only if you accept that.")
    stamp = copy / "timestamp.txt"
    sub = Submission(student, files, timestamp=stamp if stamp.is_file() else None)
    folder.prepare(assignment)
    with Store(folder.path, folder.db_url) as store:  # the tests changed since: grade again
        record = store.recorded(assignment).get(student)
    tests_changed = record is not None and \
        record.outcome.get("source") not in (None, source_digest(layout, assignment))
    options = Options(sandbox=sandbox, regrade=(student,) if tests_changed else ())
    return autograde_batch(layout, assignment, folder.path, folder.db_url, [sub], options)[0]


def cmd_regrade(args) -> int:
    from .regrade import request_regrade, requests, settle

    layout, folder = _folder(args)
    layout.require(args.assignment)
    if args.settle == bool(args.reason):
        raise GradingError("give either --reason TEXT (record a request) or --settle (regrade "
                           "the submission and close its requests).")
    if args.settle:
        with folder.ws.api.gradebook as gb:
            if not requests(gb, args.assignment, args.student, status="open"):
                raise GradingError(f"{args.student} has no open regrade request for "
                                   f"{args.assignment}; record one with `course regrade "
                                   f"{args.assignment} {args.student} --reason TEXT`.")
        outcome = _regrade_one(layout, folder, args.assignment, args.student,
                               not args.no_sandbox)
        if outcome.report.error:
            raise GradingError(f"regrading {args.student} failed: {outcome.report.error}; the "
                               "request stays open.")
        with folder.ws.api.gradebook as gb:
            settled = settle(gb, args.assignment, args.student, note=args.note)
        how = "unchanged submission and tests, so not run again" if outcome.skipped else \
            "graded again"
        print(f"{args.student}: {how}; {len(settled)} request(s) settled:")
        for request in settled:
            print(f"  {request.line()}")
        return 0
    with folder.ws.api.gradebook as gb:
        request = request_regrade(gb, args.assignment, args.student, args.reason,
                                  args.question)
    print(f"recorded regrade request #{request.id}: {args.student}, {args.assignment}"
          f"{', ' + request.question if request.question else ''} (score now "
          f"{request.old_score:g}). Change the hand score in formgrader or the test in "
          f"solutions/, then run `course regrade {args.assignment} {args.student} --settle`.")
    return 0


def regrade_lines(folder, assignment: str) -> list[str]:
    """The open and settled requests, for ``course grades``."""
    from .regrade import requests

    with folder.ws.api.gradebook as gb:
        found = requests(gb, assignment)
    if not found:
        return []
    open_ = [r for r in found if r.status == "open"]
    return [f"regrade requests: {len(open_)} open, {len(found) - len(open_)} settled"] + \
        [f"  {r.line()}" for r in found]


# -- course autograde / feedback / grades ---------------------------------------------------
def autograde_notes(folder_path: Path, layout, assignment: str, collected) -> list[str]:
    """What the autograde summary says about lateness (flat files have no trusted time)."""
    from ..autograde.classroom import GradingFolder

    folder = GradingFolder(folder_path, layout, create=False)
    with folder.ws.api.gradebook as gb:
        try:
            due = gb.find_assignment(assignment).duedate
        except Exception:  # nbgrader.api.MissingEntry
            return []
        if due is None:
            return []
        lines = _late_lines(gb, assignment)
    return [f"late work ({assignment} was due {_utc(due)}):"] + lines if lines else []


def zip_feedback(grading_dir: Path, assignment: str, made: dict[str, list[Path]],
                 out: Path | None = None) -> Path:
    """Pack each student's pages, named by their roster id, for upload to the LMS."""
    target = Path(out).expanduser() if out else Path(grading_dir) / f"feedback-{assignment}.zip"
    tmp = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for student, pages in sorted(made.items()):
            for page in pages:
                name = f"{student}.html" if len(pages) == 1 else f"{student}-{page.name}"
                archive.write(page, name)
    tmp.replace(target)
    return target


def check_lms_args(args) -> None:
    """Refuse LMS options that do not go together, before anything is written."""
    if args.lms is None:
        for flag, value in (("--template", args.template), ("--column", args.column),
                            ("--provisional", args.provisional)):
            if value:
                raise GradingError(f"{flag} goes with --lms canvas or --lms moodle.")
        return
    if args.lms == "canvas" and not args.template:
        raise GradingError("--lms canvas needs --template EXPORT.csv: your own gradebook export "
                           "from Canvas (Grades > Export > Export Entire Gradebook).")
    if args.lms == "moodle" and (args.template or args.column):
        raise GradingError("--template and --column are for --lms canvas; Moodle's import "
                           "needs no template.")


def lms_export(args, layout, tables, grading_dir: Path) -> list[str]:
    """Write the Canvas or Moodle file for ``course grades --lms``; return what to print."""
    from ..autograde.classroom import GradingFolder
    from ..layout import check_outside
    from ..results.lms import LmsGrade, canvas_fill, moodle_export
    from .deadlines import UNKNOWN
    from .roster import roster_map

    folder = GradingFolder(grading_dir, layout, create=False)
    with folder.ws.api.gradebook as gb:
        people = roster_map(gb)
    grades = []
    for row in tables.students.itertuples():
        if isinstance(row.score, float) and math.isnan(row.score):
            continue  # nothing could be graded: left blank in the LMS
        person = people.get(row.student)
        feedback = f"{row.score:g}/{row.max_score:g}"
        if row.late and row.late != UNKNOWN:  # for the student: only what is known
            feedback += f"; {row.late}"
        if row.awaiting_manual_grading:
            feedback += (f"; provisional: {row.awaiting_manual_grading} answer(s) not graded "
                         "yet")
        grades.append(LmsGrade(
            row.student, float(row.score), int(row.awaiting_manual_grading), feedback,
            person.first_name if person else "", person.last_name if person else "",
            person.email if person else "", person.id_number if person else "",
            person.sis_login_id if person else "", person.sis_user_id if person else ""))
    default = Path(grading_dir) / "grades" / f"{args.lms}-{tables.assignment}.csv"
    out = check_outside(Path(args.out), layout, "the LMS file") if args.out else default
    if args.lms == "canvas":
        export = canvas_fill(Path(args.template), out, tables.assignment, tables.max_score,
                             grades, column=args.column, provisional=args.provisional)
        lines = [f"wrote {export.path}: {len(export.filled)} grade(s) in column "
                 f"{export.column!r}; import it in Canvas with Grades > Import."]
    else:
        export = moodle_export(out, tables.assignment, grades, provisional=args.provisional)
        lines = [f"wrote {export.path}: {len(export.filled)} grade(s) for Moodle."]
    if args.provisional and tables.awaiting:
        lines.append(f"  PROVISIONAL: {tables.awaiting} written answer(s) not graded yet count "
                     "as 0 in these totals.")
    return lines + [f"  {note}" for note in export.notes]


# -- the parsers ----------------------------------------------------------------------------
def add_parsers(sub) -> None:
    """Add ``roster``, ``due``, ``extend`` and ``regrade`` to ``course``'s subparsers, and the
    term's options to its ``grades`` and ``feedback`` commands (call after those exist)."""
    roster = sub.add_parser(
        "roster", help="the class list: `course roster import FILE`, `course roster`",
        description="Import the class list from your LMS's export (a Canvas gradebook export, "
                    "a Moodle grade export, or a CSV with id,first_name,last_name,email,section)"
                    " into the grading folder's gradebook, or list it.")
    roster.add_argument("--grading-dir", metavar="DIR", help=GRADING_HELP)
    inner = roster.add_subparsers(dest="roster_command", metavar="import",
                                  parser_class=sub._parser_class)
    imp = inner.add_parser("import", help="import a class list (replaces the last one)",
                           description="Read FILE, map each student to the id their "
                                       "submissions use, and store names, emails and sections. "
                                       "Reports submissions from students not on the roster "
                                       "and students with no submission.")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--id-from", default="login", choices=["login", "sis", "email", "lms"],
                     help="which column is the submission id: login (Canvas SIS Login ID, "
                          "Moodle Username or the email before @, the CSV's id; default), sis "
                          "(SIS User ID / ID number), email, lms (Canvas ID)")
    imp.add_argument("--grading-dir", metavar="DIR", help=GRADING_HELP,
                     default=argparse.SUPPRESS)  # before or after `import`
    roster.set_defaults(func=cmd_roster, roster_command=None)

    due = sub.add_parser(
        "due", help="set an assignment's due date and late policy",
        description="Set the due date (ISO 8601 with a time zone, e.g. "
                    "2026-12-04T17:00+08:00) and the late policy, and re-apply every "
                    "submission's penalty (no notebook is run). Lateness comes from each "
                    "submission's timestamp.txt.")
    due.add_argument("assignment", metavar="ASSIGNMENT")
    due.add_argument("datetime", metavar="DATETIME")
    due.add_argument("--penalty-per-day", type=float, default=0.0, metavar="PCT",
                     help="percent of the points taken off per day or part of a day late "
                          "(default 0)")
    due.add_argument("--zero-after", type=float, metavar="DAYS",
                     help="score 0 when more than DAYS days late")
    due.add_argument("--grading-dir", metavar="DIR", help=GRADING_HELP)
    due.set_defaults(func=cmd_due)

    extend = sub.add_parser(
        "extend", help="give a student more time for an assignment",
        description="Grant an extension: a new due date (ISO 8601 with a time zone) or +Nd "
                    "(days added to the due date); penalties are re-applied at once.")
    extend.add_argument("student", metavar="STUDENT")
    extend.add_argument("assignment", metavar="ASSIGNMENT")
    extend.add_argument("until", metavar="DATETIME|+Nd")
    extend.add_argument("--grading-dir", metavar="DIR", help=GRADING_HELP)
    extend.set_defaults(func=cmd_extend)

    regrade = sub.add_parser(
        "regrade", help="record a regrade request, or settle it by regrading one submission",
        description="With --reason, record a student's request. After you change the hand "
                    "score in formgrader or the test in solutions/, --settle grades that one "
                    "submission again (if its tests changed), re-applies its late penalty and "
                    "closes its open requests with the old and new score. `course grades` lists "
                    "them.")
    regrade.add_argument("assignment", metavar="ASSIGNMENT")
    regrade.add_argument("student", metavar="STUDENT")
    regrade.add_argument("--question", metavar="ID", help="the question (graded cell id)")
    regrade.add_argument("--reason", metavar="TEXT", help="why (records a request)")
    regrade.add_argument("--settle", action="store_true",
                         help="regrade the submission and settle its open requests")
    regrade.add_argument("--note", metavar="TEXT", help="what you decided (with --settle)")
    regrade.add_argument("--no-sandbox", action="store_true",
                         help="regrade without the bubblewrap sandbox (see docs/sandbox.md)")
    regrade.add_argument("--grading-dir", metavar="DIR", help=GRADING_HELP)
    regrade.set_defaults(func=cmd_regrade)

    grades = sub.choices["grades"]
    grades.add_argument("--lms", choices=["canvas", "moodle"],
                        help="also write a file the LMS imports (see --template)")
    grades.add_argument("--template", metavar="EXPORT.csv",
                        help="with --lms canvas: your Canvas gradebook export, filled and "
                             "written to grades/canvas-<assignment>.csv (or --out FILE)")
    grades.add_argument("--column", metavar="HEADER",
                        help="with --lms canvas: the export's column to fill, e.g. "
                             "'ps1 (20482)' (default: the one titled after the assignment, "
                             "else a new column)")
    grades.add_argument("--provisional", action="store_true",
                        help="export totals even while written answers await hand grading")
    feedback = sub.choices["feedback"]
    feedback.add_argument("--partial", action="store_true",
                          help="also write feedback for students whose written answers are "
                               "not graded yet (they read 'not graded yet')")
    feedback.add_argument("--zip", action="store_true",
                          help="also pack each student's page, named by roster id, into "
                               "feedback-<assignment>.zip in the grading folder")

