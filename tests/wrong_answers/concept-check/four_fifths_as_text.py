# Writes the answers as text with a percentage sign.
# replaces: four_fifths_answer
# loses: four_fifths
ratio = "54%"
adverse_impact = "yes"
