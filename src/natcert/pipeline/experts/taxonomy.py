"""Taxonomy expert: RSIT class from type, legacy type names mapped.

``classification.type`` is lower-cased and legacy IntelMQ names are replaced (``c&c`` →
``c2-server``); ``classification.taxonomy`` is then set to the RSIT class of the type
(the type decides; a given taxonomy is kept only where the type is unknown or missing).
A row with neither gets type ``undetermined`` and class ``other``, as RSIT prescribes for
events that fit no category. Source: ENISA RSIT, see :mod:`natcert.pipeline.schema.rsit`.
"""

from __future__ import annotations

import polars as pl

from natcert.pipeline.schema import rsit

TYPE = "classification.type"
TAXONOMY = "classification.taxonomy"
UNDETERMINED = "undetermined"


class TaxonomyExpert:
    """Fills ``classification.taxonomy`` (and a missing type) for a whole batch."""

    name = "taxonomy"

    def process(self, batch: pl.DataFrame) -> pl.DataFrame:
        height = batch.height
        none = pl.repeat(None, height, dtype=pl.String, eager=True)
        given_type = _text(batch, TYPE, none)
        given_class = _text(batch, TAXONOMY, none)
        # Work on the distinct values (a handful per report), then map back.
        types = given_type.unique().drop_nulls().to_list()
        canonical = {t: rsit.LEGACY_TYPES.get(k, k) for t in types for k in [t.strip().lower()]}
        type_ = given_type.replace_strict(canonical, default=None) if canonical else none
        type_ = type_.zip_with(
            type_.is_not_null() | given_class.is_not_null(), _fill(UNDETERMINED, height)
        )
        classes = {
            t: rsit.TYPE_CLASS[t]
            for t in set(canonical.values()) | {UNDETERMINED}
            if t in rsit.TYPE_CLASS
        }
        klass = type_.replace_strict(classes, default=None, return_dtype=pl.String)
        klass = klass.fill_null(given_class).fill_null("other")
        return batch.with_columns(type_.alias(TYPE), klass.alias(TAXONOMY))


def _text(batch: pl.DataFrame, name: str, default: pl.Series) -> pl.Series:
    return batch.get_column(name).cast(pl.String) if name in batch.columns else default


def _fill(value: str, height: int) -> pl.Series:
    return pl.repeat(value, height, dtype=pl.String, eager=True)
