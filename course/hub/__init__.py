"""The course on a class server: JupyterHub with one Unix user per student and nbgrader's
exchange (``deploy/hub/jupyterhub_config.py`` reads :mod:`course.hub.settings`).

- :mod:`.settings`  what the hub is (ports, folders, accounts, authenticator), from the
  environment; :func:`configure` fills JupyterHub's config from it
- :mod:`.users`     the students' Unix accounts, from a list or the course roster
- :mod:`.exchange`  nbgrader's exchange folder and the config students' servers read
- :mod:`.server`    checks before starting, start and stop (``make hub``, ``make hub-stop``)
"""

from __future__ import annotations

from ..grading.layout import GradingError


class HubError(GradingError):
    """A problem the instructor can fix; the message says how."""
