"""Parsers: one module per feed family; each turns a :class:`Report` into a batch + rejects."""
