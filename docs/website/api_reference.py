"""The API reference page of the course site, generated from the package's numpydoc docstrings.

    python docs/website/api_reference.py > api.md     # build.py writes it into the site

Every name in ``course.__all__`` and ``course.widgets.__all__`` appears once, under the lesson
that first uses it (``GROUPS``); a name not placed in a group is an error, so that a new public
name cannot be left out of the reference. Each entry shows the signature and the docstring,
with its numpydoc sections (Parameters, Returns, Raises, Examples, ...) turned into Markdown.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys

#: Lesson -> the public names it introduces, in reading order. ``widgets.`` names come from
#: ``course.widgets``.
GROUPS: dict[str, list[str]] = {
    "Constants of the model": [
        "DIMENSIONS", "DEFAULT_WEIGHTS", "SCORE_MIN", "SCORE_MAX", "SCORE_SPAN",
        "BLACKLIST_CAP", "RESPONSIBLE_CATEGORIES"],
    "Lesson 01 — a synthetic population": [
        "load_dataset", "DATASET_NAMES", "generate_default_data", "make_population",
        "POPULATION_COLUMNS", "describe_column", "widgets.population_explorer",
        "widgets.PopulationExplorer"],
    "Lesson 02 — what the platform sees": [
        "make_transactions", "CATEGORY_NAMES", "CHANNELS", "make_friendships", "friend_lists",
        "platform_view", "PLATFORM_VIEW_COLUMNS", "months_observed", "spending_by_channel",
        "platform_activity", "trace_summary", "widgets.trace_explorer", "widgets.TraceExplorer"],
    "Lesson 03 — the score": [
        "credit_history", "fulfilment_capacity", "behaviour_preferences",
        "identity_characteristics", "standing", "connections_from_totals", "connections",
        "own_dimensions", "dimensions_from_view", "dimension_scores", "validate_weights",
        "normalise_weights", "raw_score", "lotus_score", "TIERS", "TIER_NAMES", "tiers",
        "tier_name", "repayment_auc", "score_summary", "WeightsResult",
        "widgets.weights_explorer", "widgets.WeightsExplorer"],
    "Lesson 04 — the rules of the game": [
        "PERKS", "perks_granted", "next_perk", "explain", "Explanation", "personas", "WhatIf",
        "what_if_dimensions", "widgets.persona_explorer", "widgets.PersonaExplorer"],
    "Lesson 05 — incentives": [
        "Rules", "ENGAGEMENT_TASKS", "EngagementTask", "perks_in_reach", "COSTS_CNY", "ACTIONS",
        "simulate", "SimulationResult", "set_weight", "SimulationCache", "gaming_by_outcome",
        "compare_incentives", "IncentiveResult", "widgets.incentive_simulator",
        "widgets.IncentiveSimulator"],
    "Lesson 06 — dependency": [
        "neutral_rules", "friends_by_start_tier", "compare_dependency", "DependencyResult",
        "widgets.dependency_simulator", "widgets.DependencySimulator"],
    "Lesson 07 — surveillance": [
        "footprint", "FOOTPRINT_SOURCES", "category_shares", "trait_probabilities",
        "trait_inference_metrics",
        "PRECISIONS", "resolve_precision", "precision_label", "coarsen", "anonymity_sets",
        "unicity", "unicity_table", "FULL_POLICY", "MINIMISATION_SCENARIOS", "resolve_policy",
        "minimised_dimensions", "minimisation", "policy_accuracy", "policy_footprint",
        "policy_unicity", "policy_point", "widgets.surveillance_dial",
        "widgets.SurveillanceDial"],
    "Lesson 08 — fairness and accountability": [
        "FOUR_FIFTHS", "selection_rates", "four_fifths_ratio", "audit", "calibration",
        "plot_audit", "age_bands", "audit_summary", "AuditResult", "widgets.fairness_audit",
        "widgets.FairnessAudit"],
    "Explorers and plots": ["widgets.Explorer", "plots"],
}

_SECTION = re.compile(r"^([A-Z][A-Za-z ]+)\n-{3,}\n", re.M)
_ROLE = re.compile(r":(func|class|mod|meth|attr|data|obj):`~?([^`]+)`")


def public_names() -> set[str]:
    """Every public name: ``course.__all__`` and ``widgets.``-prefixed ``course.widgets``'."""
    course = importlib.import_module("course")
    widgets = importlib.import_module("course.widgets")
    return set(course.__all__) | {f"widgets.{n}" for n in widgets.__all__}


def resolve(name: str):
    """The object a ``GROUPS`` entry names."""
    module = "course.widgets" if name.startswith("widgets.") else "course"
    return getattr(importlib.import_module(module), name.removeprefix("widgets."))


def _signature(name: str, obj) -> str:
    short = name.removeprefix("widgets.")
    try:
        return f"{short}{inspect.signature(obj)}".replace("'", "")
    except (TypeError, ValueError):
        return short


def _markdown(doc: str) -> str:
    """numpydoc sections as Markdown: bold headings, parameter lists, examples as code."""
    out = []
    doc = _ROLE.sub(r"``\2``", doc)  # :func:`course.x` -> ``course.x`` (no Sphinx roles here)
    parts = _SECTION.split(doc)
    out.append(parts[0].strip())
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        body = body.rstrip()
        out.append(f"**{title}**")
        if title in ("Examples",):
            out.append("```python\n" + body.strip("\n") + "\n```")
        elif title in ("Parameters", "Returns", "Raises", "Attributes", "Yields"):
            items, current = [], None
            for line in body.splitlines():
                if line and not line.startswith(" "):
                    current = [f"`{line.split(' : ')[0]}`"
                               + (f" ({line.split(' : ', 1)[1]})" if " : " in line else "")]
                    items.append(current)
                elif current is not None and line.strip():
                    current.append(line.strip())
            out.append("\n".join(f"- {head[0]}" + (": " + " ".join(head[1:]) if head[1:] else "")
                                 for head in items))
        else:
            out.append(body.strip())
    return "\n\n".join(p for p in out if p)


def entry(name: str) -> str:
    """One name's section of the page."""
    obj = resolve(name)
    qualified = f"course.{name}"
    if inspect.isfunction(obj) or inspect.isclass(obj):
        kind = "class" if inspect.isclass(obj) else "function"
        doc = inspect.getdoc(obj) or ""
        return (f"### `{qualified}`\n\n*{kind}* `{_signature(name, obj)}`\n\n"
                + _markdown(doc) + "\n")
    if inspect.ismodule(obj):
        summary = (inspect.getdoc(obj) or "").split("\n\n")[0]
        return f"### `{qualified}`\n\n*module* — {summary}\n"
    shown = repr(obj)
    if len(shown) > 300:
        shown = shown[:300] + " …"
    return f"### `{qualified}`\n\n*value*\n\n```\n{shown}\n```\n"


def page() -> str:
    """The whole API reference page, as MyST Markdown."""
    placed = [n for names in GROUPS.values() for n in names]
    missing = public_names() - set(placed)
    if missing:
        raise ValueError(f"public names missing from docs/website/api_reference.py GROUPS: "
                         f"{', '.join(sorted(missing))}")
    lines = ["# API reference", "",
             "Everything a lesson or an exercise uses, importable from `course` (the explorers "
             "from `course.widgets`), grouped by the lesson that first uses it. Generated from "
             "the package's docstrings.", ""]
    for group, names in GROUPS.items():
        lines += [f"## {group}", ""]
        lines += [entry(n) for n in names]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(page())
