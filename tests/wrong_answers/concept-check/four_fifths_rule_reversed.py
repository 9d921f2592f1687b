# Right ratio, but reads the rule backwards: flags a ratio above 0.8.
# replaces: four_fifths_answer
# loses: four_fifths
# caught-by: hidden
ratio = 0.37 / 0.68
adverse_impact = ratio > 0.8
