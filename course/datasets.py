"""The default synthetic data: generate it, write it to ``datasets/``, load it back.

The default data are three CSV files made from fixed seeds, so that every student sees the
same numbers as the text. ``course data`` (or :func:`write_datasets`) regenerates them byte
for byte; :func:`load_dataset` reads them with the right dtypes.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from .population import CITY_TIERS, EDUCATION_LEVELS, GENDERS, HUKOU, OCCUPATIONS, make_population
from .traces import CATEGORY_NAMES, CHANNELS, make_friendships, make_transactions

#: How the default data are made: size, months of transactions and the master seed.
DEFAULT_N = 3000
DEFAULT_MONTHS = 6
DEFAULT_SEED = 2019

DATASET_NAMES = ["population", "transactions", "friendships"]

_CATEGORICAL = {
    "population": {
        "gender": pd.CategoricalDtype(GENDERS),
        "city_tier": pd.CategoricalDtype(CITY_TIERS, ordered=True),
        "hukou": pd.CategoricalDtype(HUKOU),
        "education": pd.CategoricalDtype(EDUCATION_LEVELS, ordered=True),
        "occupation": pd.CategoricalDtype(OCCUPATIONS),
    },
    "transactions": {
        "category": pd.CategoricalDtype(CATEGORY_NAMES),
        "channel": pd.CategoricalDtype(CHANNELS),
    },
    "friendships": {},
}
_DATES = {"population": [], "transactions": ["timestamp"], "friendships": []}
# pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 needs asking
_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def default_data_dir() -> Path:
    """Return the ``datasets/`` folder of the course checkout this package belongs to."""
    return Path(__file__).resolve().parent.parent / "datasets"


def generate_default_data() -> dict[str, pd.DataFrame]:
    """Generate the three default data sets in memory, exactly as ``datasets/`` holds them.

    Returns
    -------
    dict of pandas.DataFrame
        ``population``, ``transactions`` and ``friendships``.

    Examples
    --------
    >>> data = generate_default_data()
    >>> sorted(data)
    ['friendships', 'population', 'transactions']
    """
    pop_rng, trace_rng, friend_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(DEFAULT_SEED).spawn(3)
    )
    population = make_population(DEFAULT_N, seed=pop_rng)
    return {
        "population": population,
        "transactions": make_transactions(population, months=DEFAULT_MONTHS, seed=trace_rng),
        "friendships": make_friendships(population, seed=friend_rng),
    }


def _to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S").encode()


def write_datasets(out_dir: str | Path | None = None) -> list[Path]:
    """Write the default data sets as CSV files into ``out_dir`` (default ``datasets/``).

    Returns the paths written. Files are replaced atomically, so an interrupted run never
    leaves a half-written file behind.
    """
    out = Path(out_dir) if out_dir is not None else default_data_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_default_data().items():
        path = out / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_bytes(_to_csv_bytes(frame))
        tmp.replace(path)
        written.append(path)
    return written


def check_datasets(data_dir: str | Path | None = None) -> list[str]:
    """Compare ``data_dir`` with freshly generated data; return the names that differ."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    differ = []
    for name, frame in generate_default_data().items():
        path = folder / f"{name}.csv"
        if not path.exists() or path.read_bytes() != _to_csv_bytes(frame):
            differ.append(name)
    return differ


def load_dataset(name: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load one of the default data sets with the right dtypes.

    Parameters
    ----------
    name : str
        ``"population"``, ``"transactions"`` or ``"friendships"``.
    data_dir : str or Path, optional
        Folder holding the CSV files; default the course's ``datasets/``. If the file is
        missing there, the data are generated in memory instead (they are identical).

    Returns
    -------
    pandas.DataFrame
        The data set, tidy, with categorical and datetime columns restored.

    Examples
    --------
    >>> people = load_dataset("population")
    >>> len(people)
    3000
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {', '.join(DATASET_NAMES)}; got {name!r}.")
    if name not in DATASET_NAMES:
        close = difflib.get_close_matches(name.lower().rstrip("s") + "s", DATASET_NAMES, n=1) or \
            difflib.get_close_matches(name.lower(), DATASET_NAMES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"There is no data set called {name!r}.{hint} "
            f"The data sets are: {', '.join(DATASET_NAMES)}."
        )
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    path = folder / f"{name}.csv"
    if not path.exists():
        if data_dir is not None:
            raise FileNotFoundError(
                f"{path} does not exist; run `course data --out {folder}` to write the data sets."
            )
        return generate_default_data()[name]
    frame = pd.read_csv(path, dtype=_CATEGORICAL[name] or None, parse_dates=_DATES[name],
                        **_EXACT_FLOATS)
    for column, dtype in _CATEGORICAL[name].items():
        if isinstance(dtype.categories[0], (int, np.integer)):
            frame[column] = frame[column].astype(int).astype(dtype)
    if "timestamp" in frame:
        frame["timestamp"] = frame["timestamp"].astype("datetime64[ns]")
    return frame
