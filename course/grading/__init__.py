"""Grading tools for the Scored exercises, built on nbgrader's Python API.

The command-line front end is ``course`` (see :mod:`course.cli`, ``docs/instructors.md`` and
``docs/architecture.md``, which follows one submission through these modules). The layout
shows the flow:

==============  ================================================================
nbtools         helpers the exercise test cells use (``quiet``, ``borrowed``); light
layout          where things are: which course folder, its assignments, the grading folder
notebooks       reading notebooks: graded cells, secret text, canonical JSON
workspace       nbgrader course directories (temporary or the instructor's) over NbGraderAPI
authoring/      lint, wrong_answers, release, gate, console, bundle: making and proving exercises
autograde/      collect, protocol, pool, worker, store, batch, classroom, check: grading
kernel/         sandbox, launch, guard, kernel_guard: the kernel a submission runs in
results/        reports, grades, feedback: what grading gave, for people to read
==============  ================================================================

Only :mod:`course.grading.nbtools` is imported here, so that exercise notebooks can use it
without loading nbgrader.
"""

from .nbtools import borrowed, quiet

__all__ = ["borrowed", "quiet"]
