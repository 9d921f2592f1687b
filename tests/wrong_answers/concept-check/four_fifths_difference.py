# Subtracts the rates instead of dividing them (0.31 is still between 0 and 1).
# replaces: four_fifths_answer
# loses: four_fifths
# caught-by: hidden
ratio = 0.68 - 0.37
adverse_impact = True
