# Defines the weights but forgets to pass them, so the run uses the default rules.
# replaces: cross_tier_share
# loses: graph_fragments
# caught-by: hidden
def cross_tier_share(friendships, tiers):
    """Return the share of friendships between people in different tiers."""
    one = tiers.reindex(friendships["consumer_id"]).astype(str).to_numpy()
    other = tiers.reindex(friendships["friend_id"]).astype(str).to_numpy()
    return float((one != other).mean())


weights = {"credit_history": 0.28, "fulfilment_capacity": 0.20,
           "behaviour_preferences": 0.16, "identity_characteristics": 0.11,
           "connections": 0.25}
connected = course.simulate(population, months=24, seed=6,
                            transactions=transactions, friendships=friendships)
panel = connected.panel
tiers_start = panel[panel["month"] == 0].set_index("consumer_id")["tier"]
tiers_end = panel[panel["month"] == 24].set_index("consumer_id")["tier"]
cross_tier = {"start": cross_tier_share(connected.initial_friendships, tiers_start),
              "end": cross_tier_share(connected.friendships, tiers_end)}
pieces = connected.summary.set_index("month")["components"]
components = {"start": int(pieces[0]), "end": int(pieces[24])}

print(f"Friendships: {len(connected.initial_friendships):,} -> {len(connected.friendships):,}")
print("Share of friendships across tiers:", {k: round(v, 3) for k, v in cross_tier.items()})
print("Pieces of the friendship graph:", components)
