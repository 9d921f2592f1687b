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

Each explorer has its module (``course.widgets.weights``, ...), which imports only
``course.widgets._base`` (the common layout) and the core of :mod:`course`. What the
explorers compute lives in the core and is importable from :mod:`course` without ipywidgets:
:func:`course.score_summary`, :func:`course.personas`, :func:`course.what_if_dimensions`,
:func:`course.compare_incentives`, :func:`course.policy_point`, :func:`course.audit_summary`
and so on.
"""

from __future__ import annotations

import importlib
import warnings

from ._base import Explorer
from .dependency import DependencySimulator, dependency_simulator
from .fairness import FairnessAudit, fairness_audit
from .incentives import IncentiveSimulator, incentive_simulator
from .persona import PersonaExplorer, persona_explorer
from .population import PopulationExplorer, population_explorer
from .surveillance import SurveillanceDial, surveillance_dial
from .trace import TraceExplorer, trace_explorer
from .weights import WeightsExplorer, weights_explorer

#: Names that used to be importable from here and now live in the core (``course.<name>``;
#: the policy helpers in ``course.surveillance``). They still work for one release, with a
#: DeprecationWarning.
MOVED = {
    name: "course" for name in [
        "AuditResult", "DependencyResult", "IncentiveResult", "SimulationCache",
        "WeightsResult", "WhatIf", "age_bands", "audit_summary", "describe_column",
        "friends_by_start_tier", "gaming_by_outcome", "neutral_rules", "normalise_weights",
        "personas", "policy_accuracy", "policy_footprint", "policy_point", "policy_unicity",
        "score_summary", "set_weight", "spending_by_channel", "trace_summary",
        "what_if_dimensions"]
}


def __getattr__(name: str):
    if name in MOVED:
        warnings.warn(f"course.widgets.{name} is deprecated and will be removed in the next "
                      f"release; use course.{name}.", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module("course"), name)
    raise AttributeError(f"module 'course.widgets' has no attribute {name!r}")


__all__ = [
    "DependencySimulator",
    "Explorer",
    "FairnessAudit",
    "IncentiveSimulator",
    "PersonaExplorer",
    "PopulationExplorer",
    "SurveillanceDial",
    "TraceExplorer",
    "WeightsExplorer",
    "dependency_simulator",
    "fairness_audit",
    "incentive_simulator",
    "persona_explorer",
    "population_explorer",
    "surveillance_dial",
    "trace_explorer",
    "weights_explorer",
]
