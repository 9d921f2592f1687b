"""The messages between the scheduler and its workers: one :class:`Job` in, one :class:`Result` out.

Both are frozen dataclasses with ``to_json`` / ``from_json``, written here once and used by
both ends (as nbformat does for notebooks), so that what a worker is asked and what it
answers has one definition. A :class:`Result` says which of three things happened:

``graded``
    the submission was graded; its scores stand (a student's own endless loop or syntax error
    is a graded zero, not a failure);
``failed``
    grading did not happen for a reason that is not the student's: the kernel died before the
    first cell, hit the memory limit, the grading guard could not start, a file of the
    course's own was missing, the worker died or ran past its time limit. A failure never
    replaces an earlier grade, and the next run tries again;
``not_graded``
    what was handed in cannot be graded at all (not a notebook, no notebook of the assignment);
    used by the collector, never by a worker.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace

GRADED, FAILED, NOT_GRADED = "graded", "failed", "not_graded"


def _from_dict(cls, data: dict):
    known = {f.name for f in fields(cls)}
    return cls(**{k: (tuple(v) if isinstance(v, list) else v)
                  for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Job:
    """Grade one submission of one assignment in a fresh kernel.

    Paths are strings, so that a job is plain JSON. ``source`` is the assignment's source
    folder (``solutions/<assignment>``, or a release when only visible tests are wanted) and
    ``header`` whether generating it adds the shared header. ``uid`` is the user the sandboxed
    kernel runs as (0 without the sandbox).
    """

    id: str
    assignment: str
    student: str
    files: tuple[tuple[str, str], ...]  # (notebook name in the assignment, submitted file)
    source: str
    course_root: str  # the course folder whose nbgrader_config.py is used
    scratch: str  # a private folder the worker may write (removed with the batch)
    header: bool = True
    timestamp: str | None = None  # nbgrader's timestamp.txt, if the submission has one
    sandbox: bool = True
    uid: int = 0
    timeout: int = 60  # seconds per cell
    memory_mb: int | None = None
    nproc: int | None = None
    hide: tuple[str, ...] = ()  # folders the kernel must not see
    readable: tuple[str, ...] = ()  # folders the kernel must be able to read
    notes: tuple[str, ...] = ()  # what the collector noticed, carried into the result

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        data["files"] = tuple(tuple(pair) for pair in data.get("files", ()))
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Result:
    """What grading one :class:`Job` gave (see the module for ``status``)."""

    job_id: str
    student: str
    status: str = GRADED
    error: str | None = None  # graded, but nbgrader could not run the notebook through
    failure: str | None = None  # failed: why, and what to do
    cells: tuple[dict, ...] = ()  # reports.CellResult fields, one per graded cell
    grades: tuple[dict, ...] = ()  # {notebook, name, auto_score}
    comments: tuple[dict, ...] = ()  # {notebook, name, auto_comment}
    flags: tuple[str, ...] = ()  # reasons for manual review
    zeroed: tuple[str, ...] = ()  # questions scored zero for a trick
    notes: tuple[str, ...] = ()
    timestamp: str | None = None  # ISO 8601, from the submission's timestamp.txt
    autograded_dir: str | None = None  # the graded notebooks, to be moved into place
    seconds: float = 0.0
    workdir: str | None = None  # the worker's folder for this job (removed after merging)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == GRADED

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Result:
        return _from_dict(cls, json.loads(text))

    def with_(self, **changes) -> Result:
        return replace(self, **changes)


def failed(job: Job, why: str, **more) -> Result:
    """A :class:`Result` for a job that could not be graded through no fault of the student."""
    more.setdefault("notes", job.notes)
    return Result(job.id, job.student, status=FAILED, failure=why, **more)
