# The plan book. `make book` sets everything up and builds the site; `make test` runs every test.
YEAR ?= 2023
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: book test bench clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

book: $(INSTALLED)
	$(PY) -m planbook build --year $(YEAR)

test: book
	$(PY) -m pytest tests
	$(PY) -m pytest --nbval book -p no:cacheprovider -q

bench: $(INSTALLED)
	$(PY) -m planbook.bench

clean:
	rm -rf book _build
