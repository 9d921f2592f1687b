"""A synthetic population of consumers for the fictional Lotus Pay platform.

Everything here is invented. No real person's data is used or needed: each column is drawn
from simple distributions chosen so that the data behave roughly like real consumer credit
data (a default rate of about 7%, as in the "Give Me Some Credit" and "Home Credit" data
sets; see ``datasets/DATASHEET.md``).

The data-generating process, in order:

1. Demographics: age, gender, city tier (1 = largest cities), hukou (household registration:
   ``local`` or ``migrant``), education and occupation.
2. A hidden latent *repayment propensity* ``z`` (standard normal; slightly lower for migrants).
   It is not a column: it is what the platform would like to know and cannot see.
3. Observed, noisy, partial views of ``z``: income, assets, on-time bill payment rate, late
   payments. They also depend on demographics.
4. Platform use: the share of spending paid through the platform and how many recurring
   bills are paid through it. Deliberately, **migrants and residents of lower-tier cities use
   the platform less**, independently of ``z``. The platform therefore sees less of them, and a
   score built on what it sees rates them lower than their true risk warrants.
5. Identity verifications (ID, degree, car, property, phone tenure); property is rarely
   verified by migrants: a model assumption (lower odds of owning property for migrants at
   equal assets), not a measured fact.
6. Private traits the platform does not observe directly (``has_children``, ``heavy_gamer``);
   they shape purchases in :func:`course.make_transactions`, so lessons can infer them.
7. A rare court-blacklist flag and the outcome ``defaulted`` (default within the next 12
   months), drawn from ``z`` alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import as_generator, check_count

CITY_TIERS = [1, 2, 3, 4]
EDUCATION_LEVELS = ["junior_high", "senior_high", "vocational", "bachelor", "postgraduate"]
OCCUPATIONS = [
    "student",
    "factory_worker",
    "service_worker",
    "office_worker",
    "professional",
    "self_employed",
    "civil_servant",
    "retired",
    "unemployed",
]
HUKOU = ["local", "migrant"]
GENDERS = ["female", "male"]

#: Columns of :func:`make_population`, in order, with their meaning and unit.
POPULATION_COLUMNS = {
    "consumer_id": "integer id, 0 .. n-1",
    "age": "years",
    "gender": "female / male",
    "city_tier": "ordered 1 (largest cities) .. 4",
    "hukou": "household registration: local / migrant",
    "education": "ordered, junior_high .. postgraduate",
    "occupation": "main occupation",
    "monthly_income_cny": "monthly income, CNY",
    "assets_cny": "savings and property, CNY",
    "has_children": "private trait: has children at home (not seen by the platform)",
    "heavy_gamer": "private trait: plays video games many hours a day (not seen by the platform)",
    "on_time_rate": "share of bills paid on time over the last 12 months, 0..1",
    "late_payments_12m": "number of late payments in the last 12 months",
    "platform_share": "habitual share of payments made through Lotus Pay, 0..1 (the share in a "
                      "few months of transactions varies around it)",
    "bills_on_platform": "recurring bills (of 6) paid through Lotus Pay",
    "verified_id": "national ID verified on the platform",
    "verified_degree": "degree certificate verified",
    "verified_car": "car ownership verified",
    "verified_property": "property ownership verified",
    "phone_tenure_years": "years with the same phone number",
    "blacklisted": "on the court list of dishonest judgment debtors",
    "defaulted": "outcome: defaulted on a loan within the next 12 months",
}

DEFAULT_RATE = 0.07
_DEFAULT_SLOPE = 1.8  # how strongly the latent propensity drives default (log-odds per sd)
_MIGRANT_SHIFT = -0.12  # migrants' latent propensity is slightly lower on average


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _intercept_for_rate(rate: float, shift: float = 0.0) -> float:
    """Log-odds intercept b such that E[expit(b - slope*z)] = rate for z ~ N(shift, 1)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(64)
    weights = weights / weights.sum()
    lo, hi = -20.0, 20.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if (weights * _expit(mid - _DEFAULT_SLOPE * (nodes + shift))).sum() < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _draw_categories(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category index per row of a (rows x categories) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def make_population(
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    default_rate: float = DEFAULT_RATE,
    include_latent: bool = False,
) -> pd.DataFrame:
    """Make a synthetic population of ``n`` Lotus Pay consumers, one row each.

    Parameters
    ----------
    n : int
        Number of consumers (at least 1).
    seed : int, numpy.random.Generator or None
        Seed for reproducibility: the same int gives the same frame.
    default_rate : float
        Expected share of consumers who default within 12 months, strictly between 0 and 1.
        About 0.07 is typical of consumer credit; raise it to model a crisis.
    include_latent : bool
        Also return ``default_probability``, each consumer's true probability of default.
        The platform never sees it; lessons use it to compare people of equal true risk.

    Returns
    -------
    pandas.DataFrame
        One row per consumer; the columns and units are in ``POPULATION_COLUMNS``.
        ``city_tier`` and ``education`` are ordered categoricals.

    Examples
    --------
    >>> people = make_population(1000, seed=1)
    >>> people.shape[0]
    1000
    >>> bool(0.03 < people["defaulted"].mean() < 0.11)
    True
    """
    n = check_count(n, "n", minimum=1)
    rng = as_generator(seed)
    if not isinstance(default_rate, (int, float)) or isinstance(default_rate, bool):
        raise TypeError(f"default_rate must be a number between 0 and 1, got {default_rate!r}.")
    if not 0.0 < float(default_rate) < 1.0:
        raise ValueError(
            f"default_rate must be strictly between 0 and 1 (for example 0.07), got {default_rate}."
        )

    # Demographics
    age = np.clip(np.rint(18 + rng.gamma(3.0, 6.5, n)), 18, 80).astype(np.int64)
    gender = (rng.random(n) < 0.5).astype(np.int8)
    tier_cum = np.cumsum([0.22, 0.30, 0.28, 0.20])
    tier_code = np.minimum(np.searchsorted(tier_cum / tier_cum[-1], rng.random(n)), 3)
    migrant_p = np.array([0.42, 0.34, 0.22, 0.12])[tier_code]
    migrant = rng.random(n) < migrant_p
    edu_latent = rng.normal(0, 1, n) + 0.35 * (1.5 - tier_code) / 1.5 - 0.35 * migrant
    edu_latent -= 0.012 * np.clip(age - 35, 0, None)
    edu_code = np.digitize(edu_latent, [-1.0, -0.2, 0.35, 1.5]).astype(np.int8)

    # The hidden repayment propensity
    z = rng.normal(0, 1, n) + _MIGRANT_SHIFT * migrant

    # Income and assets: noisy views of z, shaped by demographics
    tier_effect = np.array([0.45, 0.20, 0.0, -0.20])[tier_code]
    age_effect = 0.025 * (age - 18) - 0.0005 * (age - 18) ** 2
    log_income = (
        8.15 + tier_effect + 0.18 * edu_code + age_effect - 0.12 * migrant + 0.22 * z
        + rng.normal(0, 0.45, n)
    )
    income = np.round(np.exp(log_income), -1)
    log_assets = np.log(income * 12) + 0.35 * z + 0.02 * (age - 18) + rng.normal(0, 1.0, n)
    assets = np.round(np.exp(log_assets) * (rng.random(n) > 0.08), -2)

    # Occupation, from age, education and income
    young = age < 23
    old = age >= 60
    occ_p = np.empty((n, len(OCCUPATIONS)))
    occ_p[:, 0] = np.where(young, 3.0, 0.02)  # student
    occ_p[:, 1] = np.where(edu_code <= 1, 1.6, 0.3)  # factory_worker
    occ_p[:, 2] = np.where(edu_code <= 2, 1.6, 0.5)  # service_worker
    occ_p[:, 3] = np.where(edu_code >= 2, 1.5, 0.3)  # office_worker
    occ_p[:, 4] = np.where(edu_code >= 3, 1.2, 0.05)  # professional
    occ_p[:, 5] = 0.6  # self_employed
    occ_p[:, 6] = np.where((edu_code >= 3) & ~migrant, 0.5, 0.05)  # civil_servant
    occ_p[:, 7] = np.where(old, 6.0, 0.0)  # retired
    occ_p[:, 8] = 0.12 + 0.15 * (z < -1.5)  # unemployed
    occupation = _draw_categories(rng, occ_p).astype(np.int8)

    # Private traits
    has_children = rng.random(n) < 0.55 * _expit((age - 29) / 3.0) * _expit((42 - age) / 3.0) * 1.6
    gamer_p = np.where(gender == 1, 0.16, 0.06) * np.where(age < 30, 1.6, 0.6)
    heavy_gamer = rng.random(n) < gamer_p

    # Payment behaviour: strongly tied to z
    on_time = _expit(2.6 + 1.2 * z + rng.normal(0, 0.5, n))
    late = rng.poisson(np.exp(-0.7 - 0.9 * z + rng.normal(0, 0.4, n)))

    # Platform use: lower for migrants and in lower-tier cities, whatever their z
    visibility = (
        0.55 + np.array([0.55, 0.25, -0.35, -0.75])[tier_code] - 1.10 * migrant
        - 0.02 * (age - 30) + rng.normal(0, 0.6, n)
    )
    platform_share = _expit(visibility)
    bills = rng.binomial(6, np.clip(platform_share**1.3, 0, 1))

    # Identity verifications
    verified_id = rng.random(n) < 0.55 + 0.4 * platform_share
    verified_degree = (edu_code >= 3) & (rng.random(n) < 0.35 + 0.4 * platform_share)
    owns_car = rng.random(n) < _expit((log_income - 8.9) * 2.0)
    verified_car = owns_car & (rng.random(n) < 0.55)
    owns_property = rng.random(n) < _expit(np.log1p(assets) - 12.5 - 1.6 * migrant)
    verified_property = owns_property & (rng.random(n) < 0.6)
    phone_tenure = np.minimum(age - 14, rng.gamma(2.0, 3.2 - 1.2 * migrant)).round(1)

    # Court blacklist and the outcome
    blacklisted = rng.random(n) < _expit(-7.4 - 1.6 * z)
    b0 = _intercept_for_rate(float(default_rate), shift=_MIGRANT_SHIFT * migrant_p.mean())
    p_default = _expit(b0 - _DEFAULT_SLOPE * z)
    defaulted = rng.random(n) < p_default

    frame = pd.DataFrame(
        {
            "consumer_id": np.arange(n, dtype=np.int64),
            "age": age,
            "gender": pd.Categorical.from_codes(gender, GENDERS),
            "city_tier": pd.Categorical.from_codes(tier_code, CITY_TIERS, ordered=True),
            "hukou": pd.Categorical.from_codes(migrant.astype(np.int8), HUKOU),
            "education": pd.Categorical.from_codes(edu_code, EDUCATION_LEVELS, ordered=True),
            "occupation": pd.Categorical.from_codes(occupation, OCCUPATIONS),
            "monthly_income_cny": income,
            "assets_cny": assets,
            "has_children": has_children,
            "heavy_gamer": heavy_gamer,
            "on_time_rate": np.round(on_time, 4),
            "late_payments_12m": late.astype(np.int64),
            "platform_share": np.round(platform_share, 4),
            "bills_on_platform": bills.astype(np.int64),
            "verified_id": verified_id,
            "verified_degree": verified_degree,
            "verified_car": verified_car,
            "verified_property": verified_property,
            "phone_tenure_years": phone_tenure,
            "blacklisted": blacklisted,
            "defaulted": defaulted,
        }
    )
    if include_latent:
        frame["default_probability"] = np.round(p_default, 6)
    return frame
