"""The whole round trip on the class server, in Chromium, as people do it.

The hub runs for real (tests/hub_support.py: free ports, throwaway Unix users, the test
authenticator) with three students and the instructor. The instructor releases ps1 with
``course hub release``; each student logs in through the hub's login page, opens the
Assignments panel of nbgrader's JupyterLab extension, fetches ps1, works in it (one types the
model answers and an essay, one leaves it blank, one answers the first three questions of six),
saves, validates and submits in the panel. The instructor collects (``course hub collect``),
autogrades (``course autograde --submissions INBOX``) and releases the feedback
(``course feedback --partial --release``); each student fetches their feedback in the panel,
opens it and sees their own, provisional score. Then the instructor's server runs the
formgrader (the students' servers do not have it), on the gradebook ``course autograde`` wrote
(the grading folder is in the instructor's home, handed to them with chown): the instructor
grades each student's written answer on its submission page, releases the final feedback
(``course feedback --release``, no ``--partial``), and each student fetches it again and sees
the final score, written answer included.

Screenshots of every step go to _build/browser/hub-*.png.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.hub_support import PASSWORD, needs_root, running_hub
from tests.test_grading_support import (
    ANSWERS,
    ESSAY,
    PS1,
    PS1_NB,
    PS1_POINTS,
    full_marks_answers,
)

from .conftest import LAB_OVERRIDES, ROOT, SHOTS
from .jupyterlab import PANEL, accept_kernel_dialog

pytestmark = [*needs_root, pytest.mark.browser]

_playwright = pytest.importorskip("playwright.sync_api")
PlaywrightTimeout, expect = _playwright.TimeoutError, _playwright.expect

COURSE = Path(sys.executable).parent / "course"
#: The assignment's row id in nbgrader's panel (nbgrader-<course>-<assignment>)
ROW = f"nbgrader-scored-{PS1}"
MAX_SCORE = sum(PS1_POINTS.values()) + 5  # the written answer (Q7) is worth 5, by hand
HALF = ANSWERS[:3]  # three of the six questions answered (with the model answers)
WRITTEN_ID = "design_choice"  # Q7, the written answer, graded by hand in the formgrader
WRITTEN = {"full": 4, "blank": 0, "half": 0}  # the points the instructor gives it


def work_of(kind: str) -> tuple[dict[str, str], str | None, float]:
    """What a student of ``kind`` types into each answer cell, their essay, and the autograded
    score that must come of it."""
    model = full_marks_answers()
    points = list(PS1_POINTS.values())
    if kind == "full":
        return model, ESSAY, float(sum(points))
    if kind == "half":
        return {g: model[g] for g in HALF}, None, float(sum(points[:len(HALF)]))
    return {}, None, 0.0


def course_command(s, *args: str) -> str:
    """Run ``course ARGS`` as the instructor does, in a shell, with the hub's settings."""
    done = subprocess.run([str(COURSE), *args], cwd=ROOT, env={**os.environ, **s.env()},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"course {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def quiet_lab(user: str) -> Path:
    """The student's own JupyterLab settings, as a careful student would set them: no news
    pop-up over the page, every cell rendered. Returns their home folder."""
    account = pwd.getpwnam(user)
    home = Path(account.pw_dir)
    top = home / ".jupyter"
    for plugin, values in LAB_OVERRIDES.items():
        package, name = plugin.split(":")
        path = top / "lab" / "user-settings" / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    for folder, _, files in os.walk(top):
        os.chown(folder, account.pw_uid, account.pw_gid)
        for f in files:
            os.chown(Path(folder) / f, account.pw_uid, account.pw_gid)
    return home


class Student:
    def __init__(self, name: str, kind: str, browser, s):
        self.name, self.kind, self.s = name, kind, s
        self.answers, self.essay, self.expected = work_of(kind)
        self.home = quiet_lab(name)
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                           device_scale_factor=1)
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()

    @property
    def notebook(self) -> Path:
        return self.home / PS1 / PS1_NB

    def login(self, shots=None) -> None:
        page = self.page
        page.goto(f"{self.s.url}/hub/login")
        page.fill("#username_input", self.name)
        page.fill("#password_input", PASSWORD)
        if shots:
            shots(page, "hub-01-login-page")
        page.click("#login_submit")
        # the hub starts the student's server, then JupyterLab loads
        page.wait_for_selector("#jp-main-dock-panel", timeout=180_000)
        assert page.url.startswith(f"{self.s.url}/user/{self.name}/lab"), page.url
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).wait_for()

    def nbgrader_menu(self) -> list[str]:
        """The commands the Nbgrader menu shows (opened, read, closed); a command whose plugin
        is turned off is there but hidden."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
        items = page.locator(".lm-Menu li.lm-Menu-item[data-command^='nbgrader:']"
                             ":not(.lm-mod-hidden)")
        items.first.wait_for()
        commands = items.evaluate_all("items => items.map(item => item.dataset.command)")
        page.keyboard.press("Escape")
        return commands

    def assignments(self) -> None:
        """Bring the Assignments panel to the front (Nbgrader ▸ Assignment List)."""
        page = self.page
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments")
        if tab.count():
            tab.first.click()
        else:
            # A click on the menu while JupyterLab is still adding the extension's items can
            # open an empty menu (seen in CI): close it and open it again until the item is there
            item = page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]')
            for _ in range(12):
                page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
                try:
                    item.wait_for(state="visible", timeout=5_000)
                    break
                except PlaywrightTimeout:
                    page.keyboard.press("Escape")
            item.click()
        page.wait_for_selector("#released_assignments_list", state="visible")
        page.wait_for_selector("#released_assignments_list_loading", state="hidden",
                               timeout=60_000)

    def fetch(self, shots) -> None:
        page = self.page
        released = page.locator("#released_assignments_list > .list_item", has_text=PS1)
        released.wait_for(timeout=60_000)
        shots(page, f"hub-02-{self.kind}-released")
        released.locator(".item_status button", has_text="Fetch").click()
        page.locator("#fetched_assignments_list > .list_item", has_text=PS1).wait_for()
        assert self.notebook.exists(), f"fetching put no notebook at {self.notebook}"
        assert self.notebook.stat().st_uid == pwd.getpwnam(self.name).pw_uid

    def expand_fetched(self):
        page = self.page
        if not page.locator(f"#{ROW}.collapse.in").count():
            page.locator("#fetched_assignments_list a.assignment-notebooks-link",
                         has_text=PS1).click()
        page.wait_for_selector(f"#{ROW}.collapse.in")
        return page.locator(f"#{ROW} .nested_list_item", has_text=PS1)

    def work(self, shots) -> None:
        """Open the notebook from the panel, type the answers, save."""
        page = self.page
        self.expand_fetched().locator("a", has_text=PS1).click()
        page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=120_000)
        accept_kernel_dialog(page)
        released = nbformat.read(self.notebook, as_version=4)
        index = {c.metadata.get("nbgrader", {}).get("grade_id") or c.get("id"): i
                 for i, c in enumerate(released.cells)}
        cells = page.locator(f"{PANEL} .jp-Notebook .jp-Cell")
        cells.nth(len(released.cells) - 1).wait_for()
        for grade_id, code in self.answers.items():
            editor = cells.nth(index[grade_id]).locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(code)  # as typed, without the editor's auto-indent
        if self.essay:
            cell = cells.nth(index["design_choice_answer"])
            cell.scroll_into_view_if_needed()
            cell.dblclick()  # a rendered markdown cell opens for editing
            cell.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(self.essay)
            page.keyboard.press("Control+Enter")  # render it again, stay on it
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        wanted = {**self.answers, **({"design_choice_answer": self.essay} if self.essay else {})}
        deadline = time.monotonic() + 60
        while True:
            saved = nbformat.read(self.notebook, as_version=4)
            wrong = [g for g, text in wanted.items() if saved.cells[index[g]].source != text]
            if self.kind == "blank":
                wrong = [i for i, c in enumerate(saved.cells)
                         if c.source != released.cells[i].source]
            dirty = page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty").count()
            if not wrong and not dirty:
                break
            assert time.monotonic() < deadline, \
                f"{self.name}'s saved notebook does not hold what was typed: {wrong}"
            time.sleep(0.5)
        assert len(saved.cells) == len(released.cells)
        shots(page, f"hub-03-{self.kind}-worked")

    def validate(self, shots) -> None:
        page = self.page
        self.assignments()
        button = self.expand_fetched().locator(".item_status button", has_text="Validate")
        button.click()
        dialog = page.locator(".jp-Dialog", has_text="Validation Results")
        dialog.wait_for(timeout=180_000)
        shots(page, f"hub-04-{self.kind}-validated")
        body = dialog.locator("#validation-message")
        if self.kind == "full":
            assert "validation-success" in body.get_attribute("class"), body.inner_text()[:500]
            assert "passes all the tests" in body.inner_text()
        else:
            assert "validation-failed" in body.get_attribute("class"), body.inner_text()[:500]
        dialog.locator(".jp-mod-accept").click()
        dialog.wait_for(state="hidden")

    def submit(self, shots) -> None:
        page = self.page
        page.locator("#fetched_assignments_list > .list_item", has_text=PS1).locator(
            ".item_status button", has_text="Submit").first.click()
        submitted = page.locator("#submitted_assignments_list > .list_item", has_text=PS1)
        submitted.locator(".nested_list_item", has_text="UTC").wait_for(timeout=60_000)
        shots(page, f"hub-05-{self.kind}-submitted")

    def read_feedback(self, shots, final: bool = False) -> str:
        """Refresh the panel, fetch the feedback, open it: the heading with the score."""
        page = self.page
        self.assignments()
        page.locator("#refresh_assignments_list").click()
        submitted = page.locator("#submitted_assignments_list > .list_item", has_text=PS1)
        submitted.locator(".nested_list_item", has_text="feedback available to fetch").wait_for(
            timeout=60_000)
        shots(page, f"hub-{11 if final else 6:02d}-{self.kind}-feedback-available"
              f"{'-final' if final else ''}")
        submitted.locator(".item_status button", has_text="Fetch Feedback").click()
        link = submitted.locator(".nested_list_item a", has_text="view feedback")
        link.wait_for(timeout=60_000)
        link.click()  # the file browser goes to the feedback folder
        page_item = page.locator(".jp-DirListing-item", has_text=f"{PS1}.html")
        page_item.wait_for()
        earlier = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=f"{PS1}.html")
        if earlier.count():  # an earlier feedback page, still open: close it to see the new one
            earlier.locator(".lm-TabBar-tabCloseIcon").click()
            earlier.wait_for(state="detached")
        page_item.dblclick()
        frame = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe")
        heading = frame.locator("h4", has_text="Score:").first
        heading.wait_for(timeout=60_000)
        shots(page, f"hub-{12 if final else 7:02d}-{self.kind}-feedback{'-final' if final else ''}")
        return frame.locator("body").inner_text()

    def close(self) -> None:
        self.context.close()


def formgrader_shows_the_gradebook(instructor: Student, students: list[Student],
                                   shots) -> None:
    """The instructor's Nbgrader menu has the formgrader (the students' has not); it opens
    on the grading folder that ``course autograde`` filled, with each student's score."""
    page = instructor.page
    instructor.login()
    menu = instructor.nbgrader_menu()
    assert "nbgrader:open-formgrader" in menu, menu
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
    page.locator('.lm-Menu-item[data-command="nbgrader:open-formgrader"]').click()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Formgrader").wait_for()
    # the formgrader in JupyterLab's panel, as the instructor uses it
    frame = page.frame_locator("#jp-main-dock-panel iframe").first
    students_link = frame.locator("a", has_text="Manage Students").first
    students_link.wait_for(timeout=60_000)  # not "127.0.0.1 refused to connect"
    shots(page, "hub-08-instructor-formgrader-tab")
    students_link.click()
    for student in students:
        row = frame.locator("tbody tr", has_text=student.name)
        row.wait_for(timeout=60_000)
        assert f"{student.expected:g} / {MAX_SCORE:g}" in row.inner_text(), row.inner_text()
    shots(page, "hub-09-instructor-formgrader-students")


def grade_written_answer(instructor: Student, student: Student, shots) -> None:
    """On the formgrader's page of ``student``'s submission, give the written answer its
    points (the page saves a score when the box changes), and check that it was saved."""
    page = instructor.page
    base = f"{instructor.s.url}/user/{instructor.name}/formgrader"
    page.goto(f"{base}/manage_students/{student.name}/{PS1}")
    page.locator("tbody a[href*='/formgrader/submissions/']").first.click()
    box = page.locator(f"input.score#{WRITTEN_ID}")
    box.wait_for(timeout=60_000)
    # The page's script fetches the grades after the page has loaded and then sets every box
    # from them: a score typed before that is overwritten, and its change is never saved
    page.wait_for_function("() => window.formgrader && formgrader.grades "
                           "&& formgrader.grades.loaded === true", timeout=60_000)
    box.fill(str(WRITTEN[student.kind]))
    with page.expect_response(lambda r: "/api/grade/" in r.url and r.request.method == "PUT",
                              timeout=60_000) as saved:
        box.press("Tab")  # the change event saves it
    assert saved.value.ok, f"the formgrader did not save the score: HTTP {saved.value.status}"
    shots(page, f"hub-10-instructor-grades-{student.kind}")
    page.reload()  # the page's script fills the box from the gradebook
    expect(page.locator(f"input.score#{WRITTEN_ID}")).to_have_value(
        str(WRITTEN[student.kind]), timeout=60_000)


@pytest.fixture(scope="module")
def class_hub():
    with running_hub(3) as s:
        yield s


def test_release_work_submit_grade_feedback_in_the_browser(browser, shots, class_hub):
    s = class_hub
    base = s.state.parent
    inbox, grading = base / "inbox", s.grading_dir
    times: dict[str, float] = {}
    started = time.monotonic()

    # 1. the instructor releases ps1
    out = course_command(s, "hub", "release", PS1)
    assert f"released {PS1}" in out
    assert (s.exchange / "scored" / "outbound" / PS1 / PS1_NB).exists()

    students = []
    try:
        # 2. each student logs in, fetches, works, saves, validates and submits
        for name, kind in zip(s.students, ["full", "blank", "half"]):
            student = Student(name, kind, browser, s)
            students.append(student)
            student.login(shots if not times else None)
            menu = student.nbgrader_menu()
            assert "nbgrader:open-assignment-list" in menu, menu
            assert "nbgrader:open-formgrader" not in menu, f"a student has the formgrader: {menu}"
            student.assignments()
            student.fetch(shots)
            student.work(shots)
            student.validate(shots)
            student.submit(shots)
            times[f"student {kind}"] = time.monotonic() - started - sum(times.values())

        # 3. the instructor collects, autogrades and releases the feedback
        out = course_command(s, "hub", "collect", PS1, "--inbox", str(inbox))
        assert f"collected 3 submission(s) of {PS1}" in out, out
        out = course_command(s, "autograde", PS1, "--submissions", str(inbox / PS1),
                             "--grading-dir", str(grading), "--jobs", "1")
        # the formgrader runs as the instructor: the grading folder (in their home) is theirs
        subprocess.run(["chown", "-R", f"{s.instructor}:{s.instructor}", str(grading)],
                       check=True)
        for student in students:
            assert re.search(rf"^\s*{student.name}\s+{student.expected:g}/"
                             rf"{sum(PS1_POINTS.values())} autograded", out, re.M), out
        out = course_command(s, "feedback", PS1, "--grading-dir", str(grading), "--partial",
                             "--release", "--inbox", str(inbox))
        assert "released feedback of 3 student(s)" in out, out
        times["instructor"] = time.monotonic() - started - sum(times.values())

        # 4. each student fetches their feedback in the panel and sees their own score
        for student in students:
            text = student.read_feedback(shots)
            heading = re.search(r"Score: ([\d.]+) / ([\d.]+)", text)
            assert heading, text[:500]
            assert (float(heading[1]), float(heading[2])) == (student.expected, MAX_SCORE), \
                f"{student.name} ({student.kind}) sees {heading[0]}"
            assert "provisional" in text and "not graded yet" in text
            assert (ESSAY[:60] in text) == (student.kind == "full"), \
                f"{student.name} sees another student's essay, or not their own"
        times["feedback"] = time.monotonic() - started - sum(times.values())

        # 5. the instructor's server runs the formgrader on the same gradebook (the grading
        # folder in the instructor's home, handed to them above); the instructor grades each
        # written answer there
        pupils = list(students)
        instructor = Student(s.instructor, "instructor", browser, s)
        students.append(instructor)  # its page too is kept if a step fails
        formgrader_shows_the_gradebook(instructor, pupils, shots)
        for student in pupils:
            grade_written_answer(instructor, student, shots)
        times["formgrader"] = time.monotonic() - started - sum(times.values())

        # 6. the final feedback (everything graded: no --partial), fetched again by each
        out = course_command(s, "feedback", PS1, "--grading-dir", str(grading), "--release",
                             "--inbox", str(inbox))
        assert "released feedback of 3 student(s)" in out, out
        for student in pupils:
            text = student.read_feedback(shots, final=True)
            heading = re.search(r"Score: ([\d.]+) / ([\d.]+)", text)
            assert heading, text[:500]
            assert float(heading[1]) == student.expected + WRITTEN[student.kind], \
                f"{student.name} ({student.kind}) sees {heading[0]} in the final feedback"
            assert "provisional" not in text and "not graded yet" not in text, text[:500]
        times["final feedback"] = time.monotonic() - started - sum(times.values())
    except BaseException:
        SHOTS.mkdir(parents=True, exist_ok=True)
        log = s.state / "jupyterhub.log"  # the hub's and the servers' log, kept for reading
        if log.exists():
            (SHOTS / "FAILED-hub-jupyterhub.log").write_bytes(log.read_bytes()[-200_000:])
        for student in students:
            try:
                student.page.screenshot(path=str(SHOTS / f"FAILED-hub-{student.kind}.png"))
            except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
                pass
        raise
    finally:
        for student in students:
            student.close()
        print("round trip timings (s): " +
              ", ".join(f"{k} {v:.0f}" for k, v in times.items()) +
              f"; total {time.monotonic() - started:.0f}")
