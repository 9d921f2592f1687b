"""The instructor's term: roster, due dates and late work, extensions, regrade requests.

What nbgrader's model holds is kept there (an assignment's ``duedate``, a submission's
``extension`` and ``timestamp``, each notebook's ``late_submission_penalty``, students' names
and emails, ``lms_user_id``); what it has no place for (sections and LMS logins, the late
policy, extensions granted before a submission exists, regrade requests) is kept in a few
``scored_*`` tables of the same gradebook (:mod:`.tables`).
"""
