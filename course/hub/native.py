"""`make hub`'s login: jupyterhub-nativeauthenticator, made to work with JupyterHub 6.

Each account picks its password at its first visit (``/hub/signup``); the instructor, a hub
admin, authorizes each student's sign-up at ``/hub/authorize``. nativeauthenticator 1.3.0
(the newest) times every login with ``self.statsd``, which JupyterHub 6 no longer has: every
login failed with a server error (500). And a student on the roster (``allowed_users``), whose
account is authorized at sign-up, was told "Your information has been sent to the admin", as
if to wait. :class:`CourseNativeAuthenticator` is the same authenticator with a login page
that times nothing and a sign-up page that tells an authorized account to log in; its
settings are still ``c.NativeAuthenticator.*``.
"""

from __future__ import annotations

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler, SignUpHandler


class _NoTimer:
    """Stands in for JupyterHub's removed statsd client: times nothing, sends nothing."""

    def timer(self, name: str) -> _NoTimer:
        return self

    def start(self) -> _NoTimer:
        return self

    def stop(self, send: bool = True) -> None:
        return None


class CourseLoginHandler(LoginHandler):
    """nativeauthenticator's login page, without the statsd timing JupyterHub 6 removed."""

    @property
    def statsd(self):
        return _NoTimer()


class CourseSignUpHandler(SignUpHandler):
    """nativeauthenticator's sign-up page, telling an account authorized at once to log in."""

    def get_result_message(self, user, *args):
        alert, message = super().get_result_message(user, *args)
        if user is not None and user.is_authorized and alert == "alert-info":
            return ("alert-success", "The signup was successful! You can now go to the home "
                                     "page and log in to the system.")
        return alert, message


class CourseNativeAuthenticator(NativeAuthenticator):
    """nativeauthenticator whose login and sign-up pages work as they should on JupyterHub 6
    with a roster (see the module)."""

    def get_handlers(self, app):
        ours = {LoginHandler: CourseLoginHandler, SignUpHandler: CourseSignUpHandler}
        return [(path, ours.get(handler, handler))
                for path, handler in super().get_handlers(app)]
