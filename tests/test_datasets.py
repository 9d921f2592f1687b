"""The committed default data: loading, dtypes, and byte-for-byte regeneration."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import course
from course import datasets

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", course.DATASET_NAMES)
def test_load_matches_generation(name):
    loaded = course.load_dataset(name)
    pd.testing.assert_frame_equal(loaded, datasets.generate_default_data()[name])


def test_committed_files_are_small():
    total = sum((ROOT / "datasets" / f"{n}.csv").stat().st_size for n in course.DATASET_NAMES)
    assert total < 30e6


def test_datasheet_documents_every_column():
    sheet = (ROOT / "datasets" / "DATASHEET.md").read_text()
    for column in list(course.POPULATION_COLUMNS) + ["merchant_id", "amount_cny", "friend_id"]:
        assert f"`{column}`" in sheet, f"DATASHEET.md does not document {column}"


def test_wrong_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Did you mean 'population'.*population, transactions"):
        course.load_dataset("populaton")
    with pytest.raises(ValueError, match="no data set called 'titanic'"):
        course.load_dataset("titanic")
    with pytest.raises(TypeError):
        course.load_dataset(3)


def test_missing_folder_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="course data --out"):
        course.load_dataset("population", data_dir=tmp_path)


def test_course_data_reproduces_the_committed_files(tmp_path):
    out = tmp_path / "data"
    run = subprocess.run([sys.executable, "-m", "course.cli", "data", "--out", str(out)],
                         capture_output=True, text=True, check=True)
    assert "wrote" in run.stdout
    for name in course.DATASET_NAMES:
        expected = (ROOT / "datasets" / f"{name}.csv").read_bytes()
        assert (out / f"{name}.csv").read_bytes() == expected
    check = subprocess.run([sys.executable, "-m", "course.cli", "data", "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_course_data_check_notices_a_change(tmp_path):
    datasets.write_datasets(tmp_path)
    path = tmp_path / "friendships.csv"
    path.write_bytes(path.read_bytes() + b"1,2\n")
    run = subprocess.run([sys.executable, "-m", "course.cli", "data", "--check", "--out",
                          str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "friendships" in run.stderr and "course data" in run.stderr
