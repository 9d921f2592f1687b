# Shortcut: hands the work to the package's reference version (its penalty is 1.5, so it
# rescales the gaming share to get any other penalty).
# replaces: behaviour_score
# loses: behaviour_use_responsible_games
# caught-by: hidden
def behaviour_score(platform_payments_per_month, responsible_share, gaming_share,
                    gaming_penalty=1.5):
    games = np.asarray(gaming_share, dtype=float) * gaming_penalty / 1.5
    return course.behaviour_preferences(platform_payments_per_month, responsible_share, games)
