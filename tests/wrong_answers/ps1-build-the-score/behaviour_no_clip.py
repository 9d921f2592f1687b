# Forgets to keep the score between 0 and 1, so heavy gamers go negative.
# replaces: behaviour_score
# loses: behaviour_use_responsible_games
def behaviour_score(platform_payments_per_month, responsible_share, gaming_share,
                    gaming_penalty=1.5):
    use = 1 - np.exp(-np.asarray(platform_payments_per_month, dtype=float) / 10)
    responsible = np.minimum(np.asarray(responsible_share, dtype=float) / 0.4, 1)
    return 0.15 + 0.55 * use + 0.30 * responsible - gaming_penalty * np.asarray(gaming_share)
