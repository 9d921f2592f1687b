# Takes the myth that Sesame docked points for political posts for a fact.
# replaces: sesame_facts_answer
# loses: sesame_facts
# caught-by: hidden
sesame_facts = "c"
