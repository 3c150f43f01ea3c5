"""The label spec every layer shares: intents and the 15 category codes (taxonomy.yaml).

The bottom room: imports nothing of ours, so domain/ and nlp/ can both read it.
"""
