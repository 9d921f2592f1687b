"""Repository hygiene: clean notebooks, no grading data or checkpoints in git."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                          *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if (ROOT / line).exists()]


def test_committed_notebooks_are_clean():
    problems = []
    for path in tracked("*.ipynb"):
        nb = json.loads(path.read_text())
        rel = path.relative_to(ROOT)
        if nb.get("metadata", {}).get("kernelspec", {}).get("name") != "python3":
            problems.append(f"{rel}: kernelspec is not python3")
        for i, cell in enumerate(nb["cells"]):
            if cell.get("outputs"):
                problems.append(f"{rel} cell {i}: has outputs")
            if cell.get("execution_count") is not None:
                problems.append(f"{rel} cell {i}: has an execution count")
            if "execution" in cell.get("metadata", {}):
                problems.append(f"{rel} cell {i}: has execution timing metadata")
    assert not problems, "strip these notebooks:\n" + "\n".join(problems)


def test_no_grading_data_or_checkpoints_in_git():
    bad = [p for p in tracked() if p.name == "gradebook.db" or ".ipynb_checkpoints" in p.parts
           or {"submitted", "autograded", "feedback"} & set(p.relative_to(ROOT).parts)]
    assert not bad, f"these must never be committed: {bad}"

