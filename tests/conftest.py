"""Test-wide settings.

Under CI (CI=true) hypothesis runs derandomized: the same examples on every run, so a
submission's result does not depend on luck. Locally it explores new examples each run.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
