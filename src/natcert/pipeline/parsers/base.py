"""The parser contract and the registry of parsers by name.

A parser is a class with a unique ``name`` (``<family>.<feed>``, e.g. ``abusech.urlhaus_csv``)
and a ``parse`` method. It must never raise for a bad *row*: the row goes into
``ParsedBatch.rejects`` with its line number, raw text and a reason a person understands. It
raises :class:`~natcert.pipeline.report.ReportError` only when the whole report is unreadable.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from typing import ClassVar, TypeVar

from natcert.pipeline.report import ParsedBatch, Report


class Parser(ABC):
    """Turns one report into a batch whose columns are harmonization field names.

    The batch carries ``_line`` and ``raw`` and whatever fields the feed provides
    (``source.ip``, ``source.url``, ``classification.type``, ``time.source``, ...). The runner
    adds ``feed.*`` and ``time.observation``; validation and experts run afterwards.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    doc_url: ClassVar[str] = ""

    @abstractmethod
    def parse(self, report: Report) -> ParsedBatch:
        """Parse ``report``. Raises ``ReportError`` only if no row can be read at all."""


_REGISTRY: dict[str, type[Parser]] = {}
P = TypeVar("P", bound=type[Parser])


def register(cls: P) -> P:
    """Class decorator: make ``cls`` available under ``cls.name``. Duplicate names raise."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two parsers are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    package = importlib.import_module("natcert.pipeline.parsers")
    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_") and module.name != "base":
            importlib.import_module(f"natcert.pipeline.parsers.{module.name}")


def all_parsers() -> dict[str, type[Parser]]:
    """Every registered parser class by name (imports every parser module once)."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get_parser(name: str) -> Parser:
    """A new instance of the parser called ``name``. Raises ``KeyError`` naming the choices."""
    parsers = all_parsers()
    try:
        return parsers[name]()
    except KeyError:
        raise KeyError(f"no parser {name!r}; known: {', '.join(parsers)}") from None
