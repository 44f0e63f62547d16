# The plan book. `make book` sets everything up and builds the site of every year under data/
# (YEAR=2024: that year only); `make preview` serves the latest year's site (or YEAR's) at
# http://127.0.0.1:$(PORT) and rebuilds it after every edit; `make test` runs every test;
# `make check` runs ruff and the unit tests, with no build (under a minute).
YEAR ?=
LOCALITY ?=
DATA ?= data
PORT ?= 8000
SCHEDULER ?= $(PLANBOOK_SCHEDULER)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# axe-core for the accessibility test (tests/test_browser.py), pinned in package-lock.json.
AXE := node_modules/axe-core/axe.min.js
# The PDF's toolchain (Debian, installed by `system`): xelatex, latexmk, the fonts, poppler for
# the PDF tests; chromium for the browser tests (tests/test_browser.py, Playwright drives it; no
# browser download) and npm to install axe-core for them. The font's files are named in
# planbook/fonts.py alone (read here as a file: the package's requirements may not be installed).
LIBERATION := $(shell $(PYTHON) -c 'import runpy; print(runpy.run_path("planbook/fonts.py")["SERIF"]["Regular"])')

.PHONY: book preview test check bench clean system new-year workbook unpublish

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Thiếu npm (missing npm) cho kiểm thử trình duyệt: cài Node.js và npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

book: system $(INSTALLED) $(AXE)
	$(PY) -m planbook build --data $(DATA) $(if $(YEAR),--year $(YEAR)) \
	    $(if $(LOCALITY),--locality $(LOCALITY)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

# The site only (no PDF), on the loopback address, rebuilt after every edit; Ctrl-C stops it.
preview: $(INSTALLED)
	$(PY) -m planbook preview --data $(DATA) $(if $(YEAR),--year $(YEAR)) --port $(PORT)

# Start data/$(YEAR)/ from the latest year: figures blank, text and units carried over.
new-year: $(INSTALLED)
	@test -n "$(YEAR)" || { echo "Cần năm: make new-year YEAR=2024" >&2; exit 2; }
	$(PY) -m planbook new-year --data $(DATA) --year $(YEAR)

# Turn data/$(YEAR)/'s CSV files into the clerk's workbook data/$(YEAR)/ke-hoach.xlsx.
workbook: $(INSTALLED)
	@test -n "$(YEAR)" || { echo "Cần năm: make workbook YEAR=2024" >&2; exit 2; }
	$(PY) -m planbook workbook --data $(DATA) --year $(YEAR)

# Take $(YEAR) off the published site (a build never removes a year); in a site of several
# localities, LOCALITY's book of $(YEAR), or all its books.
unpublish: $(INSTALLED)
	@test -n "$(YEAR)$(LOCALITY)" || { echo "Cần năm: make unpublish YEAR=2024 (hoặc LOCALITY=…)" >&2; exit 2; }
	$(PY) -m planbook unpublish --data $(DATA) $(if $(YEAR),--year $(YEAR)) \
	    $(if $(LOCALITY),--locality $(LOCALITY))

# Install the system packages that are missing, when we can (root with apt-get); else say which.
# Each is looked for by what it provides, so a tool already there from elsewhere (npm with
# NodeSource's nodejs, which conflicts with Debian's npm) is left alone.
system:
	@missing=""; \
	command -v xelatex >/dev/null || missing="$$missing texlive-xetex texlive-fonts-recommended"; \
	command -v latexmk >/dev/null || missing="$$missing latexmk"; \
	test -f $(LIBERATION) || missing="$$missing fonts-liberation2"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Cài gói hệ thống (bản PDF, kiểm thử trình duyệt):$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null; \
	else \
	    echo "Thiếu gói hệ thống (missing system packages), cài bằng: sudo apt-get install$$missing" >&2; \
	    exit 1; \
	fi

test: book
	$(PY) -m pytest tests
	$(PY) -m pytest --nbval book -p no:cacheprovider -q

# Fast feedback, no build: ruff, and the tests that need neither a built book, a browser nor
# the PDF's tools (tests/conftest.py marks the others build, browser, pdf), one process a core.
check: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n auto -m "not build and not browser and not pdf" tests

bench: $(INSTALLED)
	$(PY) -m planbook.bench

clean:
	rm -rf book _build
