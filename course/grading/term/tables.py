"""The term's own tables in the grading folder's gradebook, beside nbgrader's.

They are plain SQLAlchemy Core tables, created on first use in the session's open
transaction (so that they work in SQLite and PostgreSQL gradebooks alike, and a caller's
commit makes them and its rows durable together).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, Integer, MetaData, String, Table, Text

METADATA = MetaData()

#: One row per student of the roster; names and emails live in nbgrader's ``student`` table.
ROSTER = Table(
    "scored_roster", METADATA,
    Column("student", String(128), primary_key=True),  # the id submissions use
    Column("section", String(256)),
    Column("sis_user_id", String(128)),
    Column("sis_login_id", String(128)),
    Column("lms_id", String(128)),  # Canvas's ID column
    Column("id_number", String(128)),  # Moodle's ID number
    Column("source", String(32)),  # canvas, moodle or csv
)

#: The late policy of an assignment; its due date is nbgrader's ``assignment.duedate``.
LATE_POLICY = Table(
    "scored_late_policy", METADATA,
    Column("assignment", String(128), primary_key=True),
    Column("due_text", String(64)),  # the due date as the instructor wrote it (its time zone)
    Column("penalty_per_day", Float),  # percent of the points per day or part of a day
    Column("zero_after_days", Float),  # nothing is earned this many days after the due date
)

#: Extensions as granted (a submission may not exist yet); copied to nbgrader's
#: ``submitted_assignment.extension`` whenever penalties are applied.
EXTENSIONS = Table(
    "scored_extension", METADATA,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("until", DateTime),  # a new due date (UTC), or
    Column("days", Float),  # days added to the assignment's due date
    Column("granted", String(64)),  # what the instructor typed
)

#: Regrade requests and what settling them changed.
REGRADES = Table(
    "scored_regrade", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assignment", String(128), nullable=False),
    Column("student", String(128), nullable=False),
    Column("question", String(128)),
    Column("reason", Text, nullable=False),
    Column("requested", DateTime, nullable=False),
    Column("old_score", Float),
    Column("status", String(16), nullable=False),  # open or settled
    Column("settled", DateTime),
    Column("new_score", Float),
    Column("note", Text),
)


def ensure_tables(gb) -> None:
    """Create the term's tables in ``gb``'s gradebook if missing (inside its transaction)."""
    METADATA.create_all(gb.db.connection(), checkfirst=True)
