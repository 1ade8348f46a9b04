"""Does every module of helpers say what it offers: every public function and
class it defines in ``__all__``, and every name in ``__all__`` defined?"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import helpers


def modules():
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            yield info.name


@pytest.mark.parametrize("name", sorted(modules()))
def test_all_lists_every_public_function_and_class(name):
    module = importlib.import_module(name)
    exported = set(getattr(module, "__all__", ()))
    defined = {
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == name
    }
    assert defined <= exported, f"{name}.__all__ misses {sorted(defined - exported)}"
    assert all(hasattr(module, attribute) for attribute in exported)


def test_the_widgets_package_re_exports_every_widget():
    """Do notebooks find every widget at ``helpers.widgets.<name>`` as before?"""
    from helpers import widgets

    for name in modules():
        if name.startswith("helpers.widgets.") and not name.endswith(".render"):
            module = importlib.import_module(name)
            assert set(module.__all__) <= set(widgets.__all__), name
