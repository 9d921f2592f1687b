"""``course hub``: the class server (``make hub`` and ``make hub-stop`` call these)."""

from __future__ import annotations

import sys
from pathlib import Path

from .settings import from_env


def _settings(args):
    s = from_env()
    if getattr(args, "port", None):
        s.port = args.port
    if getattr(args, "students", None):
        s.students = [n.strip() for n in args.students.split(",") if n.strip()]
    return s


def cmd_start(args) -> int:
    from .server import start
    from .users import students_from_roster

    s = _settings(args)
    roster = None
    if not s.students:
        from ..grading.layout import grading_dir

        roster = grading_dir(args.grading_dir)
        s.students = students_from_roster(roster)
    proc = start(s)
    print(f"JupyterHub is running on {s.url}/ (pid {proc.pid}; log {s.state}/jupyterhub.log)")
    print(f"  instructor (admin): {s.instructor}")
    print(f"  students: {', '.join(s.students)} (each finds the lessons and exercises in "
          "~/scored/; a copy a student changed is never replaced)")
    if s.auth == "native":
        print(f"  each account picks its password at first login: {s.url}/hub/signup "
              f"(the instructor authorizes sign-ups at {s.url}/hub/authorize)")
    print(f"  exchange: {s.exchange}; each server capped at {s.memory} of address space "
          "per process; stop everything with `make hub-stop`")
    if roster is not None:
        _share_roster(roster, s)
    return 0


def _share_roster(roster: Path, s) -> None:
    """The roster's names and ids into the formgrader's grading folder too (the hub runs
    already: a failure here is said, with what to do, and the hub goes on)."""
    from .users import share_roster

    try:
        n = share_roster(roster, s.grading_dir, s.instructor)
    except Exception as error:  # noqa: BLE001 - the hub is up; say what to do instead
        print(f"course hub: could not copy the roster into {s.grading_dir} ({error}); run "
              f"`course roster import FILE --grading-dir {s.grading_dir}` so that the "
              "formgrader shows the students' names", file=sys.stderr)
        return
    if n:
        print(f"  roster: {n} student(s)' names and ids copied from {roster} into the "
              f"formgrader's grading folder {s.grading_dir}")


def cmd_stop(args) -> int:
    from .server import stop

    s = _settings(args)
    print("JupyterHub stopped." if stop(s) else f"no hub was running from {s.state}.")
    return 0


def _layout(args):
    from ..grading.layout import find_layout

    return find_layout(getattr(args, "root", None))


def cmd_release(args) -> int:
    from .roundtrip import release

    path = release(_settings(args), _layout(args), args.assignment)
    print(f"released {args.assignment} into the exchange: {path}; students fetch it in the "
          "Assignments panel.")
    return 0


def cmd_collect(args) -> int:
    from .roundtrip import collect, collect_problems

    inbox = Path(args.inbox).expanduser()
    s = _settings(args)
    got = collect(s, args.assignment, inbox)
    print(f"collected {len(got)} submission(s) of {args.assignment} into "
          f"{inbox / args.assignment}")
    for student, folder in got.items():
        stamp = folder / "timestamp.txt"
        when = stamp.read_text().strip() if stamp.exists() else "no timestamp"
        print(f"  {student:<24} {when}")
    for problem in collect_problems(s, args.assignment, got):
        print(f"course hub collect: warning: {problem}", file=sys.stderr)
    print(f"grade them with: course autograde {args.assignment} --submissions "
          f"{inbox / args.assignment}")
    return 0


def add_parsers(sub) -> None:
    hub = sub.add_parser("hub", help="the class server: JupyterHub with nbgrader's exchange",
                         description="Start or stop the course's JupyterHub (as root, on "
                                     "Linux); settings come from SCORED_HUB_* variables, "
                                     "see course/hub/settings.py.")
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    start = hub_sub.add_parser("start", help="set up accounts and the exchange, start the hub")
    start.add_argument("--port", type=int, help="public port (default 8000)")
    start.add_argument("--students", help="comma-separated Unix names (default: the roster)")
    start.add_argument("--grading-dir", help="where the roster is (default: ~/scored-grading)")
    start.set_defaults(func=cmd_start)
    stop = hub_sub.add_parser("stop", help="stop the hub, its proxy and the users' servers")
    stop.set_defaults(func=cmd_stop)
    release = hub_sub.add_parser("release", help="put an assignment's student version into "
                                 "the exchange (nbgrader's release_assignment)")
    release.add_argument("assignment", metavar="ASSIGNMENT")
    release.add_argument("--root", help="the course repository (default: this checkout)")
    release.set_defaults(func=cmd_release)
    collect = hub_sub.add_parser("collect", help="copy the submissions, with nbgrader's "
                                 "timestamps, into an inbox outside the repository")
    collect.add_argument("assignment", metavar="ASSIGNMENT")
    collect.add_argument("--inbox", default="~/scored-inbox",
                         help="where to put them (default: ~/scored-inbox)")
    collect.set_defaults(func=cmd_collect)



