"""Personas and "what if I..." changes: a person's sub-scores after changing what the platform sees.

:func:`personas` picks a few telling rows of the population (the names are invented labels for
synthetic rows); :func:`what_if_dimensions` recomputes one person's sub-scores after a
:class:`WhatIf` change with the same dimension functions as :func:`course.dimension_scores`;
:func:`next_perk` says which perk threshold is next. The persona explorer
(:mod:`course.widgets.persona`) is built on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import check_frame
from ..dimensions import (
    DIMENSIONS,
    RESPONSIBLE_CATEGORIES,
    behaviour_preferences,
    credit_history,
    fulfilment_capacity,
    identity_characteristics,
)
from ..scoring import PERKS, SCORE_MAX, lotus_score

#: Invented names for the persona picker, with what each persona illustrates.
PERSONA_NAMES = ["Mei", "Jun", "Lan", "Hao", "Ying", "Wei"]


def personas(population: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Pick a few consumers who illustrate the course's points, with invented names.

    The choice is deterministic for given data. Each row has ``consumer_id``, ``name``
    (invented), ``why`` (what the persona shows) and ``label`` (for a picker). Personas whose
    conditions no consumer meets are left out.

    Examples
    --------
    >>> from course import dimension_scores, load_dataset
    >>> people = load_dataset("population")
    >>> dims = dimension_scores(people, load_dataset("transactions"),
    ...                         load_dataset("friendships"))
    >>> personas(people, dims)["name"].tolist()[:2]
    ['Mei', 'Jun']
    """
    check_frame(population, "population", ["consumer_id", "blacklisted", "hukou", "city_tier"])
    people = population.set_index("consumer_id", drop=False)
    people = people.loc[people.index.intersection(dimensions.index)]
    dims = dimensions.loc[people.index]
    score = lotus_score(dims, blacklisted=people["blacklisted"].to_numpy(dtype=bool))
    uncapped = lotus_score(dims)
    ok = ~people["blacklisted"]
    tier_ = people["city_tier"].astype(int)
    rules = [
        ("Mei", "a migrant in a big city, just below the first perk (600)",
         ok & (people["hukou"] == "migrant") & (tier_ == 1) & people["age"].between(20, 45)
         & score.between(585, 599), score, 595),
        ("Jun", "a well-scored local in a big city",
         ok & (people["hukou"] == "local") & (tier_ == 1) & (score >= 700), score, 730),
        ("Lan", "pays every bill on time, but mostly off the platform",
         ok & (people["on_time_rate"] >= 0.97) & (people["late_payments_12m"] == 0)
         & (people["bills_on_platform"] <= 1) & (score < 560), people["on_time_rate"], 1.0),
        ("Hao", "a young heavy gamer near a perk threshold",
         ok & people["heavy_gamer"] & (people["age"] < 30) & score.between(630, 649), score, 645),
        ("Ying", "a parent in a smaller city, just below deposit-free housing (650)",
         ok & people["has_children"] & (tier_ >= 2) & score.between(635, 649), score, 645),
        ("Wei", "on the court blacklist: capped at 549, no perks",
         people["blacklisted"], uncapped, float(SCORE_MAX)),
    ]
    rows, taken = [], set()
    for name, why, mask, key, target in rules:
        candidates = people.index[mask.to_numpy() & ~people.index.isin(list(taken))]
        if len(candidates) == 0:
            continue
        distance = (key.loc[candidates] - target).abs()
        chosen = int(distance.sort_values(kind="stable").index[0])
        taken.add(chosen)
        person = people.loc[chosen]
        who = (f"{person['age']}, {person['hukou']} hukou, tier-{int(person['city_tier'])} city, "
               f"{str(person['occupation']).replace('_', ' ')}")
        rows.append({"consumer_id": chosen, "name": name, "why": why,
                     "label": f"{name} (invented) — {who}: {why}"})
    return pd.DataFrame(rows, columns=["consumer_id", "name", "why", "label"])


def spending_by_channel(transactions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Per consumer: payments and spending on and off the platform, and the months observed.

    Columns (``on_`` = through Lotus Pay, ``off_`` = card or cash): ``n`` payments, ``spend``
    (CNY), ``responsible`` (spend on the categories behaviour & preferences rewards),
    ``gaming`` (spend on games) and ``gaming_n`` (game payments). The months are counted as
    :func:`course.platform_view` counts them.
    """
    check_frame(transactions, "transactions", ["consumer_id", "timestamp", "category",
                                               "amount_cny", "channel"])
    stamps = transactions["timestamp"]
    months = 1
    if len(transactions):
        months = max(1, (stamps.max().year - stamps.min().year) * 12
                     + stamps.max().month - stamps.min().month + 1)
    category = transactions["category"].astype(str)
    amount = transactions["amount_cny"].to_numpy(dtype=float)
    games = (category == "games").to_numpy()
    parts = pd.DataFrame({
        "consumer_id": transactions["consumer_id"].to_numpy(),
        "side": np.where((transactions["channel"] == "platform").to_numpy(), "on", "off"),
        "n": 1.0,
        "spend": amount,
        "responsible": amount * category.isin(RESPONSIBLE_CATEGORIES).to_numpy(),
        "gaming": amount * games,
        "gaming_n": games.astype(float),
    })
    wide = parts.groupby(["consumer_id", "side"]).sum().unstack("side", fill_value=0.0)
    wide.columns = [f"{side}_{what}" for what, side in wide.columns]
    for side in ("on", "off"):
        for what in ("n", "spend", "responsible", "gaming", "gaming_n"):
            if f"{side}_{what}" not in wide:
                wide[f"{side}_{what}"] = 0.0
    return wide, months


@dataclass
class WhatIf:
    """The "what if I..." changes; ``None`` keeps the person's own value."""

    pay_on_time: bool = False
    bills_on_platform: int | None = None
    move_spending: float = 0.0
    games_in_cash: bool = False
    verified_id: bool | None = None
    verified_degree: bool | None = None
    verified_car: bool | None = None
    verified_property: bool | None = None
    blacklisted: bool | None = None


def what_if_dimensions(person: pd.Series, spending: pd.Series, months: int,
                       connections: float, change: WhatIf) -> pd.Series:
    """Recompute one consumer's five sub-scores after ``change``, with the package's functions.

    ``person`` is their population row, ``spending`` their row of
    :func:`spending_by_channel`, ``connections`` their current connections sub-score.
    """
    if not 0.0 <= change.move_spending <= 1.0:
        raise ValueError(f"move_spending is a share from 0 to 1, got {change.move_spending}.")

    def own(value, column):
        return person[column] if value is None else value

    on_time = 1.0 if change.pay_on_time else float(person["on_time_rate"])
    late = 0.0 if change.pay_on_time else float(person["late_payments_12m"])
    bills = float(own(change.bills_on_platform, "bills_on_platform"))
    if not 0 <= bills <= 6:
        raise ValueError(f"bills_on_platform counts recurring bills, 0 to 6; got {bills:g}.")

    # Move a share of card and cash spending onto the platform
    f = float(change.move_spending)
    seen = {what: spending[f"on_{what}"] + f * spending[f"off_{what}"]
            for what in ("n", "spend", "responsible", "gaming", "gaming_n")}
    # Paying for games in cash hides them from the platform
    if change.games_in_cash:
        seen["spend"] -= seen["gaming"]
        seen["n"] -= seen["gaming_n"]
        seen["gaming"] = 0.0
    spend = max(seen["spend"], 0.0)
    responsible_share = seen["responsible"] / spend if spend > 0 else 0.0
    gaming_share = seen["gaming"] / spend if spend > 0 else 0.0

    car = bool(own(change.verified_car, "verified_car"))
    prop = bool(own(change.verified_property, "verified_property"))
    values = {
        "credit_history": credit_history(on_time, late, bills),
        "fulfilment_capacity": fulfilment_capacity(spend / months, car, prop),
        "behaviour_preferences": behaviour_preferences(
            seen["n"] / months, responsible_share, gaming_share),
        "identity_characteristics": identity_characteristics(
            bool(own(change.verified_id, "verified_id")),
            bool(own(change.verified_degree, "verified_degree")), car, prop,
            float(person["phone_tenure_years"])),
        "connections": connections,
    }
    return pd.Series({d: float(np.clip(values[d], 0.0, 1.0)) for d in DIMENSIONS},
                     name=person.name)


def next_perk(score: int, blacklisted: bool) -> tuple[int | None, str | None]:
    """The lowest perk threshold above ``score`` and the perks it unlocks (None if none)."""
    if blacklisted:
        return None, None
    above = PERKS[PERKS["min_score"] > score]
    if above.empty:
        return None, None
    threshold = int(above["min_score"].min())
    names = ", ".join(above.loc[above["min_score"] == threshold, "perk"])
    return threshold, names
