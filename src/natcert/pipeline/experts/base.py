"""The expert contract: a pure function from batch to batch, vectorized."""

from __future__ import annotations

from typing import Protocol

import polars as pl


class Expert(Protocol):
    """Adds or rewrites columns of a whole batch; never drops rows silently.

    An expert may drop rows only when that is its job (deduplication), and says how many.
    """

    name: str

    def process(self, batch: pl.DataFrame) -> pl.DataFrame: ...
