"""The model language and its reverse-mode engine, shared by every kind that runs a model.

parse.py reads model lines (`h = relu(W @ x + b)`) with an `ast` whitelist into an IR;
engine.py is a micrograd-style engine whose ops attach their local chain rule; nn.py adds the
layers and losses; program.py runs the parsed lines as one graph; values.py reads the named
values (`given:`, `parameters:`) a model spec gives.
"""
