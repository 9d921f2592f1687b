"""Surveillance: what the platform holds, what it can infer, and who its traces identify.

Four tools, each a pure function over the course's tidy frames:

* :func:`footprint` — data points held per person, by source (payments, bills, identity,
  friendships);
* :func:`trait_inference_metrics` — predict a private trait (parenthood, heavy gaming) from
  what people buy (:func:`trait_probabilities`), and say how well it works compared with
  guessing;
* :func:`unicity` — the share of people singled out by ``k`` random points of their payment
  trace, at a chosen coarseness of time, place and amount (de Montjoye et al., "Unique in the
  shopping mall", *Science* 347, 2015);
* :func:`minimisation` — keep less (drop a source, coarsen a field) and report what the score
  loses in AUC and what privacy gains in footprint and unicity.

**Precision** (how coarsely a payment is recorded) is a dict with up to three keys, or the
name of a preset in ``PRECISIONS``:

========  ===============================================================================
key       values
========  ===============================================================================
time      ``"exact"`` (to the second), ``"minute"``, ``"hour"``, ``"day"``, ``"week"``
          (Monday to Sunday), ``"month"``, or ``None`` (time not kept)
place     ``"merchant"``, ``"category"`` (what kind of shop, not which), or ``None``
amount    ``"exact"`` (to the fen), a bin width in CNY such as ``10`` (amounts in the same
          bin look alike), or ``None`` (amount not kept)
========  ===============================================================================

Keys left out take the values of ``"day_merchant"``, the paper's main setting (time to the
day, place to the shop, amount not kept).

The tools live in one module each: :mod:`~course.surveillance.coarsening`,
:mod:`~course.surveillance.reidentification`, :mod:`~course.surveillance.footprints`,
:mod:`~course.surveillance.inference` and :mod:`~course.surveillance.data_minimisation`;
:mod:`~course.surveillance.policies` measures one data policy (what the surveillance dial
shows).
"""

from .coarsening import (
    DEFAULT_PRECISION,
    PLACE_PRECISIONS,
    PRECISIONS,
    TIME_PRECISIONS,
    coarsen,
    precision_label,
    resolve_precision,
)
from .data_minimisation import (
    FULL_POLICY,
    MINIMISATION_SCENARIOS,
    kept_unicity,
    minimisation,
    minimised_dimensions,
    resolve_policy,
)
from .footprints import (
    FOOTPRINT_SOURCES,
    footprint,
)
from .inference import (
    category_shares,
    trait_inference_metrics,
    trait_probabilities,
)
from .policies import (
    DialResult,
    PolicyMeter,
    matching_preset,
    policy_accuracy,
    policy_footprint,
    policy_key,
    policy_point,
    policy_unicity,
)
from .reidentification import (
    anonymity_sets,
    unicity,
    unicity_table,
)

__all__ = [
    "DialResult",
    "PolicyMeter",
    "matching_preset",
    "DEFAULT_PRECISION",
    "FOOTPRINT_SOURCES",
    "FULL_POLICY",
    "MINIMISATION_SCENARIOS",
    "PLACE_PRECISIONS",
    "PRECISIONS",
    "TIME_PRECISIONS",
    "anonymity_sets",
    "category_shares",
    "coarsen",
    "footprint",
    "trait_inference_metrics",
    "kept_unicity",
    "minimisation",
    "minimised_dimensions",
    "policy_accuracy",
    "policy_footprint",
    "policy_key",
    "policy_point",
    "policy_unicity",
    "precision_label",
    "trait_probabilities",
    "resolve_policy",
    "resolve_precision",
    "unicity",
    "unicity_table",
]


def __getattr__(name: str):
    # Old names, kept for one release (see course.RENAMED)
    if name in ("infer_trait", "predict_trait"):
        import warnings

        new = {"infer_trait": "trait_inference_metrics",
               "predict_trait": "trait_probabilities"}[name]
        warnings.warn(f"course.surveillance.{name} is deprecated and will be removed in the next "
                      f"release; use course.{new}.", DeprecationWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module 'course.surveillance' has no attribute {name!r}")
