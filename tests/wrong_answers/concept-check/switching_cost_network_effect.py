# Calls the perks lost by moving a network effect.
# replaces: switching_cost_answer
# loses: switching_cost
# caught-by: hidden
switching_cost = "a"
