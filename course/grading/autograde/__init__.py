"""Autograding submissions: collect them, schedule them on long-lived workers, grade each in
a fresh sandboxed kernel, and merge the results into the gradebook through one store."""
