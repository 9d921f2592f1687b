"""Authoring exercises: the course's rules for sources, kept wrong answers, generating
``exercises/`` from ``solutions/``, the release gate and the student edition."""
