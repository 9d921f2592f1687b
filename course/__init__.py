"""Scored: build a gamified credit score and study what it does to the people it scores.

The package behind the course's lessons and exercises. Everything is synthetic and the
platform (Lotus Pay) and its score (the Lotus Score, 350-950) are fictional, modelled on
public descriptions of Alipay's Sesame Credit, whose real algorithm is secret.

Everything a lesson or an exercise uses is importable from here, in the order the lessons
meet it (the interactive explorers are in :mod:`course.widgets`):

* data (lessons 01-02): :func:`load_dataset`, the generators, :func:`platform_view`;
* the score (lessons 03-04): the five dimension functions, :func:`lotus_score`,
  :func:`tiers`, :func:`perks_granted`, :func:`explain`, :func:`personas`, what-if changes;
* incentives and dependency (lessons 05-06): :class:`Rules`, :func:`simulate`,
  :func:`perks_in_reach`, the simulation experiments;
* surveillance (lesson 07): :func:`footprint`, :func:`unicity`, :func:`minimisation`, ...;
* fairness (lesson 08): :func:`audit`, :func:`selection_rates`, :func:`calibration`, ...
"""

from __future__ import annotations

import importlib
import warnings

from .constants import (
    BLACKLIST_CAP,
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    RESPONSIBLE_CATEGORIES,
    SCORE_MAX,
    SCORE_MIN,
    SCORE_SPAN,
)
from .datasets import DATASET_NAMES, generate_default_data, load_dataset
from .dimensions import (
    behaviour_preferences,
    connections,
    connections_from_totals,
    credit_history,
    dimension_scores,
    dimensions_from_view,
    fulfilment_capacity,
    identity_characteristics,
    own_dimensions,
    standing,
)
from .experiments import (
    DependencyResult,
    IncentiveResult,
    SimulationCache,
    compare_dependency,
    compare_incentives,
    friends_by_start_tier,
    gaming_by_outcome,
    neutral_rules,
)
from .explain import Explanation, explain, next_perk
from .fairness import (
    FOUR_FIFTHS,
    audit,
    calibration,
    four_fifths_ratio,
    selection_rates,
)
from .fairness_plot import plot_audit
from .personas import WhatIf, personas, what_if_dimensions
from .population import POPULATION_COLUMNS, make_population
from .rules import ENGAGEMENT_TASKS, EngagementTask, Rules, perks_in_reach
from .scoring import (
    PERKS,
    TIER_NAMES,
    TIERS,
    lotus_score,
    perks_granted,
    raw_score,
    repayment_auc,
    tier_name,
    tiers,
)
from .simulation import ACTIONS, COSTS_CNY, SimulationResult, simulate
from .summaries import (
    AuditResult,
    WeightsResult,
    age_bands,
    audit_summary,
    describe_column,
    score_summary,
    trace_summary,
)
from .surveillance import (
    FOOTPRINT_SOURCES,
    FULL_POLICY,
    MINIMISATION_SCENARIOS,
    PRECISIONS,
    anonymity_sets,
    category_shares,
    coarsen,
    footprint,
    minimisation,
    minimised_dimensions,
    policy_accuracy,
    policy_footprint,
    policy_point,
    policy_unicity,
    precision_label,
    resolve_policy,
    resolve_precision,
    trait_inference_metrics,
    trait_probabilities,
    unicity,
    unicity_table,
)
from .traces import CATEGORY_NAMES, CHANNELS, friend_lists, make_friendships, make_transactions
from .visibility import (
    PLATFORM_VIEW_COLUMNS,
    months_observed,
    platform_activity,
    platform_view,
    spending_by_channel,
)
from .weights import normalise_weights, set_weight, validate_weights

__version__ = "0.1.0"

#: Old names kept for one release: each still works, with a DeprecationWarning naming the new
#: one. (``tier`` gave a str for one score and a Series for several: now ``tier_name`` and
#: ``tiers``.)
RENAMED: dict[str, str] = {
    "auc": "repayment_auc",
    "perks": "perks_granted",
    "tier": "tiers",
    "PERK_VALUES_CNY": "PERKS",
    "infer_trait": "trait_inference_metrics",
    "predict_trait": "trait_probabilities",
}


def _old_name(name: str):
    if name == "tier":
        from .scoring import tier

        return tier
    if name == "PERK_VALUES_CNY":
        from .rules import PERK_VALUES_CNY

        return PERK_VALUES_CNY
    return globals()[RENAMED[name]]


def __getattr__(name: str):
    # `course.widgets` (ipywidgets explorers) and `course.plots` (matplotlib) are imported on
    # first use, so that plain `import course` stays light: in grading kernels, and in every
    # `course` command.
    if name in ("widgets", "plots"):
        return importlib.import_module(f".{name}", __name__)
    if name in RENAMED:
        new = RENAMED[name]
        hint = {"tier": "course.tiers(scores), or course.tier_name(score) for one score",
                "PERK_VALUES_CNY": 'the "value_cny" column of course.PERKS'}.get(
                    name, f"course.{new}")
        warnings.warn(f"course.{name} is deprecated and will be removed in the next release; "
                      f"use {hint}.", DeprecationWarning, stacklevel=2)
        return _old_name(name)
    raise AttributeError(f"module 'course' has no attribute {name!r}")


__all__ = [
    # constants of the model
    "BLACKLIST_CAP", "DEFAULT_WEIGHTS", "DIMENSIONS", "RESPONSIBLE_CATEGORIES", "SCORE_MAX",
    "SCORE_MIN", "SCORE_SPAN",
    # lessons 01-02: data, and what the platform sees
    "CATEGORY_NAMES", "CHANNELS", "DATASET_NAMES", "PLATFORM_VIEW_COLUMNS",
    "POPULATION_COLUMNS", "describe_column", "friend_lists", "generate_default_data",
    "load_dataset", "make_friendships", "make_population", "make_transactions",
    "months_observed", "platform_activity", "platform_view", "spending_by_channel",
    "trace_summary",
    # lesson 03: the score
    "PERKS", "TIER_NAMES", "TIERS", "WeightsResult", "behaviour_preferences", "connections",
    "connections_from_totals", "credit_history", "dimension_scores", "dimensions_from_view",
    "fulfilment_capacity", "identity_characteristics", "lotus_score", "normalise_weights",
    "own_dimensions", "perks_granted", "raw_score", "repayment_auc", "score_summary",
    "standing", "tier_name", "tiers", "validate_weights",
    # lesson 04: the rules of the game, one person
    "Explanation", "WhatIf", "explain", "next_perk", "personas", "what_if_dimensions",
    # lessons 05-06: incentives and dependency
    "ACTIONS", "COSTS_CNY", "ENGAGEMENT_TASKS", "DependencyResult", "EngagementTask",
    "IncentiveResult", "Rules", "SimulationCache", "SimulationResult", "compare_dependency",
    "compare_incentives", "friends_by_start_tier", "gaming_by_outcome", "neutral_rules",
    "perks_in_reach", "set_weight", "simulate",
    # lesson 07: surveillance
    "FOOTPRINT_SOURCES", "FULL_POLICY", "MINIMISATION_SCENARIOS", "PRECISIONS",
    "anonymity_sets", "category_shares", "coarsen", "footprint",
    "minimisation", "minimised_dimensions", "policy_accuracy", "policy_footprint",
    "policy_point", "policy_unicity", "precision_label", "resolve_policy",
    "resolve_precision", "trait_inference_metrics", "trait_probabilities", "unicity",
    "unicity_table",
    # lesson 08: fairness
    "FOUR_FIFTHS", "AuditResult", "age_bands", "audit", "audit_summary", "calibration",
    "four_fifths_ratio", "plot_audit", "selection_rates",
    # plotting helpers
    "plots",
]
