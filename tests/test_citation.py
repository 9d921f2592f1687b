"""CITATION.cff is valid Citation File Format 1.2.0 and cites the course and its paper.

The schema is the official CFF 1.2.0 JSON schema (tests/data/, as shipped with cffconvert
2.0.0). ``cffconvert`` itself pins jsonschema 3, which the course's Jupyter stack cannot use,
so it is not a test dependency: the schema is checked here with the course's own jsonschema,
and ``cffconvert --validate`` runs too when a ``cffconvert`` command is on PATH (for example
from ``pipx install cffconvert``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CITATION = ROOT / "CITATION.cff"
SCHEMA = ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json"


@pytest.fixture(scope="module")
def citation() -> dict:
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def test_citation_file_follows_the_cff_1_2_0_schema(citation):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/1.2.0/schema.json")
    assert citation["cff-version"] == "1.2.0"
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(citation), key=lambda e: list(e.path))
    assert not errors, "CITATION.cff does not follow CFF 1.2.0:\n" + "\n".join(
        f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors[:10])


def test_the_schema_check_catches_a_broken_citation(citation):
    """The check above can fail: a citation without authors, with a bad DOI, is rejected."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**citation, "authors": []}
    broken["references"] = [{**citation["references"][0], "doi": "not a doi"}]
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    messages = [e.message for e in validator.iter_errors(broken)]
    assert len(messages) >= 2, messages


def test_citation_names_the_course_its_licences_and_the_paper(citation):
    assert citation["title"].startswith("Scored")
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in (ROOT / "LICENSE-CONTENT.md").read_text()
    chong = [r for r in citation["references"]
             if any(a.get("family-names") == "Chong" for a in r["authors"])]
    assert len(chong) == 1, "the seed paper (Chong 2019) is not among the references"
    paper = chong[0]
    assert paper["doi"] == "10.1080/17544750.2019.1583261"
    assert (paper["year"], paper["volume"], paper["issue"]) == (2019, 12, 3)
    assert paper["journal"] == "Chinese Journal of Communication"


def test_cffconvert_validates_the_citation_file():
    cffconvert = shutil.which("cffconvert")
    if cffconvert is None:
        pytest.skip("the `cffconvert` command is not on PATH (it pins jsonschema 3, so it is "
                    "not installed with the course; `pipx install cffconvert` to run this "
                    "check too); the schema test above covers the same rules")
    result = subprocess.run([cffconvert, "--validate", "-i", str(CITATION)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout.lower()
