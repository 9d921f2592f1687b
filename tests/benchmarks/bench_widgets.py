"""Explorer latency: set a control -> finished output (computation, figure, PNG).

The explorers that are dragged (weights, persona) build their figure once and then redraw
only what moves over a cached background. Their same-run baseline is the naive way: a full
re-creation of the figure on every update. The explorers changed by picking from a list
(population, trace) redraw in full with seaborn; for every explorer a second line compares
the bare package computation with the whole update, to show where the time goes. Aim: about
100 ms median on the default data.
"""

from __future__ import annotations

import itertools

import numpy as np

from course import widgets as W

from ._util import Result, bench_data, median_time

AIM = "<= 100 ms median (issue 15; default data)"


def _data(quick: bool):
    people, trace, _, dims = bench_data(quick)
    return people, trace, dims


def _ms(seconds: float) -> float:
    return 1000.0 * seconds


def _cycle_setter(control, values):
    values = itertools.cycle(values)

    def step():
        control.value = next(values)

    return step


def _full_rebuild(explorer, step):
    """Run ``step`` after throwing away the figure, so that the update draws everything."""

    def run():
        explorer.figure = None
        explorer._built_for = object()  # weights explorer: force a rebuild
        step()

    return run


def run(quick: bool = False) -> list[Result]:
    people, trace, dims = _data(quick)
    repeat = 5 if quick else 25
    results = []

    # Weights explorer: drag a slider
    weights = W.weights_explorer(dims, people)
    drag = _cycle_setter(weights.sliders["connections"], np.round(np.linspace(0, 1, 11), 2))
    fast = median_time(drag, repeat=repeat)
    full = median_time(_full_rebuild(weights, drag), repeat=repeat)
    assert weights.error is None, weights.message
    results.append(Result("weights explorer: drag a slider", _ms(fast), "ms",
                          "full figure re-creation per update", _ms(full),
                          higher_is_better=False, aim=AIM))
    compute = median_time(weights._compute, repeat=repeat)
    results.append(Result("weights explorer: package computation alone", _ms(compute), "ms",
                          "the whole update (incl. figure)", _ms(fast),
                          higher_is_better=False, aim="(share of the update)"))

    # Persona explorer: move spending onto the platform
    persona = W.persona_explorer(dims, people, trace)
    move = _cycle_setter(persona.move_spending, np.round(np.linspace(0, 1, 11), 2))
    fast = median_time(move, repeat=repeat)
    full = median_time(_full_rebuild(persona, move), repeat=repeat)
    assert persona.error is None, persona.message
    results.append(Result("persona explorer: move a what-if slider", _ms(fast), "ms",
                          "full figure re-creation per update", _ms(full),
                          higher_is_better=False, aim=AIM))
    compute = median_time(persona._compute, repeat=repeat)
    results.append(Result("persona explorer: package computation alone", _ms(compute), "ms",
                          "the whole update (incl. figure)", _ms(fast),
                          higher_is_better=False, aim="(share of the update)"))

    # Population explorer: pick another column (a full seaborn figure each time)
    population = W.population_explorer(people)
    pick = _cycle_setter(population.column, ["age", "platform_share", "education",
                                             "monthly_income_cny"])
    update = median_time(pick, repeat=max(4, repeat // 3))
    compute = median_time(population._compute, repeat=repeat)
    results.append(Result("population explorer: pick a column", _ms(update), "ms",
                          higher_is_better=False, aim="not dragged; a few hundred ms is fine"))
    results.append(Result("population explorer: package computation alone", _ms(compute), "ms",
                          "the whole update (incl. seaborn figure)", _ms(update),
                          higher_is_better=False, aim="(share of the update)"))

    # Trace explorer: pick another person (a full seaborn figure each time)
    tracer = W.trace_explorer(people, trace, dimensions=dims)
    ids = list(people["consumer_id"].iloc[:8])
    choose = _cycle_setter(tracer.picker.consumer_id, ids)
    update = median_time(choose, repeat=max(4, repeat // 3))
    compute = median_time(tracer._compute, repeat=repeat)
    results.append(Result("trace explorer: pick a person", _ms(update), "ms",
                          higher_is_better=False, aim="not dragged; a few hundred ms is fine"))
    results.append(Result("trace explorer: package computation alone", _ms(compute), "ms",
                          "the whole update (incl. seaborn figure)", _ms(update),
                          higher_is_better=False, aim="(share of the update)"))
    return results
