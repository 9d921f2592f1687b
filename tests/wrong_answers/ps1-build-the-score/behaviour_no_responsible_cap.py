# Forgets that the responsible part counts at most 1.
# replaces: behaviour_score
# loses: behaviour_use_responsible_games
# caught-by: hidden
def behaviour_score(platform_payments_per_month, responsible_share, gaming_share,
                    gaming_penalty=1.5):
    use = 1 - np.exp(-np.asarray(platform_payments_per_month, dtype=float) / 10)
    responsible = np.asarray(responsible_share, dtype=float) / 0.4
    games = np.asarray(gaming_share, dtype=float)
    return np.clip(0.15 + 0.55 * use + 0.30 * responsible - gaming_penalty * games, 0, 1)
