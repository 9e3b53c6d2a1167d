"""Event hash stability and in-batch deduplication; taxonomy expert."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import xxhash

from natcert.pipeline.experts.dedup import HASH, DedupExpert, add_hash
from natcert.pipeline.experts.taxonomy import TaxonomyExpert

WHEN = datetime(2024, 3, 13, 18, 49, 10, tzinfo=UTC)


def _batch() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_line": [1, 2, 3],
            "source.ip": ["1.2.3.4", "1.2.3.4", "5.6.7.8"],
            "source.port": [80, 80, None],
            "time.source": [WHEN, WHEN, WHEN],
            "time.observation": [WHEN, datetime(2025, 1, 1, tzinfo=UTC), WHEN],
            "raw": ["a", "b", "c"],
            "feed.url": ["u1", "u2", "u3"],
        }
    )


def _reference(fields: dict[str, str]) -> str:
    """The module docstring's definition, computed with the ``xxhash`` package."""
    digest = 0
    for name, text in fields.items():
        digest ^= xxhash.xxh3_128_intdigest(text.encode(), xxhash.xxh3_64_intdigest(name.encode()))
    return format(digest, "032x")


def test_hash_is_a_known_constant() -> None:
    # Pinned: a change here means every stored event hash changes (breaks idempotence).
    fields = {"source.ip": "1.2.3.4", "source.port": "80", "time.source": "1710355750000000"}
    assert _reference(fields) == "5558003dd95e1eb8ea1c399527d349d4"
    hashes = add_hash(_batch()).get_column(HASH).to_list()
    assert hashes[0] == "5558003dd95e1eb8ea1c399527d349d4"
    assert hashes[2] == _reference({"source.ip": "5.6.7.8", "time.source": "1710355750000000"})


def test_constant_columns_hash_like_varying_ones() -> None:
    # A column constant in one batch (hashed once) may vary in another (hashed per row).
    one = add_hash(_batch().head(1)).get_column(HASH)[0]
    assert one == add_hash(_batch()).get_column(HASH)[0]
    assert add_hash(pl.DataFrame({"_line": [1]})).get_column(HASH).to_list() == ["0" * 32]


def test_hash_ignores_observation_raw_feed_url_column_order_and_null_columns() -> None:
    batch = add_hash(_batch())
    hashes = batch.get_column(HASH).to_list()
    assert hashes[0] == hashes[1] != hashes[2]
    assert all(len(h) == 32 for h in hashes)
    shuffled = (
        _batch()
        .select(reversed(_batch().columns))
        .with_columns(pl.lit(None, dtype=pl.String).alias("malware.name"))
    )
    assert add_hash(shuffled).get_column(HASH).to_list() == hashes


def test_dedup_expert_drops_repeats_and_says_how_many() -> None:
    expert = DedupExpert()
    out = expert.process(_batch())
    assert out.get_column("_line").to_list() == [1, 3]
    assert expert.dropped == 1


def test_taxonomy_expert_fills_class_and_maps_legacy_names() -> None:
    batch = pl.DataFrame(
        {
            "classification.type": ["botnet drone", "phishing", None, None],
            "classification.taxonomy": [None, None, "vulnerable", None],
        }
    )
    out = TaxonomyExpert().process(batch)
    assert out.get_column("classification.type").to_list() == [
        "infected-system",
        "phishing",
        None,
        "undetermined",
    ]
    assert out.get_column("classification.taxonomy").to_list() == [
        "malicious-code",
        "fraud",
        "vulnerable",
        "other",
    ]
