# Takes the myth that low-scoring friends lowered Sesame scores for a fact.
# replaces: sesame_facts_answer
# loses: sesame_facts
# caught-by: hidden
sesame_facts = "a"
