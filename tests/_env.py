"""Pytest plugin loaded first (``-p tests._env``): isolate the data directory.

It must run before pytest-django imports the settings, which read ``NATCERT_DATA_DIR``;
a conftest is loaded too late for that.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("NATCERT_DATA_DIR", tempfile.mkdtemp(prefix="natcert-test-"))
