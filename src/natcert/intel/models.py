"""Feed state, stored reports, events and quarantined rows: the pipeline's database side.

Column names of ``Event`` follow :mod:`natcert.intel.fields` (dotted name with ``_``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from natcert.intel.choices import FeedStatus
from natcert.intel.querysets import EventQuerySet


class FeedState(models.Model):
    """What natcert remembers about one catalogue feed (``natcert.pipeline.feeds``).

    The catalogue (YAML shipped with the code) says what a feed *is*; this row says how it is
    *doing*: switched on or off by an admin, last run, HTTP validators for conditional GETs,
    and running totals. Keyed by the catalogue name; a row exists once a feed has run or been
    configured.
    """

    STATUS_NEVER = FeedStatus.NEVER
    STATUS_OK = FeedStatus.OK
    STATUS_NOT_MODIFIED = FeedStatus.NOT_MODIFIED
    STATUS_ERROR = FeedStatus.ERROR

    name = models.CharField(_("feed"), max_length=100, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    last_run = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success = models.DateTimeField(_("last success"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=20, choices=FeedStatus.choices, default=STATUS_NEVER
    )
    last_error = models.TextField(_("last error"), blank=True)
    etag = models.CharField(_("ETag"), max_length=255, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=64, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    reports_total = models.PositiveIntegerField(_("reports"), default=0)
    events_total = models.PositiveBigIntegerField(_("events"), default=0)
    duplicates_total = models.PositiveBigIntegerField(_("duplicates"), default=0)
    quarantined_total = models.PositiveBigIntegerField(_("quarantined rows"), default=0)

    class Meta:
        ordering = ("name",)
        verbose_name = _("feed state")

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One collected report exactly as received, identified by the SHA-256 of its bytes.

    The bytes live in Django's default file storage (``MEDIA_ROOT/reports/ab/<sha256>``,
    content addressed, written before the row) rather than in a ``BinaryField``: reports can
    be tens of megabytes (Shadowserver), are written once and read rarely, and keeping them
    out of the database keeps the event tables and their backups small; the storage backend
    is configurable (``STORAGES``) for scale-out deployments.
    """

    feed_name = models.CharField(_("feed"), max_length=100, db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    raw_file = models.FileField(_("raw report"), upload_to="reports/", max_length=200)
    name = models.CharField(_("name"), max_length=255, blank=True)
    url = models.TextField(_("URL"), blank=True)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    observed = models.DateTimeField(_("observed"), default=timezone.now)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    parsed_at = models.DateTimeField(_("parsed at"), null=True, blank=True)
    events_count = models.PositiveIntegerField(_("events"), default=0)
    duplicates_count = models.PositiveIntegerField(_("duplicates"), default=0)
    quarantined_count = models.PositiveIntegerField(_("quarantined rows"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ("-observed",)
        indexes = (models.Index(fields=["feed_name", "-observed"], name="intel_report_feed_obs"),)

    def __str__(self) -> str:
        return f"{self.feed_name} {self.sha256[:12]}"

    def read_raw(self) -> bytes:
        """The report's bytes from file storage."""
        with self.raw_file.open("rb") as handle:
            return handle.read()


class Event(models.Model):
    """One normalized event (IntelMQ harmonization fields, columns per ``intel.fields``).

    ``event_hash`` (the dedup expert's ``_hash``) is unique: storing a report again adds
    nothing. ``source_ip_key`` is the source address as 32 hex digits (IPv4 mapped into
    IPv6) so that CIDR filters are index range scans on SQLite and PostgreSQL alike.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    event_hash = models.CharField(_("event hash"), max_length=128, unique=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    source_ip_key = models.CharField(max_length=32, blank=True, editable=False)
    source_network = models.CharField(_("source network"), max_length=49, blank=True)
    source_asn = models.BigIntegerField(_("source ASN"), null=True, blank=True)
    source_as_name = models.CharField(_("source AS name"), max_length=255, blank=True)
    source_fqdn = models.CharField(_("source FQDN"), max_length=255, blank=True)
    source_url = models.TextField(_("source URL"), blank=True)
    source_port = models.IntegerField(_("source port"), null=True, blank=True)
    source_reverse_dns = models.CharField(_("source reverse DNS"), max_length=255, blank=True)
    source_geolocation_cc = models.CharField(_("source country"), max_length=2, blank=True)
    destination_ip = models.GenericIPAddressField(_("destination IP"), null=True, blank=True)
    destination_network = models.CharField(_("destination network"), max_length=49, blank=True)
    destination_asn = models.BigIntegerField(_("destination ASN"), null=True, blank=True)
    destination_fqdn = models.CharField(_("destination FQDN"), max_length=255, blank=True)
    destination_url = models.TextField(_("destination URL"), blank=True)
    destination_port = models.IntegerField(_("destination port"), null=True, blank=True)
    classification_taxonomy = models.CharField(_("taxonomy"), max_length=64, blank=True)
    classification_type = models.CharField(_("type"), max_length=64, blank=True)
    classification_identifier = models.CharField(_("identifier"), max_length=255, blank=True)
    malware_name = models.CharField(_("malware"), max_length=255, blank=True)
    protocol_transport = models.CharField(_("transport"), max_length=16, blank=True)
    protocol_application = models.CharField(_("application protocol"), max_length=64, blank=True)
    feed_name = models.CharField(_("feed"), max_length=100)
    feed_provider = models.CharField(_("provider"), max_length=100, blank=True)
    feed_url = models.TextField(_("feed URL"), blank=True)
    feed_accuracy = models.FloatField(_("accuracy"), null=True, blank=True)
    time_source = models.DateTimeField(_("source time"), null=True, blank=True)
    time_observation = models.DateTimeField(_("observation time"), default=timezone.now)
    event_description_text = models.TextField(_("description"), blank=True)
    tlp = models.CharField(_("TLP"), max_length=20, blank=True)
    extra = models.JSONField(_("extra"), null=True, blank=True)
    raw = models.TextField(_("raw"), blank=True)
    constituency_organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    constituency_sector = models.CharField(_("sector"), max_length=100, blank=True)
    constituency_cert = models.CharField(_("CERT"), max_length=100, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("-time_observation", "-id")
        indexes = (
            models.Index(fields=["-time_observation"], name="intel_ev_time_obs"),
            models.Index(fields=["time_source"], name="intel_ev_time_src"),
            models.Index(fields=["feed_name", "-time_observation"], name="intel_ev_feed"),
            models.Index(fields=["classification_type"], name="intel_ev_class_type"),
            models.Index(fields=["classification_taxonomy"], name="intel_ev_class_tax"),
            models.Index(fields=["source_ip_key"], name="intel_ev_src_ip_key"),
            models.Index(fields=["source_asn"], name="intel_ev_src_asn"),
            models.Index(fields=["source_geolocation_cc"], name="intel_ev_src_cc"),
            models.Index(fields=["source_fqdn"], name="intel_ev_src_fqdn"),
            models.Index(
                fields=["constituency_organisation", "-time_observation"], name="intel_ev_org"
            ),
            models.Index(
                fields=["constituency_sector", "-time_observation"], name="intel_ev_sector"
            ),
            models.Index(fields=["constituency_cert", "-time_observation"], name="intel_ev_cert"),
        )

    def __str__(self) -> str:
        subject = self.source_ip or self.source_fqdn or self.source_url or self.event_hash[:12]
        return f"{self.classification_type or 'event'} {subject}"


class QuarantinedRow(models.Model):
    """A row a parser or validator refused, kept with its line, raw text and reason.

    ``line`` is 0 when the whole report was refused (``ReportError``). Unique on report, line
    and reason, so re-running a report quarantines nothing twice.
    """

    feed_name = models.CharField(_("feed"), max_length=100, db_index=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="quarantined")
    line = models.PositiveIntegerField(_("line"), default=0)
    raw = models.TextField(_("raw"), blank=True)
    reason = models.TextField(_("reason"))
    created = models.DateTimeField(_("quarantined at"), default=timezone.now)

    class Meta:
        ordering = ("report_id", "line")
        constraints = (
            models.UniqueConstraint(
                fields=["report", "line", "reason"], name="intel_quarantine_unique_row"
            ),
        )

    def __str__(self) -> str:
        return f"{self.feed_name} line {self.line}: {self.reason}"
