"""The ``natcert`` command: every sub-command is a Django management command.

``natcert demo``, ``natcert ingest``, ``natcert feeds list``, ``natcert resolve``,
``natcert serve``, ``natcert constituency import`` ... and Django's own (``migrate``,
``createsuperuser``, ``check``). ``natcert help`` lists them all;
``natcert CMD --help`` explains one.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``natcert`` console script."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "natcert.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["natcert", *argv])
    args[0] = "natcert"
    execute_from_command_line(args)
