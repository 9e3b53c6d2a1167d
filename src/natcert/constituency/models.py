"""The constituency registry: CERTs, sectors, organisations and what they own.

Invariants (checked in ``clean()`` for forms, and by :mod:`natcert.constituency.importing` for
files): a prefix is stored normalised (``10.0.0.0/8``, never ``10.0.0.1/8``) and belongs to one
organisation; an AS number and a domain name belong to one organisation; domain names are
stored in punycode; a contact belongs to exactly one organisation or CERT. Nested prefixes of
different organisations are allowed: the longest prefix wins when resolving an owner.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from natcert.constituency.choices import CERTKind, ContactRole
from natcert.constituency.netdata import (
    domain_display,
    normalize_domain,
    parse_asn,
    parse_prefix,
    prefix_range,
)
from natcert.constituency.querysets import NetworkPrefixQuerySet
from natcert.core.models import TimestampedModel


class CERT(TimestampedModel):
    """A CERT of the national hierarchy; ``parent`` is the CERT it escalates to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=CERTKind.choices, default=CERTKind.SECTORAL)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    email = models.EmailField("contact e-mail", blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "CERT"
        verbose_name_plural = "CERTs"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A CERT cannot be its own parent or ancestor."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Sector(TimestampedModel):
    """A sector of the economy (telecom, banking & finance, ...) and the CERT responsible for it."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    cert = models.ForeignKey(CERT, on_delete=models.PROTECT, related_name="sectors")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Organisation(TimestampedModel):
    """A constituent. ``cert`` is the responsible CERT; left blank it becomes the sector's CERT."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="organisations")
    cert = models.ForeignKey(
        CERT,
        on_delete=models.PROTECT,
        related_name="organisations",
        blank=True,
        verbose_name="responsible CERT",
        help_text="Leave blank for the sector's CERT.",
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, e.g. PK.")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.country = self.country.strip().upper()
        if self.country and not (len(self.country) == 2 and self.country.isalpha()):
            raise ValidationError({"country": "Use a two-letter ISO 3166-1 code such as PK."})
        if self.cert_id is None and self.sector_id is not None:
            self.cert_id = self.sector.cert_id


class NetworkPrefix(TimestampedModel):
    """An IPv4/IPv6 prefix of an organisation.

    ``cidr`` is the normalised text; ``start``/``end`` are the first/last address as 32 hex
    digits, so containment is a text range query on SQLite and PostgreSQL alike.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="prefixes"
    )
    cidr = models.CharField("prefix", max_length=49, unique=True)
    family = models.PositiveSmallIntegerField(choices=[(4, "IPv4"), (6, "IPv6")], editable=False)
    start = models.CharField(max_length=32, editable=False)
    end = models.CharField(max_length=32, editable=False)

    objects = NetworkPrefixQuerySet.as_manager()

    class Meta:
        ordering = ("family", "start", "end")
        verbose_name = "network prefix"
        verbose_name_plural = "network prefixes"
        indexes = (
            models.Index(fields=["family", "start", "end"], name="constituency_prefix_range"),
        )

    def __str__(self) -> str:
        return self.cidr

    def set_cidr(self, text: str) -> None:
        """Normalise ``text`` into ``cidr`` and fill ``family``/``start``/``end``.

        Raises ``ValueError`` (bad prefix, host bits set).
        """
        self.cidr, self.family, self.start, self.end = prefix_range(parse_prefix(text))

    def clean(self) -> None:
        try:
            self.set_cidr(self.cidr)
        except ValueError as exc:
            raise ValidationError({"cidr": str(exc)}) from None
        owner = (
            NetworkPrefix.objects.filter(cidr=self.cidr)
            .exclude(pk=self.pk)
            .select_related("organisation")
            .first()
        )
        if owner is not None:
            raise ValidationError(
                {
                    "cidr": f"{self.cidr} is already owned by organisation "
                    f"'{owner.organisation.slug}'."
                }
            )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.cidr and not self.start:
            self.set_cidr(self.cidr)
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's keywords


class AutonomousSystem(TimestampedModel):
    """An autonomous system number (1..4294967295) of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="autonomous_systems"
    )
    number = models.PositiveBigIntegerField("AS number", unique=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("number",)
        verbose_name = "autonomous system"

    def __str__(self) -> str:
        return f"AS{self.number}"

    def clean(self) -> None:
        try:
            parse_asn(self.number)
        except ValueError as exc:
            raise ValidationError({"number": str(exc)}) from None
        owner = (
            AutonomousSystem.objects.filter(number=self.number)
            .exclude(pk=self.pk)
            .select_related("organisation")
            .first()
        )
        if owner is not None:
            raise ValidationError(
                {
                    "number": f"AS{self.number} is already owned by organisation "
                    f"'{owner.organisation.slug}'."
                }
            )


class Domain(TimestampedModel):
    """A registered domain of an organisation (stored as punycode; subdomains match too)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=253, unique=True, help_text="Punycode (xn--) form.")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return domain_display(self.name)

    def clean(self) -> None:
        try:
            self.name = normalize_domain(self.name)
        except ValueError as exc:
            raise ValidationError({"name": str(exc)}) from None
        owner = (
            Domain.objects.filter(name=self.name)
            .exclude(pk=self.pk)
            .select_related("organisation")
            .first()
        )
        if owner is not None:
            raise ValidationError(
                {
                    "name": f"{self.name} is already owned by organisation "
                    f"'{owner.organisation.slug}'."
                }
            )


class Contact(TimestampedModel):
    """A person or mailbox of an organisation or of a CERT (exactly one of the two)."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    cert = models.ForeignKey(
        CERT, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail")
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.ABUSE)
    languages = models.CharField(
        max_length=100, blank=True, help_text="Comma-separated language codes, e.g. en,ur."
    )
    pgp_key = models.TextField("OpenPGP public key", blank=True)

    class Meta:
        ordering = ("name",)
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, cert__isnull=True)
                    | models.Q(organisation__isnull=True, cert__isnull=False)
                ),
                name="constituency_contact_one_owner",
                violation_error_message="A contact belongs to an organisation or to a CERT.",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self) -> None:
        if (self.organisation_id is None) == (self.cert_id is None):
            raise ValidationError("Choose either an organisation or a CERT for this contact.")
        self.languages = ",".join(
            code.strip().lower()
            for code in self.languages.replace(" ", ",").split(",")
            if code.strip()
        )
        key = self.pgp_key.strip()
        if key and not key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"):
            raise ValidationError(
                {
                    "pgp_key": "Paste an ASCII-armoured OpenPGP public key "
                    "(-----BEGIN PGP PUBLIC KEY BLOCK-----)."
                }
            )


__all__ = [
    "CERT",
    "AutonomousSystem",
    "Contact",
    "Domain",
    "NetworkPrefix",
    "Organisation",
    "Sector",
]
