# Two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install browser office bench mutate mutation-report clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# What a user installs: the tool and its runtime dependencies only (make demo, make bench).
RUNTIME := .venv-runtime
$(RUNTIME)/.installed: pyproject.toml
	$(PYTHON) -m venv $(RUNTIME)
	$(RUNTIME)/bin/python -m pip install --quiet -e .
	touch $@

# The demo installs what the tool needs, as a user would (no test or lint tools: .venv-runtime).
demo: $(RUNTIME)/.installed
	$(RUNTIME)/bin/inami-tariffs run samples/* --out output
	$(RUNTIME)/bin/inami-tariffs lookup 726530 --date 2025-03-01 --age 30 --store output/tariffs.sqlite
	@echo
	@echo "Open output/2025-01-01_2024-356/changes.html in a browser (the change report);"
	@echo "changes.md beside it is the pull-request summary, tariffs.csv the table."

lint: $(STAMP)
	$(BIN)/ruff check extractor schemas tests benchmarks
	$(BIN)/ruff format --check extractor schemas tests benchmarks
	$(BIN)/mypy

# The report test opens changes.html in Debian's headless Chromium; installed here when we can.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	echo "chromium could not be installed: the browser test will be skipped"

# The workbook test opens tariffs.xlsx in Debian's headless LibreOffice (Calc), and the PDF reader's
# word-processor tests typeset tables in its Writer; installed here when we can.
office:
	@{ command -v soffice && command -v lowriter; } >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc libreoffice-writer >/dev/null; } || \
	echo "libreoffice-calc or -writer could not be installed: the LibreOffice tests will be skipped"

test: lint browser office
	$(BIN)/python -m pytest -q

# On demand, never in CI: times every stage on large generated circulars (benchmarks/README.md).
# Whole commands run in .venv-runtime, without the dev tools, as users install it: in .venv,
# pandera also imports hypothesis and pytest at start-up.

bench: $(STAMP) $(RUNTIME)/.installed
	BENCH_RUNTIME_PYTHON=$(RUNTIME)/bin/python $(BIN)/python benchmarks/run.py

# On demand, never in CI: mutation testing (mutmut, [tool.mutmut] in pyproject.toml) of the
# safety-critical modules, at nice 19 for the shared machine (each mutant's result is saved as
# it ends: a stopped run keeps what it checked); then the score and every survivor go to
# benchmarks/mutation.md. Narrow it with globs: make mutate MUTANTS='extractor.values.*'.
# After a merge that adds or renames modules, rm -rf mutants first (mutmut does not copy them).
MUTANTS ?= extractor.values.* extractor.readers.pdf.integrity.* \
	extractor.readers.xlsx.x_check_archive* extractor.readers.xlsx.x__declares_dtd* extractor.readers.xlsx.x__encoding* \
	extractor.export.x_write_atomic* extractor.export.x__kill_point* extractor.export.x_spreadsheet_safe* \
	extractor.export.x_row_values* extractor.export.x_tariffs_csv* extractor.export.x_read_tariffs_csv* \
	extractor.export.x_is_tariffs_csv* extractor.export.x_write_exports* extractor.readers.pdf.pages.* \
	schemas.* extractor.store.* extractor.diff.* extractor.store_update.* extractor.admission.* \
	extractor.versions.* extractor.readers.pdf.furniture.*
QUOTED_MUTANTS := $(foreach m,$(MUTANTS),'$(m)')

mutate: $(STAMP)
	nice -n 19 $(BIN)/mutmut run --max-children 2 $(QUOTED_MUTANTS)
	$(MAKE) --no-print-directory mutation-report

# benchmarks/mutation.md from the results in mutants/ (after `make mutate` module by module).
# EARLIER=DIR: a copy of an earlier run's mutants/**/*.meta (same source) fills in what this run
# did not check, e.g. after a change of the test selection made mutmut reset every result.
mutation-report: $(STAMP)
	$(BIN)/python benchmarks/mutation.py $(if $(EARLIER),--earlier '$(EARLIER)') $(QUOTED_MUTANTS) > benchmarks/mutation.md

clean:
	rm -rf $(VENV) $(RUNTIME) output/* mutants
