# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   -> .venv + pinned requirements, then the app (serving: no file watcher, see .streamlit/config.toml)
#   make dev   -> the app for development: reloads on save (Streamlit's file watcher on, .venv not watched)
#   make test  -> .venv + pinned requirements, then the whole test suite
# While working: make test-fast (no browser, no slow tests, well under a minute); make lint (ruff); make fuzz (long fuzzing);
# make screenshots refreshes docs/screenshots/ from the browser test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run dev test test-fast lint fuzz screenshots bench venv clean serve-class

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(VENV)/.installed

venv: $(VENV)/.installed

run: venv
	$(PY) -m streamlit run app.py --server.port $(PORT)

dev: venv
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true

test: venv
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .

test-fast: venv
	$(PY) -m pytest -q -m "not slow and not browser"

# the fuzz tests (the engine's, and the app's inputs: links, sweep values, progress codes, file readers) with
# thousands of random examples (make test runs them with a few, derandomized)
fuzz: venv
	HYPOTHESIS_PROFILE=nightly $(PY) -m pytest -q tests/engine/test_fuzz.py tests/test_fuzz_inputs.py

screenshots: venv
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser/test_pages.py tests/browser/test_class_room.py tests/browser/test_issue28_pictures.py

bench: venv
	$(PY) bench/compare_gensim.py
	$(PY) bench/step_speed.py

# a class: N app processes (default: one per core) behind nginx on PORT, sticky by cookie; Ctrl-C stops all
serve-class: venv
	deploy/serve_class.sh run $(or $(N),$(shell nproc)) $(PORT)

clean:
	rm -rf $(VENV) .pytest_cache build
