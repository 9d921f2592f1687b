# JupyterHub configuration for the Scored course: `make hub` starts JupyterHub with it.
# Every setting comes from a SCORED_HUB_* environment variable; see course/hub/settings.py
# (and docs/deploy.md once written). Local process spawner, one Unix user per student,
# nbgrader's exchange for course id "scored", idle culler, memory limit per server.
from course.hub.settings import configure, from_env

c = get_config()  # noqa: F821 (JupyterHub defines it)
configure(c, from_env())
