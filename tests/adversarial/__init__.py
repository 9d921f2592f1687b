"""The adversarial corpus: hostile, broken and tricky ps1 submissions, each with its outcome.

:data:`CASES` is the corpus. Each :class:`Case` writes one student's submission into an inbox
(``make(inbox, ctx)``) and says what ``course autograde`` must do with it:

* ``score``: the exact autograded total (out of 15) it must get;
* ``flag``: whether it must be flagged for manual review (a trick was found);
* ``error``: a piece of the one-line reason for which it could not be graded;
* ``problem``: a piece of the message for a file that was skipped before grading;
* ``probe``: text the submission's own output must show (the sandbox probes print what they
  could and could not do).

``tests/test_autograde_adversarial.py`` grades the whole corpus in one ``course autograde
--jobs 2`` batch and checks every case.
"""
