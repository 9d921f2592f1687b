"""The agents of :func:`course.simulate`: every agent's state as arrays, and the monthly step.

The rules of behaviour, and what each constant below stands for, are set out in
:mod:`course.simulation`'s docstring; they are **our own illustrative assumptions**. Each month
:class:`Agents` weighs the perks within reach of every agent against that agent's own costs
and takes the actions that pay (``step``); :mod:`course.simulation` runs the months and
records the panel and summary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import DIMENSIONS, SCORE_MAX, SCORE_MIN, SCORE_SPAN
from .dimensions import (
    SPEND_WEIGHT,
    USE_WEIGHT,
    behaviour_preferences,
    connections_from_totals,
    credit_history,
    fulfilment_capacity,
    identity_characteristics,
    standing,
)
from .rules import REACH, Rules, perks_in_reach
from .scoring import raw_score_array
from .traces import friend_pairs, make_transactions
from .visibility import months_observed, platform_activity, spending_by_channel

#: What each action costs a typical agent, in CNY ("per month" costs are paid every month).
COSTS_CNY: dict[str, float] = {
    "pay_with_effort": 200.0,  # per month: budgeting, reminders, borrowing to pay on time
    "move_to_platform": 150.0,  # once per move: new habits, shops that take the platform
    "verify_item": 5000.0,  # once: handing an ID card or a degree certificate to the platform
    "drop_friend": 80.0,  # once: unfriending someone
    "add_friend": 100.0,  # once: befriending someone
}
#: Spread (sigma of the log) of each agent's cost factors.
COST_SPREAD = 1.0
#: Time on tasks costs more to higher earners: cost x (income / typical income).
TYPICAL_INCOME_CNY = 6000.0
#: Need for perks: (late chance / TYPICAL_LATE_CHANCE), clipped to [NEED_MIN, NEED_MAX],
#: to the power NEED_POWER (``simulate(need_power=...)`` changes it for one run).
TYPICAL_LATE_CHANCE, NEED_MIN, NEED_MAX, NEED_POWER = 0.07, 0.5, 4.0, 2.0
#: Months over which agents weigh a perk's value against a monthly cost.
HORIZON_MONTHS = 12
#: One move to the platform: this much more of one's spending, and one more bill.
SPENDING_STEP, MAX_BILLS = 0.05, 6
#: Extra effort cuts the chance of paying late by this factor.
EFFORT_FACTOR = 0.85
#: Income shocks: monthly chance, months they last, how much more often bills are paid late.
SHOCK_RATE, SHOCK_MONTHS, SHOCK_FACTOR = 0.02, 3, 3.0
#: Data points the platform collects when an item is verified (document, face scan, ...).
VERIFY_DATA_POINTS = 5
#: Agents per block of monthly arithmetic (a speed setting; results do not depend on it).
BLOCK = 16_384

#: Boolean panel columns saying which actions an agent took that month.
ACTIONS = ["paid_with_effort", "moved_to_platform", "verified", "gamed", "dropped_friend",
           "added_friend"]

_DECAY = 11.0 / 12.0  # 12-month records are kept as moving averages
__all__ = ["Agents", "ACTIONS", "COSTS_CNY", "REACH"]


def _spending(transactions, population, ids, rng) -> tuple[dict[str, np.ndarray], int]:
    """Per agent, payments on and off the platform (``spending_by_channel``), and the months."""
    if transactions is None:
        transactions = make_transactions(population, months=1, seed=rng)
    check_frame(transactions, "transactions", ["consumer_id", "timestamp", "category",
                                               "amount_cny", "channel"])
    if not transactions["consumer_id"].isin(ids).all():
        raise ValueError("transactions mention consumer_id values that are not in the "
                         "population; make them from the same population.")
    table = spending_by_channel(transactions, ids)
    return ({column: table[column].to_numpy() for column in table.columns},
            months_observed(transactions))


class Agents:
    """Every agent's state as arrays (one value per agent), and the monthly step."""

    def __init__(self, population, rules: Rules, rng, transactions, friendships,
                 need_power: float = NEED_POWER):
        ids = population["consumer_id"].to_numpy()
        n = len(ids)
        self.n, self.ids, self.rules = n, ids, rules
        self.initial_friendships, codes = friend_pairs(friendships, population, ids, rng)
        self.a, self.b = codes // n, codes % n  # ties, sorted by (a, b)
        self.alive = np.ones(len(codes), dtype=bool)
        self.graph_changed = True
        self.spending, self.months = _spending(transactions, population, ids, rng)

        def column(name, dtype=float):
            return population[name].to_numpy(dtype=dtype).copy()

        # What the platform sees (the platform-view columns), and the rest of the state
        self.share = column("platform_share")
        # Moving spending onto the platform (see ``activity``)
        self.start_share = self.share.copy()
        self.off_share = np.where(self.start_share < 1.0, 1.0 - self.start_share, np.inf)
        self.nothing_seen = self.spending["on_n"] == 0
        self.bills = np.minimum(column("bills_on_platform", np.int64), MAX_BILLS)
        self.on_time = column("on_time_rate")
        self.late = column("late_payments_12m")
        self.verified_id = column("verified_id", bool)
        self.verified_degree = column("verified_degree", bool)
        self.verified_car = column("verified_car", bool)
        self.verified_property = column("verified_property", bool)
        self.tenure = column("phone_tenure_years")
        self.has_degree = population["education"].astype(str).isin(
            ["bachelor", "postgraduate"]).to_numpy()
        self.blacklisted = column("blacklisted", bool)
        self.defaulted = column("defaulted", bool)
        self.city_tier = np.asarray(population["city_tier"].astype(int))
        self.streak = np.zeros((len(rules.gameable_tasks), n))
        self.shock_left = np.zeros(n, dtype=np.int64)

        # Paying: the usual chance of paying late, lower in calm months than after a shock
        self.usual_late = self.late.copy()
        self.late_chance = 1.0 - self.on_time
        shock_share = SHOCK_RATE * SHOCK_MONTHS / (SHOCK_RATE * SHOCK_MONTHS + 1.0 - SHOCK_RATE)
        self.calm_late_chance = self.late_chance / (1.0 + (SHOCK_FACTOR - 1.0) * shock_share)
        self.need = np.clip(self.late_chance / TYPICAL_LATE_CHANCE, NEED_MIN,
                            NEED_MAX) ** need_power

        # Each agent's own cost factors, drawn once
        draws = rng.lognormal(0.0, COST_SPREAD, (5, n))
        migrant = (population["hukou"].astype(str) == "migrant").to_numpy()
        income = column("monthly_income_cny").clip(1.0)
        self.effort_cost = COSTS_CNY["pay_with_effort"] * HORIZON_MONTHS * draws[0]
        self.time_factor = HORIZON_MONTHS * draws[1] * income / TYPICAL_INCOME_CNY
        self.move_cost = (COSTS_CNY["move_to_platform"] * draws[2]
                          * (1.0 + 0.5 * migrant + 0.2 * (self.city_tier - 1)))
        self.verify_cost = COSTS_CNY["verify_item"] * draws[3]
        self.social = draws[4]

        # Friend candidates: people in the same city tier
        self.by_tier = np.argsort(self.city_tier, kind="stable")
        tiers = self.city_tier[self.by_tier]
        self.tier_start = np.searchsorted(tiers, self.city_tier, side="left")
        self.tier_size = np.searchsorted(tiers, self.city_tier, side="right") - self.tier_start

        # The rules
        self.tasks = rules.tasks
        self.boosts = np.array([task.boost for task in self.tasks], dtype=float)
        self.w = np.array([rules.weights[d] for d in DIMENSIONS])
        self.perk_table = rules.perks
        self.perk_value = self.perk_table["value_cny"].to_numpy(dtype=float)
        self.use_weight = USE_WEIGHT * rules.platform_use_reward
        self.spend_weight = SPEND_WEIGHT * rules.platform_use_reward
        # The value of perks within reach, tabulated every quarter point
        self.grid = np.arange(SCORE_MIN - 100.0, SCORE_MAX + 100.0, 0.25)
        self.grid_value = perks_in_reach(self.grid, rules)
        self.can_gain = ~self.blacklisted

    # Dimensions ------------------------------------------------------------------------------
    # The per-agent helpers work on a block of agents ``sl`` (a slice), so that the monthly
    # arithmetic runs block by block on arrays small enough to stay in the CPU's cache.

    def blocks(self):
        return [slice(lo, lo + BLOCK) for lo in range(0, self.n, BLOCK)]

    def engagement(self, sl=slice(None)) -> np.ndarray:
        """Behaviour & preferences points each agent has from its task streaks."""
        return self.boosts @ self.streak[:, sl]

    def activity(self, sl, share=None) -> dict[str, np.ndarray]:
        """What the platform sees of the agents in ``sl`` per month (``platform_activity``),
        at spending share ``share`` (default: their share now).

        A move onto the platform brings more of the purchases the platform already sees
        (their amounts scale with the share); for an agent of whom it sees nothing, a share
        of their card and cash purchases. At the starting share this is exactly what
        :func:`course.platform_view` sees.
        """
        share = self.share[sl] if share is None else share
        start = self.start_share[sl]
        scale = np.where(start > 0, share / np.where(start > 0, start, 1.0), 1.0)
        moved = np.where(self.nothing_seen[sl],
                         np.minimum(1.0, (share - start) / self.off_share[sl]), 0.0)
        spending = {key: values[sl] * scale if key.startswith("on_") else values[sl]
                    for key, values in self.spending.items()}
        return platform_activity(spending, self.months, moved=moved)

    def behaviour(self, sl, share=None, engagement=None, seen=None) -> np.ndarray:
        seen = self.activity(sl, share) if seen is None else seen
        return behaviour_preferences(
            seen["platform_payments_per_month"], seen["responsible_share"],
            seen["gaming_share"], use_weight=self.use_weight,
            engagement=self.engagement(sl) if engagement is None else engagement)

    def fulfilment(self, sl, share=None, seen=None) -> np.ndarray:
        seen = self.activity(sl, share) if seen is None else seen
        return fulfilment_capacity(seen["platform_spend_per_month_cny"], self.verified_car[sl],
                                   self.verified_property[sl], spend_weight=self.spend_weight)

    def identity(self, sl, verified_id=None, verified_degree=None) -> np.ndarray:
        return identity_characteristics(
            self.verified_id[sl] if verified_id is None else verified_id,
            self.verified_degree[sl] if verified_degree is None else verified_degree,
            self.verified_car[sl], self.verified_property[sl], self.tenure[sl])

    def dimensions(self) -> np.ndarray:
        """The five dimensions of every agent now, an (agents x 5) array in [0, 1]."""
        dims = np.empty((self.n, 5))
        for sl in self.blocks():
            seen = self.activity(sl)
            dims[sl, 0] = credit_history(self.on_time[sl], self.late[sl], self.bills[sl])
            dims[sl, 1] = self.fulfilment(sl, seen=seen)
            dims[sl, 2] = self.behaviour(sl, seen=seen)
            dims[sl, 3] = self.identity(sl)
        self.standing = standing(dims[:, :4])
        # Connections: friends' mean standing, shrunk for few friends
        a, b = self.a[self.alive], self.b[self.alive]
        self.src, self.dst = np.concatenate([a, b]), np.concatenate([b, a])
        self.friend_standing = self.standing[self.dst]
        self.friend_total = np.bincount(self.src, self.friend_standing, minlength=self.n)
        self.friend_count = np.bincount(self.src, minlength=self.n).astype(float)
        dims[:, 4] = connections_from_totals(self.friend_total, self.friend_count)
        return dims.clip(0.0, 1.0)

    # Values ----------------------------------------------------------------------------------

    def value(self, raw: np.ndarray, sl=slice(None)) -> np.ndarray:
        """CNY value of the perks within reach of (unrounded) scores ``raw``."""
        # Linear interpolation in the table (faster than np.interp on an even grid)
        where = np.clip((raw - self.grid[0]) * 4.0, 0.0, len(self.grid) - 1.001)
        i = where.astype(np.int64)
        low = self.grid_value[i]
        return (low + (where - i) * (self.grid_value[i + 1] - low)) * self.can_gain[sl]

    def gain(self, sl, raw, base_value, dim: int, change) -> np.ndarray:
        """Value gained if dimension ``dim`` changes by ``change`` from scores ``raw``."""
        return self.value(raw + SCORE_SPAN * self.w[dim] * change, sl) - base_value

    # One month -------------------------------------------------------------------------------

    def step(self, rng: np.random.Generator, dims: np.ndarray) -> dict[str, np.ndarray]:
        """Let every agent decide and act once; return what each did.

        Agents decide from the state at the start of the month, so the order in which blocks
        of agents are handled does not matter.
        """
        n = self.n
        # Random draws, in the same order whatever the rules
        shock_draw, candidate_draw = rng.random(n), rng.random(n)
        did = {name: np.zeros(n, dtype=bool) for name in ["income_shock", *ACTIONS]}
        did["tasks_done"] = np.zeros(n, dtype=np.int64)
        did["data_points"] = np.empty(n)
        raw, now = np.empty(n), np.empty(n)
        for sl in self.blocks():
            raw[sl] = raw_score_array(dims[sl], self.w)
            now[sl] = self.value(raw[sl], sl)
            self.act(sl, dims[sl], raw[sl], now[sl], shock_draw[sl], did)
        did["dropped_friend"], did["added_friend"] = self.change_friends(
            raw, now, dims[:, 4], candidate_draw)
        return did

    def act(self, sl, dims, raw, now, shock_draw, did) -> None:
        """The agents in block ``sl`` decide, then act; what they did goes into ``did``."""
        w = self.w

        # Income shocks make paying on time harder for a few months
        shock_left = self.shock_left[sl]
        shock_left[(shock_left == 0) & (shock_draw < SHOCK_RATE)] = SHOCK_MONTHS
        shocked = shock_left > 0
        late_chance = np.minimum(1.0, self.calm_late_chance[sl] * np.where(shocked,
                                                                            SHOCK_FACTOR, 1.0))

        # Pay with effort if a year of it improves the record enough
        better = credit_history(*self.record_after(late_chance * EFFORT_FACTOR, 12, sl),
                                self.bills[sl])
        usual = credit_history(*self.record_after(late_chance, 12, sl), self.bills[sl])
        effort = self.gain(sl, raw, now, 0, better - usual) > self.effort_cost[sl]

        # Move 5 points of spending onto the platform (a bill follows; agents do not count it)
        more = np.minimum(1.0, self.share[sl] + SPENDING_STEP)
        after_move = self.activity(sl, more)
        moved = (self.gain(sl, raw, now, 1, self.fulfilment(sl, seen=after_move) - dims[:, 1])
                 + self.gain(sl, raw, now, 2, self.behaviour(sl, seen=after_move)
                             - dims[:, 2]))
        move = (more > self.share[sl]) & (moved > self.move_cost[sl])

        # Verify the ID if not yet verified, else a degree one holds
        do_id = ~self.verified_id[sl]
        do_degree = ~do_id & self.has_degree[sl] & ~self.verified_degree[sl]
        after = self.identity(sl, self.verified_id[sl] | do_id,
                              self.verified_degree[sl] | do_degree)
        verify = (do_id | do_degree) & (self.gain(sl, raw, now, 3, after - dims[:, 3])
                                        > self.verify_cost[sl])

        # Engagement tasks: keep a streak going if a full streak is worth the time
        engagement = self.engagement(sl)
        seen = self.activity(sl)
        doing = np.zeros((len(self.tasks), len(raw)), dtype=bool)
        for k, task in enumerate(self.tasks):
            rest = engagement - task.boost * self.streak[k, sl]
            without = self.behaviour(sl, engagement=rest, seen=seen)
            raw_without = raw - SCORE_SPAN * w[2] * (dims[:, 2] - without)
            full = self.behaviour(sl, engagement=rest + task.boost, seen=seen)
            gain = self.gain(sl, raw_without, self.value(raw_without, sl), 2, full - without)
            doing[k] = self.need[sl] * gain > task.effort_cny * self.time_factor[sl]

        # Act: update the block's own state
        self.on_time[sl], self.late[sl] = self.record_after(
            np.where(effort, late_chance * EFFORT_FACTOR, late_chance), 1, sl)
        self.shock_left[sl] = np.maximum(0, shock_left - 1)
        self.share[sl] = np.where(move, more, self.share[sl])
        self.bills[sl] = np.where(move, np.minimum(MAX_BILLS, self.bills[sl] + 1), self.bills[sl])
        self.verified_id[sl] |= verify & do_id
        self.verified_degree[sl] |= verify & do_degree
        for k, task in enumerate(self.tasks):
            self.streak[k, sl] = np.where(doing[k], np.minimum(
                1.0, self.streak[k, sl] + 1.0 / task.months_to_full), 0.0)

        points = np.array([t.data_points for t in self.tasks], dtype=float) @ doing
        did["income_shock"][sl], did["paid_with_effort"][sl] = shocked, effort
        did["moved_to_platform"][sl], did["verified"][sl] = move, verify
        did["gamed"][sl], did["tasks_done"][sl] = doing.any(axis=0), doing.sum(axis=0)
        did["data_points"][sl] = self.data_points(sl) + points + VERIFY_DATA_POINTS * verify

    def record_after(self, late_chance: np.ndarray, months: int, sl=slice(None)):
        """On-time rate and late payments after ``months`` months at ``late_chance``."""
        keep = _DECAY**months
        on_time = self.on_time[sl] * keep + (1.0 - late_chance) * (1.0 - keep)
        # Late payments drift to their usual level, moved by any change in the chance
        monthly = self.usual_late[sl] / 12.0 + (late_chance - self.late_chance[sl])
        late = np.maximum(0.0, self.late[sl] * keep + 12.0 * monthly * (1.0 - keep))
        return on_time, late

    def change_friends(self, raw, now, connections, draw) -> tuple[np.ndarray, np.ndarray]:
        """Drop the lowest-standing friend and propose to someone, where it pays."""
        n = self.n
        dropped = np.zeros(n, dtype=bool)
        added = np.zeros(n, dtype=bool)
        if self.w[4] == 0 or n < 2:
            return dropped, added  # friends earn no points: nobody changes them for the score
        src, total, count = self.src, self.friend_total, self.friend_count

        # Drop: the friend with the lowest standing
        worst = np.full(n, np.inf)
        np.minimum.at(worst, src, self.friend_standing)
        has = count > 0
        without = np.where(has, connections_from_totals(total - np.where(has, worst, 0.0),
                                                        count - 1.0), connections)
        dropped = has & (self.gain(slice(None), raw, now, 4, without - connections)
                         > COSTS_CNY["drop_friend"] * self.social)
        if dropped.any():
            live = np.flatnonzero(self.alive)
            is_worst = dropped[src] & (self.friend_standing == worst[src])
            tie = np.full(n, -1)
            tie[src[is_worst]] = live[np.flatnonzero(is_worst) % len(live)]
            self.alive[tie[dropped]] = False
            self.graph_changed = True

        # Add: propose to a random person in one's city tier; both must gain enough
        other = self.by_tier[self.tier_start + (draw * self.tier_size).astype(np.int64)]
        mine = connections_from_totals(total + self.standing[other], count + 1.0)
        theirs = connections_from_totals(total[other] + self.standing, count[other] + 1.0)
        cost = COSTS_CNY["add_friend"] * self.social
        accept = ((other != np.arange(n))
                  & (self.gain(slice(None), raw, now, 4, mine - connections) > cost)
                  & (self.gain(other, raw[other], now[other], 4, theirs - connections[other])
                     > cost[other]))
        if accept.any():
            added = self.add_ties(np.flatnonzero(accept), other[accept])
        return dropped, added

    def add_ties(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Add the ties i--j (remaking dropped ones); return who gained a friend."""
        n = self.n
        codes = np.unique(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j))
        existing = self.a * n + self.b
        at = np.searchsorted(existing, codes)
        found = at < len(existing)
        found[found] = existing[at[found]] == codes[found]
        self.alive[at[found]] = True
        new = ~found
        self.a = np.insert(self.a, at[new], codes[new] // n)
        self.b = np.insert(self.b, at[new], codes[new] % n)
        self.alive = np.insert(self.alive, at[new], True)
        self.graph_changed = True
        added = np.zeros(n, dtype=bool)
        added[codes // n] = True
        added[codes % n] = True
        return added

    def data_points(self, sl=slice(None)) -> np.ndarray:
        """Payments and bill payments the platform sees in a month."""
        return self.activity(sl)["platform_payments_per_month"] + self.bills[sl]

    def view(self) -> pd.DataFrame:
        """What the platform sees of every agent now, as a :func:`course.platform_view` frame.

        ``course.dimensions_from_view(agents.view(), friendships now)`` gives the agents'
        own :meth:`dimensions` (without engagement points): one model of the score.
        """
        seen = self.activity(slice(None))
        return pd.DataFrame({
            "on_time_rate": self.on_time, "late_payments_12m": self.late,
            "bills_on_platform": self.bills.astype(float), **seen,
            "verified_id": self.verified_id, "verified_degree": self.verified_degree,
            "verified_car": self.verified_car, "verified_property": self.verified_property,
            "phone_tenure_years": self.tenure}, index=pd.Index(self.ids, name="consumer_id"))
