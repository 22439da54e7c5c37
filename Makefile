# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   -> .venv + pinned requirements, then the app
#   make test  -> .venv + pinned requirements, then the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test bench venv clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(VENV)/.installed

venv: $(VENV)/.installed

run: venv
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: venv
	$(PY) -m pytest -q

bench: venv
	$(PY) bench/compare_gensim.py
	$(PY) bench/step_speed.py

clean:
	rm -rf $(VENV) .pytest_cache
