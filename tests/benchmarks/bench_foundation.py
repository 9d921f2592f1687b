"""Foundation benchmarks: generating and scoring a population of a million.

- population rows/s against (a) Faker, row by row, generating the same columns — the tool
  people reach for — and (b) numpy drawing the same number of random values and nothing else;
- scoring rows/s against a row-wise ``DataFrame.apply`` version of the same formula;
- peak memory of the whole pipeline for 1M consumers (population, one month of payments,
  friendships, dimensions, scores), against the interpreter with the package imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd

import course
from course import DIMENSIONS

from ._util import Result, best_time

#: Random values make_population draws per consumer (one per draw in population.py).
RANDOM_VALUES_PER_ROW = 27


def faker_population(n: int, seed: int = 0) -> pd.DataFrame:
    """The same columns, row by row, with Faker: what a straightforward generator looks like."""
    from faker import Faker

    fake = Faker()
    Faker.seed(seed)
    rows = []
    for i in range(n):
        rows.append({
            "consumer_id": i,
            "age": fake.random_int(18, 80),
            "gender": fake.random_element(["female", "male"]),
            "city_tier": fake.random_int(1, 4),
            "hukou": fake.random_element(["local", "migrant"]),
            "education": fake.random_element(course.population.EDUCATION_LEVELS),
            "occupation": fake.random_element(course.population.OCCUPATIONS),
            "monthly_income_cny": fake.pyfloat(min_value=1000, max_value=50000, right_digits=0),
            "assets_cny": fake.pyfloat(min_value=0, max_value=2_000_000, right_digits=0),
            "has_children": fake.boolean(40),
            "heavy_gamer": fake.boolean(10),
            "on_time_rate": fake.pyfloat(min_value=0, max_value=1, right_digits=4),
            "late_payments_12m": fake.random_int(0, 10),
            "platform_share": fake.pyfloat(min_value=0, max_value=1, right_digits=4),
            "bills_on_platform": fake.random_int(0, 6),
            "verified_id": fake.boolean(80),
            "verified_degree": fake.boolean(30),
            "verified_car": fake.boolean(20),
            "verified_property": fake.boolean(20),
            "phone_tenure_years": fake.pyfloat(min_value=0, max_value=30, right_digits=1),
            "blacklisted": fake.boolean(1),
            "defaulted": fake.boolean(7),
        })
    return pd.DataFrame(rows)


def apply_score(dims: pd.DataFrame, weights=None) -> pd.Series:
    """The Lotus Score computed row by row with DataFrame.apply (the slow, obvious way)."""
    w = weights or course.DEFAULT_WEIGHTS

    def one(row):
        raw = 350 + 600 * sum(w[d] * row[d] for d in DIMENSIONS)
        return int(min(950, max(350, np.floor(raw + 0.5))))

    return dims.apply(one, axis=1)


_MEMORY_SCRIPT = textwrap.dedent("""
    import resource, sys
    import course
    n = int(sys.argv[1])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if n:
        people = course.make_population(n, seed=1)
        trace = course.make_transactions(people, months=1, seed=2)
        ties = course.make_friendships(people, seed=3)
        dims = course.dimension_scores(people, trace, ties)
        course.lotus_score(dims, blacklisted=people["blacklisted"].to_numpy())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
""")


def _peak_mb(n: int) -> float:
    out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(n)], check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list[Result]:
    n = 20_000 if quick else 1_000_000
    n_faker = 500 if quick else 20_000
    n_apply = 2_000 if quick else 50_000
    results = []

    # Population generation
    ours = best_time(lambda: course.make_population(n, seed=1), repeat=2 if quick else 3)
    faker = best_time(lambda: faker_population(n_faker), repeat=1)
    rng = np.random.default_rng(1)
    raw = best_time(lambda: rng.standard_normal(n * RANDOM_VALUES_PER_ROW), repeat=3)
    rate = n / ours
    results.append(Result(f"make_population({n:,}) rows/s", rate, "rows/s",
                          f"Faker row by row ({n_faker:,} rows)", n_faker / faker,
                          aim="> 200x Faker"))
    results.append(Result(f"make_population({n:,}) rows/s", rate, "rows/s",
                          f"numpy: just {RANDOM_VALUES_PER_ROW} draws/row", n / raw,
                          aim="within 10x of raw numpy (ratio >= 0.1)"))

    # Scoring
    people = course.make_population(n, seed=2)
    dims = pd.DataFrame(np.random.default_rng(3).random((n, 5)), columns=DIMENSIONS)
    black = people["blacklisted"].to_numpy()
    vectorised = best_time(lambda: course.lotus_score(dims, blacklisted=black), repeat=3)
    sample = dims.iloc[:n_apply]
    slow = best_time(lambda: apply_score(sample), repeat=1)
    assert (apply_score(sample.iloc[:200]).to_numpy()
            == course.lotus_score(sample.iloc[:200]).to_numpy()).all()
    results.append(Result(f"lotus_score({n:,}) rows/s", n / vectorised, "rows/s",
                          f"DataFrame.apply row-wise ({n_apply:,} rows)", n_apply / slow,
                          aim="> 100x apply"))

    # Peak memory of the whole pipeline
    base = _peak_mb(0)
    peak = _peak_mb(n)
    results.append(Result(f"peak memory, pipeline for {n:,} consumers", peak, "MB",
                          "interpreter + course imported", base, higher_is_better=False,
                          aim="< 2048 MB"))
    return results
