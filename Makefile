# The course's commands. `make lab` to learn, `make test` to check everything.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install lab test release lessons bench clean

install: $(INSTALLED)

# Creates the venv when missing and installs the course into it (editable), once:
# the stamp file makes a second run install nothing until pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Jupyter refuses to run as root (containers, some cloud VMs) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(INSTALLED)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/00-start-here.ipynb

test: $(INSTALLED)
	$(PYTHON) -m pytest

# Regenerates release/ (the student versions) from source/ with nbgrader.
release: $(INSTALLED)
	$(PYTHON) -m instructor.release

# Re-executes the lessons in place so they are committed with their outputs.
lessons: $(INSTALLED)
	$(PYTHON) -m instructor.lessons

# Prints how fast each widget answers its sliders (goal: median <= 100 ms).
bench: $(INSTALLED)
	$(PYTHON) benchmarks/widgets.py

clean:
	rm -rf $(VENV) .pytest_cache submitted autograded feedback gradebook.db
