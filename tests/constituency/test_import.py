"""Importing and exporting constituency files: errors by line, atomicity, round trips."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from natcert.constituency.actions import do_import_constituency
from natcert.constituency.interchange import (
    RegistryFileError,
    read_registry,
    snapshot_registry,
    write_registry,
)
from natcert.constituency.models import (
    CERT,
    AutonomousSystem,
    Contact,
    Domain,
    NetworkPrefix,
    Organisation,
)
from natcert.core.models import AuditLog
from tests.constituency.conftest import SAMPLE_YAML

pytestmark = pytest.mark.django_db


def errors_of(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(RegistryFileError) as caught:
        do_import_constituency(text, fmt, actor=None)
    return caught.value.errors


def test_import_yaml_creates_everything() -> None:
    summary = do_import_constituency(SAMPLE_YAML, "yaml", actor=None)
    assert summary.as_dict()["prefix"] == {"created": 4}
    ptcl = Organisation.objects.get(slug="ptcl")
    assert ptcl.cert.slug == "telecom-cert"  # defaults to the sector's CERT
    assert ptcl.country == "PK"
    assert Organisation.objects.get(slug="hbl").cert.slug == "pkcert"
    assert set(ptcl.prefixes.values_list("cidr", flat=True)) == {"203.0.113.0/24", "2001:db8::/32"}
    assert set(ptcl.domains.values_list("name", flat=True)) == {
        "ptcl.example.pk",
        "xn--bcher-kva.example.pk",
    }
    assert AutonomousSystem.objects.get(number=64501).name == "PTCL-2"
    assert Contact.objects.get(organisation=ptcl).languages == "en,ur"
    assert CERT.objects.get(slug="telecom-cert").parent.slug == "pkcert"
    assert AuditLog.objects.filter(action="constituency.import").count() == 1


def test_second_import_changes_nothing() -> None:
    do_import_constituency(SAMPLE_YAML, "yaml", actor=None)
    summary = do_import_constituency(SAMPLE_YAML, "yaml", actor=None)
    assert not summary.changed
    assert AuditLog.objects.filter(action="constituency.import").count() == 1


def test_errors_are_all_reported_with_lines() -> None:
    text = SAMPLE_YAML.replace("sector: banking\n", "sector: bankingg\n").replace(
        "[203.0.113.0/24,", "[10.0.0.1/8, 203.0.113.0/24, 198.51.100.0/24, 999.1.2.3/8,"
    )
    errors = errors_of(text)
    assert errors == [
        "line 19: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)",
        "line 19: '999.1.2.3/8' is not an IPv4 or IPv6 prefix",
        "line 26: unknown sector 'bankingg'",
        "line 28: 198.51.100.0/24 is already owned by organisation 'ptcl' (line 19)",
    ]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: national", "kind: federal"), "line 5: CERT 'pkcert': unknown kind 'federal'"),
        (("parent: pkcert}", "parent: nocert}", 1), "line 9: unknown parent CERT 'nocert'"),
        (("cert: bank-cert}", "cert: bankcert}"), "line 13: unknown CERT 'bankcert' for sector"),
        (("slug: hbl", "slug: ptcl"), "line 24: organisation 'ptcl' is defined twice (line 15)"),
        (("slug: hbl", "slug: HBL!"), "line 24: organisation slug 'HBL!' must be"),
        (
            ("[64510]", "[AS64500]"),
            "line 29: AS64500 is already owned by organisation 'ptcl' (line 20)",
        ),
        (("[64510]", "[AS0]"), "line 29: AS number 0 is out of range"),
        (("[64510]", "[ASX]"), "line 29: 'ASX' is not an AS number"),
        (
            ("[hbl.example.pk]", "[ptcl.example.pk]"),
            "line 30: ptcl.example.pk is already owned by organisation 'ptcl' (line 21)",
        ),
        (("[hbl.example.pk]", "[http://hbl.pk/]"), "line 30: 'http://hbl.pk/' is not a domain"),
        (("country: pk", "country: PAK"), "line 18: country 'PAK' is not a two-letter ISO code"),
        (("abuse@ptcl.example", "not-an-email"), "line 23: 'not-an-email' is not an e-mail"),
        (('languages: "en, ur"', "role: boss"), "line 23: unknown contact role 'boss'"),
        (("    name: PTCL\n", "    name: PTCL\n    nmae: x\n"), "line 17: unknown field 'nmae'"),
        (("version: 1", "version: [1"), "line 2: not valid YAML"),
    ],
)
def test_each_error_kind(change: tuple[str, ...], message: str) -> None:
    old, new, *count = change
    text = SAMPLE_YAML.replace(old, new, *count)
    assert text != SAMPLE_YAML
    errors = errors_of(text)
    assert any(e.startswith(message) for e in errors), errors
    assert not CERT.objects.exists()


def test_prefix_owned_in_database_by_an_organisation_not_in_the_file(registry: None) -> None:
    text = """\
organisations:
  - slug: newco
    name: New Co
    sector: telecom
    prefixes: [203.0.113.0/24]
"""
    assert errors_of(text) == [
        "line 5: 203.0.113.0/24 is already owned by organisation 'ptcl' (in the database; "
        "list it under that organisation or remove it there)"
    ]


def test_listed_items_replace_what_an_organisation_had(registry: None) -> None:
    text = """\
organisations:
  - {slug: ptcl, name: PTCL, sector: telecom, country: PK, prefixes: [192.0.2.0/24]}
  - {slug: hbl, name: Habib Bank, sector: banking, cert: pkcert,
     prefixes: [203.0.113.0/24], asns: [64500]}
"""
    summary = do_import_constituency(text, "yaml", actor=None)
    assert summary.as_dict()["prefix"] == {"deleted": 3, "updated": 1, "created": 1}
    assert NetworkPrefix.objects.get(cidr="203.0.113.0/24").organisation.slug == "hbl"
    assert AutonomousSystem.objects.get(number=64500).organisation.slug == "hbl"
    assert not Domain.objects.filter(organisation__slug="ptcl").exists()
    assert not Contact.objects.filter(organisation__slug="ptcl").exists()


def test_nothing_is_half_imported_when_writing_fails(
    registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    # Contacts are written last: everything before them must be rolled back.
    monkeypatch.setattr("natcert.constituency.interchange.apply._apply_contacts", fail)
    text = SAMPLE_YAML.replace("name: Telecom CERT", "name: Telecom CERT 2").replace(
        "[198.51.100.0/24,", "[192.0.2.0/24, 198.51.100.0/24,"
    )
    with pytest.raises(RuntimeError, match="disk full"):
        do_import_constituency(text, "yaml", actor=None)
    assert CERT.objects.get(slug="telecom-cert").name == "Telecom CERT"
    assert not NetworkPrefix.objects.filter(cidr="192.0.2.0/24").exists()
    assert AuditLog.objects.filter(action="constituency.import").count() == 1


def test_long_as_name_is_an_error_not_a_database_failure() -> None:
    text = SAMPLE_YAML.replace("name: PTCL-2", "name: " + "n" * 201)
    assert errors_of(text) == ["line 20: AS64501: the AS name is longer than 200 characters"]


def test_dry_run_writes_nothing() -> None:
    summary = do_import_constituency(SAMPLE_YAML, "yaml", actor=None, dry_run=True)
    assert summary.counts["organisation"]["created"] == 2
    assert not Organisation.objects.exists()
    assert not AuditLog.objects.exists()


CSV_TEXT = """\
kind,slug,name,type,parent,email,sector,cert,country,organisation,value,role,languages,pgp_key
cert,pkcert,PKCERT,national,,,,,,,,,,
cert,tcert,Telecom CERT,sectoral,pkcert,,,,,,,,,
sector,telecom,Telecom,,,,,tcert,,,,,,
organisation,ptcl,PTCL,,,,telecom,,PK,,,,,
prefix,,,,,,,,,ptcl,203.0.113.0/24,,,
prefix,,,,,,,,,ptcl,10.0.0.1/8,,,
asn,,PTCL-AS,,,,,,,ptcl,AS64500,,,
domain,,,,,,,,,ptcl,ptcl.example.pk,,,
contact,,PTCL abuse,,,abuse@ptcl.example,,,,ptcl,,abuse,"en,ur",
contact,,Desk,,,desk@pkcert.example,,tcert,,,,security,en,
prefix,,,,,,,,,nobody,192.0.2.0/24,,,
organisation,hbl,HBL,,,,bankingg,,PK,,,,,
thing,,,,,,,,,,,,,
"""


def test_csv_errors_by_line() -> None:
    assert errors_of(CSV_TEXT, "csv") == [
        "line 12: unknown organisation 'nobody' (define it in an 'organisation' row of this file)",
        "line 14: unknown kind 'thing' (expected one of: cert, sector, organisation, prefix, "
        "asn, domain, contact)",
    ]
    lines = CSV_TEXT.splitlines()
    fixed = "\n".join(lines[:11] + lines[12:13]) + "\n"
    assert errors_of(fixed, "csv") == [
        "line 7: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)",
        "line 12: unknown sector 'bankingg'",
    ]


def test_csv_import() -> None:
    lines = CSV_TEXT.replace("10.0.0.1/8", "10.0.0.0/8").splitlines()
    do_import_constituency("\n".join(lines[:11]) + "\n", "csv", actor=None)
    ptcl = Organisation.objects.get(slug="ptcl")
    assert ptcl.cert.slug == "tcert"
    assert ptcl.prefixes.count() == 2
    assert Contact.objects.get(cert__slug="tcert").email == "desk@pkcert.example"


def test_csv_bad_header() -> None:
    assert errors_of("kinds,slug\n", "csv")[0].startswith("line 1: the header must name")


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_round_trip(registry: None, fmt: str) -> None:
    exported = write_registry(snapshot_registry(), fmt)
    before = snapshot_registry()
    # Into an empty registry: the same registry comes back.
    for model in (Contact, Organisation):
        model.objects.all().delete()
    Contact.objects.all().delete()
    from natcert.constituency.models import Sector

    Sector.objects.all().delete()
    CERT.objects.filter(parent__isnull=False).delete()
    CERT.objects.all().delete()
    do_import_constituency(exported, fmt, actor=None)
    assert snapshot_registry() == before
    assert write_registry(snapshot_registry(), fmt) == exported
    # And into the same registry: nothing changes.
    assert not do_import_constituency(exported, fmt, actor=None).changed
    assert read_registry(exported, fmt) == read_registry(exported, fmt)


def test_command_import_export(tmp_path: Path) -> None:
    source = tmp_path / "registry.yaml"
    source.write_text(SAMPLE_YAML)
    out = StringIO()
    call_command("constituency", "import", str(source), "--dry-run", stdout=out)
    assert "organisation: 2 created" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert not Organisation.objects.exists()
    call_command("constituency", "import", str(source), stdout=StringIO())
    target = tmp_path / "out.csv"
    call_command("constituency", "export", "--output", str(target), stderr=StringIO())
    assert target.read_text().startswith("kind,slug,name,type")
    out = StringIO()
    call_command("constituency", "export", "--format", "yaml", stdout=out)
    assert "slug: ptcl" in out.getvalue()


def test_command_reports_every_error(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(SAMPLE_YAML.replace("sector: banking\n", "sector: bankingg\n"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported: 1 error in"):
        call_command("constituency", "import", str(source), stderr=err)
    assert f"{source}: line 26: unknown sector 'bankingg'" in err.getvalue()


def test_command_missing_file() -> None:
    with pytest.raises(CommandError, match=r"cannot read /nonexistent\.yaml"):
        call_command("constituency", "import", "/nonexistent.yaml")


def test_summary_is_json_serialisable(registry: None) -> None:
    entry = AuditLog.objects.get(action="constituency.import")
    assert json.dumps(entry.data)
