"""nbgrader configuration for the Scored course.

With this file at the root of the repository, nbgrader's own commands work on the
repository as it is (``nbgrader generate_assignment ps1-build-the-score`` writes
``exercises/ps1-build-the-score/``). The ``course`` command (``course release``, ``gate``,
``autograde``, ``feedback``, ``grades``, ``check``) loads this same file and then points
nbgrader at a *temporary* course directory, or at the instructor's grading folder outside the
repository, so that gradebooks and student work never land in the repository.

See docs/instructors.md for the workflow.
"""

import importlib.util
from pathlib import Path

import nbgrader as _nbgrader

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

_here = Path(__file__).resolve().parent

# -- Where things are ---------------------------------------------------------------------
c.CourseDirectory.course_id = "scored"
c.CourseDirectory.root = str(_here)
# Instructor versions (with solutions, hidden tests and mark schemes) ...
c.CourseDirectory.source_directory = "solutions"
# ... and the student versions generated from them. Never edit exercises/ by hand.
c.CourseDirectory.release_directory = "exercises"
# Never copy these along with an assignment, nor pick them up from submissions.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store", "*.db",
]
# Files larger than this (in kB) are left out when a submission folder is copied: a stray
# data dump in a student's folder must not fill the disk.
c.CourseDirectory.max_file_size = 5000

# -- Generating the student version -------------------------------------------------------
# Every exercise starts with the shared header (how to work, validate and check).
c.IncludeHeaderFooter.header = str(_here / "solutions" / "header.ipynb")
# What students see in place of removed solutions (nbgrader's defaults, stated).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Refuse to generate if a hidden-test or mark-scheme region sits in the wrong kind of cell
# (it would otherwise lose its protection).
c.ClearHiddenTests.enforce_metadata = True
c.ClearMarkScheme.enforce_metadata = True

# -- Autograding --------------------------------------------------------------------------
# One fixed kernel for grading, whatever kernel name a submission carries.
c.Execute.kernel_name = "python3"
# Seconds per cell before the kernel is interrupted and the cell counts as failed. The
# slowest ps1 cell takes well under a second; 60 s leaves room for slow student code while
# stopping infinite loops.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# No retries: a flaky notebook should be fixed, not re-run until it passes.
c.Execute.execute_retries = 0
# Keep IPython history in memory (nothing written to ~/.ipython) and the kernel's own
# start-up warnings out of the graders' terminal.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
# Put back graded or locked cells a student deleted, so that their tests still run.
c.OverwriteCells.add_missing_cells = True
# Output limits: a runaway print loop or a deep recursion cannot bloat the gradebook or the
# feedback page.
c.LimitOutput.max_lines = 500
c.LimitOutput.max_traceback = 100
# nbgrader fails a test cell that writes anything to stderr. Test cells already silence
# warnings (``with quiet():``); as a second line of defence, drop stderr output that is only
# a Python warning.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"^[^\n]*:\d+: \w*Warning: "
# Late submissions: nbgrader's own plugin adds nothing; `course due ASSIGNMENT DATETIME
# --penalty-per-day PCT [--zero-after DAYS]` sets a due date and policy, and `course
# autograde` applies it (course.grading.term.deadlines) to nbgrader's late_submission_penalty.
c.LateSubmissionPlugin.penalty_method = "none"

# -- Feedback -----------------------------------------------------------------------------
# nbgrader's feedback would show the hidden tests and mark schemes that autograding restored
# into the notebook; HideSecrets removes them (and tracebacks that quote them) first.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.results.feedback.HideSecrets",
    "course.grading.results.feedback.GradingNotes",
    "course.grading.results.feedback.DescribeFigures",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# GradingNotes and the course's feedback page say what is not final: an answer still to be
# graded by hand reads "not graded yet" (not 0), and the page says how late it was and what
# that cost. The page (course/grading/results/templates/feedback_page/scored.html.j2) extends
# nbgrader's own feedback template (its conf.json names "feedback" as the base).
# DescribeFigures gives every figure an alt text that says what the plot shows, and `course
# feedback` makes the page itself accessible (results/feedback.accessible_page).
# Set for feedback only (traitlets' config nested under the class that owns the exporter):
# the formgrader's grading pages use their own nbgrader template.
c.GenerateFeedback.HTMLExporter.template_name = "feedback_page"
c.GenerateFeedback.HTMLExporter.template_file = "scored.html.j2"
# The templates come from the installed course package (found without importing it), so a
# grading folder's copy of this file finds them too.
_package = Path(importlib.util.find_spec("course").submodule_search_locations[0])
c.HTMLExporter.extra_template_basedirs = [
    str(_package / "grading" / "results" / "templates"),
    str(Path(_nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"),
]
