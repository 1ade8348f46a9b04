# The course's commands. `make lab` to learn, `make test` to check everything,
# `make check` before a commit.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install browser lab lint check test site release lessons bench weights grade student-dist clean

install: $(INSTALLED)

# Creates the venv when missing and installs the course into it (editable), once:
# the stamp file makes a second run install nothing until pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,site,instructor]'
	touch $@

# Debian's Chromium for the browser test (tests/test_browser.py drives it with
# Playwright), installed with apt when /usr/bin/chromium is missing and only then:
# sudo unless run as root. Never `playwright install`: it downloads a browser build
# of its own.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "$(CHROMIUM) is missing: installing Debian's chromium with apt"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends chromium; \
	fi

# Jupyter refuses to run as root (containers, some cloud VMs) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(INSTALLED)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/00-start-here.ipynb

# ruff's lint and format check, with the rules in pyproject.toml.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Before a commit: lint and the fast unit tests, in about a minute.
check: lint
	$(PYTHON) -m pytest tests -m "not slow and not grading and not browser and not notebooks"

# Everything, as CI runs it: lint, then every test.
test: lint browser
	$(PYTHON) -m pytest

# The course website, from the committed (executed) lessons, into _build/site/.
site: $(INSTALLED)
	$(PYTHON) -m instructor.site

# Regenerates release/ (the student versions) from source/ with nbgrader.
release: $(INSTALLED)
	$(PYTHON) -m instructor.release

# Re-executes the lessons in place so they are committed with their outputs.
lessons: $(INSTALLED)
	$(PYTHON) -m instructor.lessons

# Prints how fast each widget answers its sliders (goal: median <= 100 ms).
bench: $(INSTALLED)
	$(PYTHON) benchmarks/widgets.py

# Downloads the ImageNet weights the lessons use into the torch hub cache
# ($TORCH_HOME/hub/checkpoints, by default ~/.cache/torch), with a progress bar,
# and checks that each file loads. Run it on a connected machine; copy the folder
# to machines without network.
weights: $(INSTALLED)
	$(PYTHON) -m helpers.pretrained

# Grades every submission of one assignment, in parallel, each kernel sandboxed:
#   make grade ASSIGNMENT=01-convolution-by-hand [EXPORT=folder-of-student-files]
# Submissions come from submitted/<student>/<assignment>/ (nbgrader's layout) or,
# with EXPORT, from <student>.ipynb / <student>.zip files as an LMS exports them.
# Scores go into gradebook.db; feedback/ gets the feedback; grading/<assignment>/
# the grade table, a figure and a report. A killed run picks up where it stopped.
grade: $(INSTALLED)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make grade ASSIGNMENT=<name> [EXPORT=<folder>]"; exit 2; }
	$(PYTHON) -m instructor.grading.run $(ASSIGNMENT) $(if $(EXPORT),--export $(EXPORT))

# The student tree, a project of its own (lessons, release/, helpers, student/'s
# README, Makefile and tests, VERSION; no source/, no gradebook, no hidden tests),
# into dist/student/.
student-dist: $(INSTALLED)
	$(PYTHON) -m instructor.student_dist dist/student

clean:
	rm -rf $(VENV) .pytest_cache submitted autograded feedback gradebook.db _build grading dist
