"""The login of `make hub` for real: jupyterhub-nativeauthenticator, where each account on the
roster picks its password at its first visit, and nobody else gets in."""

from __future__ import annotations

import pytest

from .hub_support import login, real, running_hub

requests = pytest.importorskip("requests")

STUDENT_PW = "a-student-pw-1"
INSTRUCTOR_PW = "the-instructor-pw-1"


@pytest.fixture(scope="module")
def hub():
    with running_hub(1, auth="native") as s:
        yield s


def signup(s, user: str, password: str) -> str:
    session = requests.Session()
    assert session.get(f"{s.url}/hub/signup", timeout=10).status_code == 200
    reply = session.post(f"{s.url}/hub/signup", timeout=30, data={
        "username": user, "signup_password": password,
        "signup_password_confirmation": password, "_xsrf": session.cookies.get("_xsrf")})
    assert reply.status_code == 200, reply.text[:300]
    start = reply.text.find('class="alert')
    assert start >= 0, f"the sign-up page said nothing: {reply.text[:300]}"
    return reply.text[start:reply.text.find("</div>", start)]


@real
def test_students_on_the_roster_pick_their_password_at_first_visit(hub):
    student = hub.students[0]
    _, reply = login(hub, student, STUDENT_PW)
    assert reply.status_code != 302, "a student logged in with no password set"
    said = signup(hub, student, STUDENT_PW)
    assert "signup was successful" in said, said  # on the roster: no wait for the instructor
    _, reply = login(hub, student, STUDENT_PW)
    assert reply.status_code == 302, reply.text[:300]
    assert "/hub/login" not in reply.headers.get("location", "")
    _, reply = login(hub, student, "not-" + STUDENT_PW)
    assert reply.status_code != 302
    # the password is taken: a second sign-up under the same name cannot replace it
    said = signup(hub, student, "someone-elses-pw-1")
    assert "already in use" in said, said
    _, reply = login(hub, student, "someone-elses-pw-1")
    assert reply.status_code != 302


@real
def test_the_instructor_signs_up_as_admin_and_sees_the_sign_ups(hub):
    said = signup(hub, hub.instructor, INSTRUCTOR_PW)
    assert "signup was successful" in said, said
    admin, reply = login(hub, hub.instructor, INSTRUCTOR_PW)
    assert reply.status_code == 302, reply.text[:300]
    page = admin.get(f"{hub.url}/hub/authorize", timeout=10)
    assert page.status_code == 200 and hub.instructor in page.text


@real
def test_a_name_not_on_the_roster_cannot_log_in(hub):
    said = signup(hub, "zznotonroster", STUDENT_PW)
    assert "signup was successful" not in said, said
    _, reply = login(hub, "zznotonroster", STUDENT_PW)
    assert reply.status_code != 302, said
