# Divides the higher rate by the lower one.
# replaces: four_fifths_answer
# loses: four_fifths
ratio = 0.68 / 0.37
adverse_impact = ratio < 0.8
