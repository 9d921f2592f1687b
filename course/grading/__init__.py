"""Grading tools for the Scored exercises, built on nbgrader's Python API.

The command-line front end is ``course`` (see :mod:`course.cli` and ``docs/instructors.md``).
The submodules:

============  ==================================================================
nbtools       helpers the exercise test cells use (``quiet``, ``borrowed``); light
layout        where things are: the repository, its assignments, the grading folder
workspace     nbgrader course directories (temporary or the instructor's) over NbGraderAPI
reports       what grading one submission gave, cell by cell, with the failure messages
notebooks     reading notebooks: graded cells, secret text, canonical JSON
release       generate ``exercises/`` from ``solutions/``; compare; scan for leaks
lint          the course's rules for exercise sources, checked without running anything
wrong_answers plausible wrong answers kept in ``tests/wrong_answers/``
gate          the release gate: fair, leak-free, reproducible exercises
classroom     the grading folder: collect and autograde a class, make feedback
batch         grade a batch: one worker per submission, N at once, merged crash-safely
sandbox       the bubblewrap sandbox and limits of a grading kernel (docs/sandbox.md)
kernel_launch the in-sandbox launcher: limits, own uid, then ipykernel (a script)
guard         nbgrader's Execute with an integrity guard around every test cell
kernel_guard  the guard's in-kernel half: restores patched helpers, reports tricks
feedback      the nbconvert filter that keeps hidden tests and mark schemes out of feedback
grades        grade tables, per-question summary and histogram from the gradebook
check         grade one notebook for a self-learner, changing nothing on disk
bundle        the student edition zip
============  ==================================================================

Only :mod:`course.grading.nbtools` is imported here, so that exercise notebooks can use it
without loading nbgrader.
"""

from .nbtools import borrowed, quiet

__all__ = ["borrowed", "quiet"]
