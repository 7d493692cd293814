# Drempelbank: `make run` serves the demo register, `make test` runs the whole suite.
VENV    := .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: install run test bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/drempelbank init --demo
	$(BIN)/drempelbank serve

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q -p no:cacheprovider -n auto --maxprocesses 4 --dist load

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .drempelbank
