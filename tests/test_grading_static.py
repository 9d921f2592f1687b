"""Grading tools that need no kernel: layout, lint, release comparison, leaks, wrong answers,
submission collection, feedback hiding, the student bundle."""

from __future__ import annotations

import json
import shutil
import zipfile

import nbformat
import pytest

from course.grading.authoring.bundle import make_student_bundle, scan_bundle
from course.grading.authoring.gate import apply_wrong_answer, lint_assignment, load_wrong_answers
from course.grading.authoring.release import (
    assignment_secrets,
    compare_release,
    files_under,
    leaks_in_files,
    regenerate,
)
from course.grading.autograde.classroom import collect_submissions
from course.grading.layout import GradingError, Layout, check_outside
from course.grading.notebooks import canonical_json, find_leaks, read_notebook, secret_lines
from course.grading.results.feedback import HIDDEN_NOTE, HideSecrets
from course.grading.workspace import temporary_workspace

from .test_grading_support import PS1, PS1_NB, PS1_POINTS, REPO, write


# -- layout ---------------------------------------------------------------------------------
def test_assignments_come_from_solutions():
    assert PS1 in REPO.assignments()
    assert all((REPO.solutions / a).is_dir() for a in REPO.assignments())


@pytest.mark.parametrize("typed, hint", [("ps1", PS1), ("ps1-build-the-scor", PS1),
                                         ("nonsense-zzz", None)])
def test_unknown_assignment_is_one_helpful_line(typed, hint):
    with pytest.raises(GradingError) as info:
        REPO.require(typed)
    message = str(info.value)
    assert "\n" not in message and PS1 in message  # lists the assignments
    if hint:
        assert f"Did you mean {hint!r}" in message


def test_student_data_must_stay_outside_the_repository(tmp_path):
    with pytest.raises(GradingError, match="inside the course repository"):
        check_outside(REPO.root / "grading", REPO, "the grading folder")
    assert check_outside(tmp_path, REPO, "x") == tmp_path.resolve()


# -- the sources follow the course's rules -------------------------------------------------
@pytest.mark.parametrize("assignment", REPO.assignments())
def test_every_assignment_is_well_formed(assignment):
    problems, summary = lint_assignment(REPO, assignment)
    assert problems == []
    assert 3 <= len(summary["autograded"]) <= 6 and summary["manual_points"] > 0


def test_ps1_points_are_as_stated_in_its_introduction():
    problems, summary = lint_assignment(REPO, PS1)
    assert summary["autograded"] == list(PS1_POINTS)
    assert summary["auto_points"] == sum(PS1_POINTS.values()) == 15
    assert summary["manual_points"] == 5
    intro = read_notebook(REPO.solutions / PS1 / PS1_NB).cells[0].source
    assert "**20**" in intro


def test_lint_catches_what_the_course_forbids(tmp_path):
    nb = read_notebook(REPO.solutions / PS1 / PS1_NB)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
             and c.cell_type == "code"]
    tests[0].source = tests[0].source.replace('"""Q1', '"Q1', 1)  # no docstring any more
    tests[0].source = tests[0].source.replace(
        "assert np.isclose(fulfilment_score(0, False, False), 0), \\\n",
        "assert np.isclose(fulfilment_score(0, False, False), 0)\n    assert True, \\\n", 1)
    tests[1].source = tests[1].source.split("### BEGIN HIDDEN TESTS")[0]  # no hidden tests
    tests[2].metadata["nbgrader"]["grade_id"] = "cell-3f9a8b7c6d"
    tests[3].metadata["nbgrader"]["points"] = 0
    tests[4].outputs = [nbformat.v4.new_output("stream", text="left over")]
    nb.metadata["kernelspec"]["name"] = "python3-custom"
    root = tmp_path / "course"
    write(nb, root / "solutions" / "bad" / "bad.ipynb")
    problems, _ = lint_assignment(Layout(root), "bad")
    text = "\n".join(problems)
    for expected in ["should start with a one-line docstring", "without a message",
                     "has no hidden tests", "is not readable", "has no points",
                     "outputs or an execution count", "kernelspec"]:
        assert expected in text, expected


# -- exercises/ and its secrets ------------------------------------------------------------
def test_committed_exercises_are_clean():
    for path in REPO.exercises.rglob("*.ipynb"):
        nb = read_notebook(path)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        for cell in nb.cells:
            assert not cell.get("outputs") and not cell.get("execution_count"), path
            assert "execution" not in cell.metadata, path


def test_committed_exercises_equal_a_fresh_generation():
    with temporary_workspace(REPO) as ws:
        for assignment in REPO.assignments():
            ws.install_source(assignment, REPO.solutions / assignment)
            generated = ws.generate(assignment)
            label = f"exercises/{assignment}"
            assert compare_release(generated, REPO.exercises / assignment, label) == []
            # nbgrader's own output, byte for byte
            for name, path in files_under(generated).items():
                assert path.read_bytes() == (REPO.exercises / assignment / name).read_bytes()


def test_canonical_json_ignores_formatting_only():
    text = (REPO.exercises / PS1 / PS1_NB).read_text()
    data = json.loads(text)
    reformatted = json.dumps(data, indent=4).replace("\n", "\r\n")
    assert canonical_json(reformatted) == canonical_json(text)
    data["cells"][3]["source"] += " "
    assert canonical_json(json.dumps(data)) != canonical_json(text)


def test_compare_release_reports_edits_extras_and_missing_files(tmp_path):
    committed = tmp_path / "committed"
    shutil.copytree(REPO.exercises / PS1, committed)
    assert compare_release(REPO.exercises / PS1, committed, "ex") == []
    nb = read_notebook(committed / PS1_NB)
    nb.cells[5].source += "\n# edited by hand"
    write(nb, committed / PS1_NB)
    (committed / "notes.txt").write_text("stale")
    problems = compare_release(REPO.exercises / PS1, committed, "ex")
    assert any("differs from generation: cell 5" in p for p in problems)
    assert any("notes.txt is not produced by generation" in p for p in problems)
    (committed / PS1_NB).unlink()
    assert any(f"{PS1_NB} is missing" in p for p in compare_release(
        REPO.exercises / PS1, committed, "ex"))


def test_secrets_are_found_and_absent_from_exercises():
    secrets = assignment_secrets(REPO, PS1)
    assert all(secrets[kind] for kind in ("solution", "hidden test", "mark scheme"))
    assert leaks_in_files(secrets, files_under(REPO.exercises / PS1), "ex") == []


@pytest.mark.parametrize("kind", ["solution", "hidden test", "mark scheme"])
def test_a_leaked_secret_is_reported(tmp_path, kind):
    secrets = assignment_secrets(REPO, PS1)
    line = sorted(secrets[kind])[0]
    leaky = tmp_path / PS1_NB
    nb = read_notebook(REPO.exercises / PS1 / PS1_NB)
    nb.cells[-1].source = "Notes:\n" + line
    write(nb, leaky)
    problems = leaks_in_files(secrets, {PS1_NB: leaky}, "ex")
    assert len(problems) == 1 and f"of {kind} text" in problems[0]


def test_secret_lines_skip_text_that_students_see_anyway():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = compute_the_thing(1)\n### BEGIN SOLUTION\n"
                                  "x = compute_the_thing(1)\ny = the_secret_formula(x)\n"
                                  "### END SOLUTION")])
    assert secret_lines(nb)["solution"] == {"y = the_secret_formula(x)"}
    assert find_leaks(secret_lines(nb), "x = compute_the_thing(1)") == {}


# -- wrong answers --------------------------------------------------------------------------
def test_wrong_answers_cover_every_autograded_question():
    answers = load_wrong_answers(REPO, PS1)
    caught = {grade_id for a in answers for grade_id in a.loses}
    assert caught == set(PS1_POINTS)
    assert any(a.hidden_only for a in answers) and any(not a.hidden_only for a in answers)
    solution = {PS1_NB: read_notebook(REPO.solutions / PS1 / PS1_NB)}
    for answer in answers:
        changed = apply_wrong_answer(solution, answer)[PS1_NB]
        sources = [c.source for c in changed.cells]
        assert sources.count(answer.code) == 1


def test_malformed_wrong_answer_is_reported(tmp_path):
    root = tmp_path / "course"
    folder = root / "tests" / "wrong_answers" / "toy"
    folder.mkdir(parents=True)
    (folder / "oops.py").write_text("# forgot the header\nx = 1\n")
    with pytest.raises(GradingError, match="oops.py: the header needs '# replaces"):
        load_wrong_answers(Layout(root), "toy")
    (folder / "oops.py").write_text("# replaces: a\n# loses: b\n# caught-by: visible\n")
    with pytest.raises(GradingError, match="caught-by"):
        load_wrong_answers(Layout(root), "toy")


def test_wrong_answer_must_target_an_answer_cell():
    answer = load_wrong_answers(REPO, PS1)[0]
    bogus = type(answer)(answer.path, "x", "no_such_cell", answer.loses, False, "pass")
    with pytest.raises(GradingError, match="no answer cell 'no_such_cell'"):
        apply_wrong_answer({PS1_NB: read_notebook(REPO.solutions / PS1 / PS1_NB)}, bogus)


# -- collecting submissions -----------------------------------------------------------------
def _release():
    return read_notebook(REPO.exercises / PS1 / PS1_NB)


def test_collect_understands_both_layouts_and_reports_bad_files(tmp_path):
    inbox = tmp_path / "inbox"
    write(_release(), inbox / "alice" / PS1 / PS1_NB)
    write(_release(), inbox / "bob.ipynb")
    write(_release(), inbox / "carol" / PS1 / "ps1 (copy).ipynb")  # renamed by the student
    (inbox / "carol" / PS1 / "timestamp.txt").write_text("2026-11-20 10:00:00 UTC")
    (inbox / "notes.txt").write_text("not a notebook")
    (inbox / "zoe.ipynb").write_text("{ this is not json")
    (inbox / "dan" / "ps9").mkdir(parents=True)
    (inbox / "dan" / "ps9" / "x.ipynb").write_text("{}")
    write(_release(), inbox / "bad id.ipynb")
    write(_release(), inbox / "alice.ipynb")  # a second hand-in from alice
    (inbox / ".DS_Store").write_text("")
    found = collect_submissions(inbox, PS1, [PS1])
    by = {s.student: s for s in found.submissions}
    assert sorted(by) == ["alice", "bob", "carol"]
    assert all(list(s.files) == [PS1_NB] for s in by.values())
    assert by["carol"].timestamp is not None and "graded ps1 (copy).ipynb" in by["carol"].notes[0]
    problems = "\n".join(found.problems)
    for expected in ["notes.txt: not a notebook", "zoe.ipynb is not a notebook: invalid JSON",
                     f"dan/ has no {PS1}/ folder", "'bad id' is not a usable student id"]:
        assert expected in problems, expected
    assert ".DS_Store" not in problems
    # The duplicate is reported, and the graded copy carries a note that reaches the grades
    assert "alice.ipynb: a second submission from alice; skipped (alice/ is graded" in problems
    assert by["alice"].notes == ["alice.ipynb was ignored: a second submission"]
    assert sorted(found.not_graded) == ["dan", "zoe"]  # 'bad id' names no usable student
    assert "invalid JSON" in found.not_graded["zoe"]


def test_collect_accepts_a_course_folder_with_submitted(tmp_path):
    write(_release(), tmp_path / "submitted" / "alice" / PS1 / PS1_NB)
    assert [s.student for s in collect_submissions(tmp_path, PS1, [PS1]).submissions] == ["alice"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "does not exist"),
    (lambda p: (p / "f.txt").write_text("x") and p / "f.txt", "is not a folder"),
    (lambda p: p, "no submissions for"),
])
def test_collect_rejects_bad_folders(tmp_path, make, message):
    with pytest.raises(GradingError, match=message):
        collect_submissions(make(tmp_path), PS1, [PS1])


def test_read_notebook_explains_what_is_wrong(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.ipynb").write_text("[1, 2]")
    (tmp_path / "c.ipynb").write_bytes(b"\xff\xfe")
    cases = [(tmp_path / "none.ipynb", "does not exist"), (tmp_path, "is a folder"),
             (tmp_path / "a.txt", "notebooks end in .ipynb"),
             (tmp_path / "b.ipynb", "not a valid notebook"), (tmp_path / "c.ipynb", "UTF-8")]
    for path, message in cases:
        with pytest.raises(GradingError, match=message):
            read_notebook(path)


# -- feedback hides secrets ------------------------------------------------------------------
def test_hide_secrets_removes_hidden_tests_mark_schemes_and_tracebacks():
    nb = read_notebook(REPO.solutions / PS1 / PS1_NB)
    for cell in nb.cells:
        if cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="AssertionError", evalue="the message",
                traceback=["Traceback", "rng = np.random.default_rng(2101)", "AssertionError"])]
    HideSecrets().preprocess(nb, {})
    text = json.dumps(nb)
    for kind, lines in assignment_secrets(REPO, PS1).items():
        if kind != "solution":
            assert not [line for line in lines if line in text], kind
    assert HIDDEN_NOTE in text and "AssertionError: the message" in text
    assert "default_rng(2101)" not in text


# -- the student bundle ----------------------------------------------------------------------
def test_student_bundle_has_no_solutions_and_is_reproducible(tmp_path):
    first, count = make_student_bundle(REPO, tmp_path / "a.zip")
    second, _ = make_student_bundle(REPO, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert len(names) == count
        assert not [n for n in names if "/solutions/" in n or "/tests/" in n]
        for part in ["exercises/" + PS1 + "/" + PS1_NB, "course/__init__.py",
                     "datasets/population.csv", "pyproject.toml", "README.md"]:
            assert f"scored/{part}" in names, part
        readme = archive.read("scored/README.md").decode()
        assert "student edition" in readme and "course check" in readme
        assert "docs/" not in readme and "solutions/" not in readme  # not in the edition
        if REPO.root.joinpath("lessons").is_dir():
            assert any(n.startswith("scored/lessons/") for n in names)
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names
                         if n.endswith((".ipynb", ".py", ".md")))
        notebooks = "\n".join(archive.read(n).decode() for n in names if n.endswith(".ipynb"))
    for marker in ["BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"]:
        assert marker not in notebooks
    secrets = assignment_secrets(REPO, PS1)
    for kind, lines in secrets.items():
        assert not [line for line in lines if line in text.splitlines()], kind
    assert scan_bundle(first, REPO) == []


def test_bundle_scan_catches_a_leak(tmp_path):
    line = sorted(assignment_secrets(REPO, PS1)["hidden test"])[0]
    path = tmp_path / "leaky.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("scored/exercises/notes.md", f"see:\n{line}\n")
        archive.writestr("scored/solutions/ps1/x.ipynb", "{}")
    problems = scan_bundle(path, REPO)
    assert any("hidden test text" in p for p in problems)
    assert any("solutions/ps1/x.ipynb must not be" in p for p in problems)


@pytest.mark.parametrize("target, message", [
    ("out.tar", "should end in .zip"), ("no/such/folder/out.zip", "does not exist"),
])
def test_bundle_rejects_bad_targets(tmp_path, target, message):
    with pytest.raises(GradingError, match=message):
        make_student_bundle(REPO, tmp_path / target)


def test_regenerate_writes_only_exercises(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(REPO.root / "solutions", copy / "solutions")
    shutil.copy(REPO.config_file, copy / "nbgrader_config.py")
    (copy / "exercises" / "ps0-stale").mkdir(parents=True)
    (copy / "exercises" / "ps0-stale" / "old.ipynb").write_text("{}")
    layout = Layout(copy.resolve())
    written, removed = regenerate(layout)
    assert removed == ["ps0-stale"] and written
    assert compare_release(REPO.exercises / PS1, copy / "exercises" / PS1, "ex") == []
    assert sorted(p.name for p in copy.iterdir()) == ["exercises", "nbgrader_config.py",
                                                      "solutions"]


def test_installed_code_under_tmp_is_not_the_submissions(tmp_path, monkeypatch):
    """A virtual environment or a course clone under /tmp holds library code, not the
    student's: the guard must not flag library classes with their own __eq__ there."""
    import tempfile

    from course.grading.kernel import kernel_guard

    venv, work = tmp_path / "venv", tmp_path / "grading" / "alice"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(kernel_guard, "_STATE", {})
    monkeypatch.setattr(kernel_guard.sys, "prefix", str(venv))
    library = venv / "lib" / "python3.11" / "site-packages" / "scipy" / "spatial.py"
    assert not kernel_guard._student_file(str(library))
    assert kernel_guard._student_file(str(work / "helper.py"))  # a file the submission wrote
    assert kernel_guard._student_file(str(tmp_path / "elsewhere.py"))
    assert kernel_guard._student_file("<string>")
    assert not kernel_guard._student_file(kernel_guard.__file__)  # the course package

    # An installed-code folder that holds the student's folders would hide them: ignored
    monkeypatch.setattr(kernel_guard, "_STATE", {})
    monkeypatch.setattr(kernel_guard.sys, "prefix", "/")
    assert kernel_guard._student_file(str(work / "helper.py"))
