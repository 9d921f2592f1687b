"""Scored: build a gamified credit score and study what it does to the people it scores.

The package behind the course's lessons and exercises. Everything is synthetic and the
platform (Lotus Pay) and its score (the Lotus Score, 350-950) are fictional, modelled on
public descriptions of Alipay's Sesame Credit, whose real algorithm is secret.
"""

from .datasets import DATASET_NAMES, load_dataset
from .dimensions import (
    DIMENSIONS,
    behaviour_preferences,
    connections,
    credit_history,
    dimension_scores,
    fulfilment_capacity,
    identity_characteristics,
    platform_view,
)
from .population import POPULATION_COLUMNS, make_population
from .scoring import (
    BLACKLIST_CAP,
    DEFAULT_WEIGHTS,
    PERKS,
    TIERS,
    Explanation,
    auc,
    explain,
    lotus_score,
    perks,
    tier,
    validate_weights,
)
from .traces import CATEGORY_NAMES, CHANNELS, friend_lists, make_friendships, make_transactions
from .fairness import (
    FOUR_FIFTHS,
    audit,
    calibration,
    four_fifths_ratio,
    plot_audit,
    selection_rates,
)
from .rules import ENGAGEMENT_TASKS, PERK_VALUES_CNY, EngagementTask, Rules
from .simulation import ACTIONS, SimulationResult, simulate
from .surveillance import (
    FULL_POLICY,
    MINIMISATION_SCENARIOS,
    PRECISIONS,
    anonymity_sets,
    category_shares,
    coarsen,
    footprint,
    infer_trait,
    minimisation,
    minimised_dimensions,
    precision_label,
    predict_trait,
    resolve_policy,
    resolve_precision,
    unicity,
    unicity_table,
)

__version__ = "0.1.0"


def __getattr__(name: str):
    # `course.widgets` (ipywidgets explorers) is imported on first use, so that plain
    # `import course` stays light, as in grading kernels.
    if name == "widgets":
        import importlib

        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'course' has no attribute {name!r}")

__all__ = [
    "ACTIONS",
    "BLACKLIST_CAP",
    "CATEGORY_NAMES",
    "CHANNELS",
    "DATASET_NAMES",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "ENGAGEMENT_TASKS",
    "FOUR_FIFTHS",
    "FULL_POLICY",
    "MINIMISATION_SCENARIOS",
    "PERK_VALUES_CNY",
    "PERKS",
    "POPULATION_COLUMNS",
    "PRECISIONS",
    "TIERS",
    "anonymity_sets",
    "auc",
    "audit",
    "behaviour_preferences",
    "calibration",
    "category_shares",
    "coarsen",
    "connections",
    "credit_history",
    "dimension_scores",
    "EngagementTask",
    "explain",
    "Explanation",
    "footprint",
    "four_fifths_ratio",
    "friend_lists",
    "fulfilment_capacity",
    "identity_characteristics",
    "infer_trait",
    "load_dataset",
    "lotus_score",
    "make_friendships",
    "make_population",
    "make_transactions",
    "minimisation",
    "minimised_dimensions",
    "perks",
    "platform_view",
    "plot_audit",
    "precision_label",
    "predict_trait",
    "resolve_policy",
    "resolve_precision",
    "Rules",
    "selection_rates",
    "simulate",
    "SimulationResult",
    "tier",
    "unicity",
    "unicity_table",
    "validate_weights",
]
