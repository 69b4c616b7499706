"""Make ``import contracts`` mean the package in ``contracts/src`` while these tests run.

pytest's importlib mode names the files here ``contracts.tests.*`` (their path from the
repository root) and, to import them, registers this directory's parent as a namespace package
called ``contracts``, which hides the real package. Put the real one back before any test
module imports it; when a plugin has imported it already there is nothing to do.
"""

from __future__ import annotations

import importlib
import sys

_registered = sys.modules.get("contracts")
if _registered is not None and getattr(_registered, "__file__", None) is None:
    del sys.modules["contracts"]
    importlib.import_module("contracts")
