"""The grading kernel: its bubblewrap sandbox and limits, the in-sandbox launcher, and the
integrity guard around every test cell (docs/sandbox.md)."""
