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

# compileall: pip byte-compiles a normal install but not an editable one, and where
# PYTHONDONTWRITEBYTECODE is set every run would compile examsolve's sources again (~40 ms
# of each command's start-up).
# The demo installs the plot extra (matplotlib, plotext) so documents get real figures, as
# docs/exams.md's walk shows them; examsolve itself runs without it (text pictures).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[plot]'
	$(BIN)/python -m compileall -q examsolve
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q examsolve
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/examsolve run problems/

# pylint checks one thing here: no import cycles in examsolve (STYLE.md, section 2).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest
	$(BIN)/python -m pylint --disable=all --enable=cyclic-import examsolve
	$(BIN)/examsolve check problems/

check: $(VENV)/.installed
	$(BIN)/examsolve check problems/

bench: $(VENV)/.installed-test
	$(BIN)/python -m compileall -q examsolve
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
