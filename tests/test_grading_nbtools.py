"""The helpers that exercise test cells use: quiet() and borrowed()."""

from __future__ import annotations

import functools
import sys
import warnings

import pytest

import course
import course.scoring
from course.grading import borrowed, quiet

FORBIDDEN = (course.tiers, course.lotus_score, course.repayment_auc)


def test_quiet_silences_warnings_and_stderr(capsys):
    with quiet():
        warnings.warn("a harmless warning", FutureWarning)
        print("noise", file=sys.stderr)
    assert capsys.readouterr().err == ""


def test_quiet_lets_failures_through_and_restores_filters():
    before = list(warnings.filters)
    with pytest.raises(AssertionError, match="the message"), quiet():
        raise AssertionError("the message")
    assert warnings.filters == before
    with pytest.warns(UserWarning):
        warnings.warn("seen again outside", UserWarning)


def direct(x):
    return course.tiers(x)


def through_module_chain(x):
    return course.scoring.lotus_score(x)


def local_import(x):
    import course.scoring as s

    return s.tiers(x)


def from_import(x):
    from course import repayment_auc as area

    return area(x, x)


def helper(x):
    return course.tiers(x)


def through_helper(x):
    return helper(x) + 1


def default_argument(x, rank=course.tiers):
    return rank(x)


partial_auc = functools.partial(course.repayment_auc, [1, 2])


def through_partial(x):
    return partial_auc(x)


def in_lambda(x):
    fn = lambda y: course.lotus_score(y)  # noqa: E731
    return fn(x)


def frame_attribute(x):
    # `.tier` of a data frame, not course.tier: must not be flagged
    return course.TIERS.tier, x.tier


def honest(x):
    return course.TIERS["min_score"].min() + len(course.DIMENSIONS) + x


@pytest.mark.parametrize("fn, expected", [
    (direct, ["course.scoring.tiers"]),
    (through_module_chain, ["course.scoring.lotus_score"]),
    (local_import, ["course.scoring.tiers"]),
    (from_import, ["course.scoring.repayment_auc"]),
    (through_helper, ["course.scoring.tiers"]),
    (default_argument, ["course.scoring.tiers"]),
    (through_partial, ["course.scoring.repayment_auc"]),
    (in_lambda, ["course.scoring.lotus_score"]),
    (frame_attribute, []),
    (honest, []),
])
def test_borrowed_finds_forbidden_calls(fn, expected):
    assert borrowed(fn, *FORBIDDEN) == expected


def test_borrowed_follows_other_functions_of_the_same_module_only():
    # course.dimension_scores calls course's own helpers; only identity counts outside
    def uses_package_pipeline(p, t, f):
        return course.dimension_scores(p, t, f)

    assert borrowed(uses_package_pipeline, course.credit_history) == []
    assert borrowed(uses_package_pipeline, course.dimension_scores) == [
        "course.dimensions.dimension_scores"]


def old_names(x):
    # the deprecated aliases of forbidden functions borrow them just as much
    from course import auc

    return course.tier(x), auc(x, x)


def test_borrowed_sees_through_deprecated_names_without_warning():
    # pytest turns the course's DeprecationWarnings into errors: reading code must not warn
    assert borrowed(old_names, *FORBIDDEN) == ["course.scoring.repayment_auc",
                                                "course.scoring.tier"]
