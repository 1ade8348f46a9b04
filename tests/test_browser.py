"""Do the lessons run in JupyterLab in a real browser, with widgets that respond?

Drives Debian's Chromium (/usr/bin/chromium, installed by `make browser`, which
`make test` runs) with Playwright, against the venv's JupyterLab started on a free
port with fresh Jupyter folders (conftest.py's start_lab). The server serves a
temporary folder holding copies of the lessons and of one released assignment, so
nothing the browser does (Validate saves the notebook) can touch the repository.

For each lesson in notebooks/: open it, run all cells, and check that no cell shows
an error, that every widget output renders as a widget and not as its text repr,
and that moving one slider of each widget (focus its handle, press an arrow key)
changes what the widget shows (its figure, an ipywidgets.Image, when it has one).
A screenshot per lesson goes to test-artifacts/, and test-artifacts/
browser-report.txt records per lesson: time to run all, widgets rendered,
widgets that responded. Then nbgrader's Validate button is pressed on the untouched
release (it must report the failing tests) and on a solved copy (it must pass).

Every wait is bounded; the browser, the server and its kernels are stopped at the
end.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import CHROMIUM

pytestmark = pytest.mark.browser  # Chromium drives JupyterLab

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser fixture fails with the reason
    PlaywrightTimeout = PlaywrightError = Exception
else:
    from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
REPORT = ARTIFACTS / "browser-report.txt"
ASSIGNMENT = "01-convolution-by-hand"
SOLVED = ROOT / "tests" / "fixtures" / f"colab-saved-{ASSIGNMENT}.ipynb"
LESSONS = sorted(
    p
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)

# Milliseconds. On an idle machine: page and kernel 3-4 s, run all a few seconds,
# a slider 0.3 s, Validate 5 s. The bounds leave room for a loaded 2-core machine.
PAGE_TIMEOUT = 90_000
RUN_ALL_TIMEOUT = 480_000  # lesson 07 trains: 250 s once on a loaded machine
WIDGET_TIMEOUT = 30_000
RESPONSE_TIMEOUT = 30_000
VALIDATE_TIMEOUT = 180_000

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LAB_SETTINGS = {
    # No news or update toast over the notebook (NOTES.md).
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Every cell in the DOM, so every widget output can be found and checked.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # Only Validate saves, and only the served copies.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}
# ------------------------------------------------------------------- page scripts

# The notebook at `path` is open, its kernel started and idle.
NOTEBOOK_READY = """(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== path) return false;
  const session = panel.sessionContext;
  return panel.context.isReady && session.isReady && !!session.session &&
    !!session.session.kernel && session.session.kernel.status === 'idle';
}"""

START_RUN_ALL = """() => {
  const t0 = performance.now();
  window.__runAll = {done: false};
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    ok => { window.__runAll = {done: true, ok: ok !== false,
                               ms: performance.now() - t0}; },
    err => { window.__runAll = {done: true, ok: false, error: String(err),
                                ms: performance.now() - t0}; });
}"""

# After run all: every code cell has run and the kernel is idle again.
RUN_ALL_FINISHED = """() => {
  if (!window.__runAll || !window.__runAll.done) return false;
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  return kernel.status === 'idle';
}"""

# What the notebook model holds after the run: errors, unrun cells, widget outputs.
# Each widget output's element is marked data-bt-widget=<k> for the locators.
INSPECT = r"""(widgetMime) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const result = {codeCells: 0, unrun: [], errors: [], widgets: []};
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    result.codeCells += 1;
    if (cell.model.executionCount === null) result.unrun.push(index);
    const outputs = cell.model.outputs;
    const children = cell.outputArea.node.querySelectorAll(
      ':scope > .jp-OutputArea-child');
    for (let j = 0; j < outputs.length; j++) {
      const output = outputs.get(j).toJSON();
      if (output.output_type === 'error') {
        result.errors.push({cell: index, ename: output.ename,
                            evalue: String(output.evalue).slice(0, 300)});
      }
      const data = output.data || {};
      if (data[widgetMime]) {
        const k = result.widgets.length;
        const node = children.length === outputs.length ? children[j]
                                                        : cell.outputArea.node;
        node.setAttribute('data-bt-widget', String(k));
        let repr = data['text/plain'] || '';
        if (Array.isArray(repr)) repr = repr.join('');
        result.widgets.push({k, cell: index, repr: repr.slice(0, 200)});
      }
    }
  });
  // What the reader sees: JupyterLab renders a traceback as stderr text.
  result.errorElements = Array.from(document.querySelectorAll(
    '.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(e => e.innerText)
    .filter(t => /Traceback \(most recent call last\)|^\w+(Error|Exception)\b/m.test(t))
    .map(t => t.slice(0, 300));
  return result;
}"""

# What a widget shows: the sources of its images, and its text.
WIDGET_STATE = """(selector) => {
  const node = document.querySelector(selector);
  if (!node) return null;
  return {images: Array.from(node.querySelectorAll('img')).map(img => img.src),
          text: node.innerText};
}"""

WIDGET_CHANGED = """([selector, before]) => {
  const node = document.querySelector(selector);
  if (!node) return false;
  const images = Array.from(node.querySelectorAll('img')).map(img => img.src);
  if (before.images.length) return JSON.stringify(images) !==
                                   JSON.stringify(before.images);
  return node.innerText !== before.text;
}"""

SHUTDOWN_KERNELS = """async () => {
  await window.jupyterapp.serviceManager.sessions.shutdownAll();
}"""


# ----------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """A folder with copies of the lessons and of one released assignment."""
    root = tmp_path_factory.mktemp("served")
    # Validate saves the notebook it checks: the server must never see the repository.
    assert not root.resolve().is_relative_to(ROOT)
    (root / "notebooks").mkdir()
    for path in LESSONS:
        shutil.copy(path, root / "notebooks" / path.name)
    for case, source in [
        ("untouched", ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        ("solved", SOLVED),
    ]:
        (root / "assignments" / case).mkdir(parents=True)
        shutil.copy(source, root / "assignments" / case / f"{ASSIGNMENT}.ipynb")
    return root


@pytest.fixture(scope="module")
def lab(start_lab, served):
    return start_lab(
        served, "--LabApp.expose_app_in_browser=True", settings=LAB_SETTINGS
    )


# A test whose browser crashed under it runs once more; any other failure fails.
CRASH_RERUN = pytest.mark.flaky(reruns=1, only_rerun=["TargetClosedError"])


@pytest.fixture(scope="module")
def report(browser):
    """Per-lesson lines, written to test-artifacts/browser-report.txt as they come."""
    import jupyterlab

    ARTIFACTS.mkdir(exist_ok=True)
    header = (
        f"Browser test (tests/test_browser.py): Chromium {browser.get().version} "
        f"({CHROMIUM}), JupyterLab {jupyterlab.__version__}; "
        f"screenshots in {ARTIFACTS.relative_to(ROOT)}/"
    )
    lines: list[str] = []

    def add(line: str) -> None:
        lines.append(line)
        print(line)
        REPORT.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")

    return add


@pytest.fixture
def page(browser, lab):
    """A fresh browser context and page; only the local server may be reached."""
    context = browser.get().new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT)
    context.route(
        re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            page.problems.append(f"console: {m.text}") if m.type == "error" else None
        ),
    )
    try:
        yield page
    finally:
        # Free the kernel now; the server's stop at the end would end it anyway.
        with contextlib.suppress(PlaywrightError):
            page.evaluate(SHUTDOWN_KERNELS)
        with contextlib.suppress(PlaywrightError):  # Chromium may have crashed
            context.close()


def _open(page, lab, path: str) -> None:
    """Open the notebook at ``path`` (relative to the served folder); wait for it."""
    workspace = re.sub(r"[^A-Za-z0-9]+", "-", path)
    page.goto(
        f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?reset&token={lab.token}",
        wait_until="domcontentloaded",
    )
    try:
        page.wait_for_function(NOTEBOOK_READY, arg=path, timeout=PAGE_TIMEOUT)
    except PlaywrightTimeout as e:
        raise AssertionError(
            f"{path} did not open with an idle kernel: {e}\n"
            + "\n".join(page.problems[-10:])
            + "\n"
            + lab.log_tail(3000)
        ) from None


def _has_no_control(widget) -> bool:
    """A widget that only shows something, such as tqdm's progress bar."""
    return not widget.locator(".noUi-handle, select, input, button, textarea").count()


def _move_control(widget) -> str | None:
    """Move the widget's first slider one step (focus the handle, press an arrow).

    A widget with no slider gets its first dropdown moved to the next option.
    Returns what was done, or None if the widget has neither.
    """
    handles = widget.locator(".noUi-handle")
    if handles.count():
        handle = handles.first
        value = handle.get_attribute("aria-valuenow")
        top = handle.get_attribute("aria-valuemax")
        key = "ArrowLeft" if value is not None and value == top else "ArrowRight"
        handle.scroll_into_view_if_needed()
        handle.focus()
        handle.press(key)
        return f"slider {key}"
    selects = widget.locator(".widget-dropdown select")
    if selects.count():
        select = selects.first
        options = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        select.scroll_into_view_if_needed()
        select.select_option(index=(current + 1) % options)
        return "dropdown next option"
    return None


# -------------------------------------------------------------------------- tests


@CRASH_RERUN
@pytest.mark.parametrize(
    "lesson",
    LESSONS or [None],
    ids=lambda p: p.stem if p else "no-lessons-found",
)
def test_lesson_runs_and_its_widgets_render_and_respond(page, lab, report, lesson):
    """Does the lesson run with no error, its widgets render and answer a slider?"""
    assert lesson is not None, "notebooks/ holds no lesson"
    path = f"notebooks/{lesson.name}"
    _open(page, lab, path)

    page.evaluate(START_RUN_ALL)
    try:
        page.wait_for_function(RUN_ALL_FINISHED, timeout=RUN_ALL_TIMEOUT)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{lesson.name}: run all did not finish in {RUN_ALL_TIMEOUT / 1000:.0f} s"
        ) from None
    run = page.evaluate("() => window.__runAll")
    seen = page.evaluate(INSPECT, WIDGET_MIME)
    assert not seen["errors"] and not seen["errorElements"], (
        f"{lesson.name}: cells show errors: {seen['errors']} {seen['errorElements']}"
    )
    assert not seen["unrun"] and run.get("ok"), (
        f"{lesson.name}: cells {seen['unrun']} did not run ({run})"
    )

    rendered, responded, bars, notes = 0, 0, 0, []
    for widget_info in seen["widgets"]:
        k, cell = widget_info["k"], widget_info["cell"]
        selector = f'[data-bt-widget="{k}"]'
        widget = page.locator(selector)
        view = widget.locator(".jupyter-widgets").first
        try:
            view.wait_for(state="visible", timeout=WIDGET_TIMEOUT)
        except PlaywrightTimeout:
            raise AssertionError(
                f"{lesson.name} cell {cell}: the widget did not render as a widget; "
                f"the output shows: {widget.inner_text()[:300]!r}"
            ) from None
        text = widget.inner_text()
        repr_start = widget_info["repr"][:30]
        assert not repr_start or repr_start not in text, (
            f"{lesson.name} cell {cell}: the widget shows its text repr {text[:200]!r}"
        )
        assert "Error displaying widget" not in text, f"{lesson.name} cell {cell}"
        rendered += 1

        if _has_no_control(widget):  # e.g. tqdm's bar: nothing to move
            notes.append(f"cell {cell}: shows, has no control")
            bars += 1
            continue
        before = page.evaluate(WIDGET_STATE, selector)
        started = time.perf_counter()
        key = _move_control(widget)
        assert key is not None, (
            f"{lesson.name} cell {cell}: the widget has no slider or dropdown to move"
        )
        try:
            page.wait_for_function(
                WIDGET_CHANGED, arg=[selector, before], timeout=RESPONSE_TIMEOUT
            )
        except PlaywrightTimeout:
            raise AssertionError(
                f"{lesson.name} cell {cell}: {key} on the slider changed nothing the "
                f"widget shows in {RESPONSE_TIMEOUT / 1000:.0f} s"
            ) from None
        seconds = time.perf_counter() - started
        what = "figure" if before["images"] else "readout"
        notes.append(f"cell {cell}: {key} -> {what} changed in {seconds:.2f} s")
        responded += 1

    shot = ARTIFACTS / f"{lesson.stem}.png"
    if seen["widgets"]:
        page.locator('[data-bt-widget="0"]').scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    report(
        f"{lesson.stem}: run all {run['ms'] / 1000:.1f} s "
        f"({seen['codeCells']} code cells, no errors); "
        f"widgets rendered {rendered}/{len(seen['widgets'])}, "
        f"responded {responded}/{len(seen['widgets']) - bars}"
        + (f" ({'; '.join(notes)})" if notes else "")
        + f"; {shot.name}"
    )


@CRASH_RERUN
@pytest.mark.parametrize(
    "case, verdict, expected",
    [
        ("untouched", "validation-failed", "NotImplementedError"),
        (
            "solved",
            "validation-success",
            "Success! Your notebook passes all the tests.",
        ),
    ],
)
def test_validate_button_gives_the_verdict(page, lab, report, case, verdict, expected):
    """Does nbgrader's Validate fail the untouched release and pass a solved one?"""
    path = f"assignments/{case}/{ASSIGNMENT}.ipynb"
    _open(page, lab, path)
    button = page.locator(".validate-button").first
    button.wait_for(state="visible", timeout=PAGE_TIMEOUT)
    started = time.perf_counter()
    button.locator("jp-button, button").first.click()
    dialog = page.locator(".jp-Dialog")
    message = dialog.locator("#validation-message")
    try:
        message.wait_for(state="visible", timeout=VALIDATE_TIMEOUT)
    except PlaywrightTimeout:
        raise AssertionError(
            f"no Validate verdict in {VALIDATE_TIMEOUT / 1000:.0f} s; the dialog "
            f"says: {dialog.all_inner_texts()}\n{lab.log_tail(3000)}"
        ) from None
    seconds = time.perf_counter() - started
    classes = (message.get_attribute("class") or "").split()
    shown = [c for c in classes if c.startswith("validation-")]
    text = message.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"validate-{case}-{ASSIGNMENT}.png"))
    failed = text.count("The following cell failed:")
    what = {
        "untouched": f"untouched copy of release/{ASSIGNMENT}",
        "solved": f"solved copy ({SOLVED.relative_to(ROOT)})",
    }[case]
    report(
        f"Validate, {what}: {' '.join(shown)} "
        f"in {seconds:.1f} s" + (f" ({failed} test cells failed)" if failed else "")
    )
    assert verdict in shown, f"Validate said ({classes}): {text[:1000]}"
    assert expected in text, text[:1000]
    assert (failed > 0) == (case == "untouched"), text[:1000]
