# Caps the responsible part with Python's min(), which fails on a column.
# replaces: behaviour_score
# loses: behaviour_use_responsible_games
def behaviour_score(platform_payments_per_month, responsible_share, gaming_share,
                    gaming_penalty=1.5):
    use = 1 - np.exp(-platform_payments_per_month / 10)
    responsible = min(responsible_share / 0.4, 1)
    return np.clip(0.15 + 0.55 * use + 0.30 * responsible - gaming_penalty * gaming_share, 0, 1)
