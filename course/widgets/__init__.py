"""Interactive explorers for the lessons: thin ipywidgets wrappers over package functions.

Each explorer is an ``ipywidgets.VBox``: display it in a notebook, or drive it from code by
setting its controls' ``.value`` and reading ``.result`` (what was computed), ``.error`` and
``.message`` (what its output area shows). Errors raised while updating are shown in the
explorer, never lost.

=====================  ==========================================  ==========
explorer               what it shows                                lesson
=====================  ==========================================  ==========
population_explorer    one column's distribution, by group          01
trace_explorer         one person's payments; what the platform     02
                       sees of them
weights_explorer       five weights -> scores, tiers by group, AUC  03
persona_explorer       one person, "what if I..." -> score, perks   04
incentive_simulator    engagement tasks, behaviour weight, perks    05
                       -> scores, validity (AUC), who games
dependency_simulator   platform-use reward, connections weight ->   06
                       platform share, switching cost, friendships
surveillance_dial      data sources and coarseness -> accuracy,     07
                       footprint, unicity
fairness_audit         groups, threshold, weights -> selection      08
                       rates, four-fifths ratio, calibration
=====================  ==========================================  ==========

Each explorer has its module (``course.widgets.weights``, ...). What they compute without a
widget is in ``what_if`` (personas, "what if I..." sub-scores), ``simulators`` (what the two
simulators share: weights that keep their proportions, cached runs) and ``policies`` (what a
data policy costs the score and gains privacy); ``_base`` is the explorers' common layout.
"""

from ._base import ConsumerPicker, Explorer
from .incentives import IncentiveResult, IncentiveSimulator, gaming_by_outcome, incentive_simulator
from .persona import PersonaExplorer, PersonaResult, persona_explorer
from .what_if import WhatIf, personas, spending_by_channel, what_if_dimensions
from .simulators import SimulationCache, set_weight
from .population import PopulationExplorer, PopulationResult, describe_column, population_explorer
from .dependency import (
    DependencyResult,
    DependencySimulator,
    dependency_simulator,
    friends_by_start_tier,
    neutral_rules,
)
from .fairness import AuditResult, FairnessAudit, age_bands, audit_summary, fairness_audit
from .policies import policy_accuracy, policy_footprint, policy_point, policy_unicity
from .surveillance import DialResult, SurveillanceDial, surveillance_dial
from .trace import TraceExplorer, TraceResult, trace_explorer, trace_summary
from .weights import (
    WeightsExplorer,
    WeightsResult,
    normalise_weights,
    score_summary,
    weights_explorer,
)

__all__ = [
    "DependencyResult",
    "DependencySimulator",
    "IncentiveResult",
    "IncentiveSimulator",
    "SimulationCache",
    "dependency_simulator",
    "friends_by_start_tier",
    "gaming_by_outcome",
    "incentive_simulator",
    "neutral_rules",
    "set_weight",
    "AuditResult",
    "DialResult",
    "FairnessAudit",
    "SurveillanceDial",
    "age_bands",
    "audit_summary",
    "fairness_audit",
    "policy_accuracy",
    "policy_footprint",
    "policy_point",
    "policy_unicity",
    "surveillance_dial",
    "ConsumerPicker",
    "Explorer",
    "PersonaExplorer",
    "PersonaResult",
    "PopulationExplorer",
    "PopulationResult",
    "TraceExplorer",
    "TraceResult",
    "WeightsExplorer",
    "WeightsResult",
    "WhatIf",
    "describe_column",
    "normalise_weights",
    "persona_explorer",
    "personas",
    "population_explorer",
    "score_summary",
    "spending_by_channel",
    "trace_explorer",
    "trace_summary",
    "weights_explorer",
    "what_if_dimensions",
]
