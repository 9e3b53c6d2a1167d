"""A small registry used across the constituency tests."""

from __future__ import annotations

from typing import Any

import pytest

from natcert.constituency.actions import do_import_constituency

SAMPLE_YAML = """\
version: 1
certs:
  - slug: pkcert
    name: PKCERT (National)
    kind: national
    email: incident@pkcert.example
    contacts:
      - {name: Incident desk, email: incident@pkcert.example, role: security, languages: [en, ur]}
  - {slug: telecom-cert, name: Telecom CERT, kind: sectoral, parent: pkcert}
  - {slug: bank-cert, name: Banking CERT, kind: sectoral, parent: pkcert}
sectors:
  - {slug: telecom, name: Telecom, cert: telecom-cert}
  - {slug: banking, name: Banking & Finance, cert: bank-cert}
organisations:
  - slug: ptcl
    name: PTCL
    sector: telecom
    country: pk
    prefixes: [203.0.113.0/24, 2001:DB8::/32]
    asns: [AS64500, {number: 64501, name: PTCL-2}]
    domains: [ptcl.example.pk, Bücher.Example.PK.]
    contacts:
      - {name: PTCL abuse, email: abuse@ptcl.example, languages: "en, ur"}
  - slug: hbl
    name: Habib Bank
    sector: banking
    cert: pkcert
    prefixes: [198.51.100.0/24, 198.51.100.128/25]
    asns: [64510]
    domains: [hbl.example.pk]
"""


@pytest.fixture
def registry(db: Any) -> None:
    """SAMPLE_YAML imported."""
    do_import_constituency(SAMPLE_YAML, "yaml", actor=None)
