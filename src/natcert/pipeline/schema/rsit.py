"""RSIT classes and types as machine names, read from ``rsit.yaml`` beside this module.

Source: the Reference Security Incident Taxonomy of the ENISA / TF-CSIRT working group
(https://github.com/enisaeu/Reference-Security-Incident-Taxonomy-Task-Force), MISP machine
tag file ``rsit`` version 1003. ``rsit.yaml`` also lists the non-RSIT types IntelMQ 3 keeps
(``blacklist``, ``dga-domain``, ``proxy``, ``tor``; class ``other``) and maps the legacy type
names of IntelMQ 2 and older feeds (``botnet drone``, ``c&c``, ``malware``, ...) to today's.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

RSIT_FILE = Path(__file__).with_name("rsit.yaml")


def _load(path: Path = RSIT_FILE) -> tuple[dict[str, str], dict[str, str], tuple[str, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    classes = tuple(data["classes"])
    type_class: dict[str, str] = {}
    for group in ("classes", "extensions"):
        for klass, types in data[group].items():
            for type_ in types:
                type_class[type_] = klass
    legacy = {str(k).strip().lower(): v for k, v in data["legacy"].items()}
    unknown = sorted(v for v in legacy.values() if v not in type_class)
    if unknown:
        raise ValueError(f"{path.name}: legacy names map to unknown types {unknown}")
    return type_class, legacy, classes


TYPE_CLASS, LEGACY_TYPES, CLASSES = _load()
"""``TYPE_CLASS``: type → class (RSIT and accepted extensions); ``LEGACY_TYPES``: legacy
name → type; ``CLASSES``: the RSIT class machine names."""

TYPES: tuple[str, ...] = tuple(TYPE_CLASS)


def taxonomy_of(type_: str) -> str:
    """The RSIT class of a type or legacy type name. Raises ``KeyError`` if unknown."""
    key = type_.strip().lower()
    return TYPE_CLASS[LEGACY_TYPES.get(key, key)]


def canonical_type(expr: pl.Expr) -> pl.Expr:
    """Expression: lower-cased, trimmed type with legacy names replaced (unknowns kept)."""
    cleaned = expr.str.strip_chars().str.to_lowercase()
    return cleaned.replace(LEGACY_TYPES)


def taxonomy_expr(type_expr: pl.Expr) -> pl.Expr:
    """Expression: the RSIT class of a canonical type column (null when unknown)."""
    return type_expr.replace_strict(TYPE_CLASS, default=None, return_dtype=pl.String)
