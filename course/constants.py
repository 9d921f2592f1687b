"""The constants of the Lotus Score model, in one place: dimensions, weights, the score's range.

Every other module imports them from here (and :mod:`course` re-exports them), so that the
engine, the simulation's agents and the explorers share one model of the score.

The real Sesame Credit's weights are secret, and published figures are **unofficial and
contested**. One widely copied source gives 35/25/20/15/5 to history/behaviour/fulfilment/
identity/connections; others swap behaviour and fulfilment. ``DEFAULT_WEIGHTS`` uses the
swapped variant (fulfilment 25, behaviour 20), as the course design does. Treat them as
illustrative.
"""

from __future__ import annotations

#: The five dimensions of the score, in the order every table and weight vector uses.
DIMENSIONS: list[str] = [
    "credit_history",
    "fulfilment_capacity",
    "behaviour_preferences",
    "identity_characteristics",
    "connections",
]

#: Illustrative weights: 35/25/20/15/5 with fulfilment before behaviour (unofficial,
#: contested; see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "credit_history": 0.35,
    "fulfilment_capacity": 0.25,
    "behaviour_preferences": 0.20,
    "identity_characteristics": 0.15,
    "connections": 0.05,
}

#: The score's range: ``score = SCORE_MIN + SCORE_SPAN * sum(w * s)``, clipped to
#: [SCORE_MIN, SCORE_MAX].
SCORE_MIN, SCORE_MAX, SCORE_SPAN = 350, 950, 600
#: The highest score a court-blacklisted consumer can have: the top of the "poor" tier.
BLACKLIST_CAP = 549

#: Purchase categories that behaviour & preferences treats as signs of responsibility.
RESPONSIBLE_CATEGORIES: list[str] = ["utilities", "baby_goods", "education", "health", "books"]

__all__ = ["BLACKLIST_CAP", "DEFAULT_WEIGHTS", "DIMENSIONS", "RESPONSIBLE_CATEGORIES",
           "SCORE_MAX", "SCORE_MIN", "SCORE_SPAN"]
