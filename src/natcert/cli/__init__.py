"""The ``natcert`` command: every sub-command is a Django management command.

``natcert demo``, ``natcert ingest``, ``natcert feeds list``, ``natcert resolve``,
``natcert serve``, ``natcert constituency import`` ... and Django's own (``migrate``,
``createsuperuser``, ``check``). ``natcert help`` lists them all;
``natcert CMD --help`` explains one.
"""

from __future__ import annotations

import os
import sys

NATCERT_APPS = ("natcert.constituency", "natcert.intel", "natcert.portal", "natcert.core")


def _overview() -> str:
    """natcert's own commands with their one-line help, then a pointer to Django's."""
    from django.core.management import get_commands, load_command_class

    lines = ["usage: natcert COMMAND [ARGS...]   (natcert COMMAND --help for details)", ""]
    lines.append("natcert commands:")
    for name, app in sorted(get_commands().items()):
        if app in NATCERT_APPS:
            text = " ".join((load_command_class(app, name).help or "").split())
            lines.append(f"  {name:<14} {text.split('. ')[0].split(': ')[0].rstrip('.')}")
    lines += ["", "Django's commands (migrate, createsuperuser, check, ...): natcert help --all"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``natcert`` console script."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "natcert.settings")
    import django
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["natcert", *argv])
    args[0] = "natcert"
    if args[1:] in ([], ["help"], ["--help"], ["-h"]):
        django.setup()
        print(_overview())
        return
    if args[1:] == ["help", "--all"]:
        args = ["natcert", "help"]
    execute_from_command_line(args)
