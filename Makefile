# cogov: `make demo` sets up and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup fonts demo test test-fast browser lint docs bench clean

setup: $(STAMP) fonts

# A Chinese font for the 中文 labels of figures (Debian's fonts-wqy-microhei; skipped when present).
fonts:
	bash .ci/install-cjk-font.sh

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[viz,cluster,ema,test]"
	touch $(STAMP)

# The main job: the five real governance packages against the baseline, with a report.
demo: setup
	$(PY) run.py compare baseline qiaokou_shangcheng qingyang_2018 xiangyang_2024 hangzhou_node_city nanan_2021 \
		--reference baseline --reps 20 --weeks 156 --out out/compare

browser:
	bash .ci/install-browser.sh

# Every test, browser tests included (they install Debian's chromium first).
test: setup browser
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder -q

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) run.py bench

# Regenerate the generated sections of docs/ODD.md (parameters, mechanisms, ...).
docs: setup
	$(PY) -m docgen

clean:
	rm -rf $(VENV) out .pytest_cache test-artifacts
