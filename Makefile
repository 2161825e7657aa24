# Two commands do all the set-up on a fresh machine (Python 3.11 and make):
#   make demo   creates .venv, installs examsolve, solves every spec in problems/
#   make test   creates .venv, installs the test extras, runs the tests and the answer check
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/examsolve run problems/

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest
	$(BIN)/examsolve check problems/

check: $(VENV)/.installed
	$(BIN)/examsolve check problems/

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
