"""Offline NLP tooling: generate training data, train the model, evaluate, the command line.

Runtime code (nlp/*.py) never imports this package; these modules import the runtime.
"""
