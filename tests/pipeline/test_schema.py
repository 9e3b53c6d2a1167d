"""The field catalogue and the RSIT data agree with the contracts and the ENISA source."""

from __future__ import annotations

import json

import polars as pl
import pytest

from natcert.pipeline.schema import catalogue, rsit
from tests.conftest import SAMPLES

CONTRACT_FIELDS = [
    "source.ip",
    "source.network",
    "source.asn",
    "source.as_name",
    "source.fqdn",
    "source.url",
    "source.port",
    "source.geolocation.cc",
    "source.reverse_dns",
    "destination.ip",
    "destination.network",
    "destination.asn",
    "destination.as_name",
    "destination.fqdn",
    "destination.url",
    "destination.port",
    "destination.geolocation.cc",
    "destination.reverse_dns",
    "classification.taxonomy",
    "classification.type",
    "classification.identifier",
    "malware.name",
    "protocol.transport",
    "protocol.application",
    "feed.name",
    "feed.provider",
    "feed.url",
    "feed.accuracy",
    "time.source",
    "time.observation",
    "event_description.text",
    "tlp",
    "extra",
    "raw",
    "constituency.organisation",
    "constituency.sector",
    "constituency.cert",
]


def test_every_contract_field_is_catalogued_with_a_description() -> None:
    for name in CONTRACT_FIELDS:
        assert catalogue.is_known(name), name
        assert catalogue.FIELDS[name].description


def test_contract_dtypes() -> None:
    for name in ("source.asn", "destination.asn", "source.port", "destination.port"):
        assert catalogue.polars_dtype(name) == pl.Int64
    for name in ("time.source", "time.observation"):
        assert catalogue.polars_dtype(name) == pl.Datetime("us", "UTC")
    assert catalogue.polars_dtype("extra") == pl.String
    assert catalogue.polars_dtype("source.ip") == pl.String


def test_internal_and_unknown_names() -> None:
    assert not catalogue.is_known("_line")
    assert catalogue.is_internal("_hash")
    with pytest.raises(KeyError, match="not a field"):
        catalogue.polars_dtype("source.nonsense")


def test_markdown_lists_every_field() -> None:
    text = catalogue.render_markdown()
    assert text.startswith("# Event fields")
    for name in catalogue.FIELDS:
        assert f"`{name}`" in text
    assert "## constituency" in text


def test_rsit_matches_the_enisa_machine_file() -> None:
    source = json.loads((SAMPLES / "taxonomies/enisa-rsit/machinev1.json").read_text())
    expected = {
        entry["value"]: block["predicate"] for block in source["values"] for entry in block["entry"]
    }
    assert set(rsit.CLASSES) == {p["value"] for p in source["predicates"]}
    for type_, klass in expected.items():
        assert rsit.TYPE_CLASS[type_] == klass


@pytest.mark.parametrize(
    ("legacy", "klass"),
    [
        ("botnet drone", "malicious-code"),
        ("C&C", "malicious-code"),
        ("blacklist", "other"),
        ("malware", "malicious-code"),
        ("defacement", "information-content-security"),
    ],
)
def test_legacy_names_have_a_class(legacy: str, klass: str) -> None:
    assert rsit.taxonomy_of(legacy) == klass
