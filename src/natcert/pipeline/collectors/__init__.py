"""Collectors: one module per source kind; each turns what it fetches into ``Report`` objects."""


class CollectorError(RuntimeError):
    """Fetching failed; the message says what, where and what to do, for a person to read."""
