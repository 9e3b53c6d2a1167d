"""The feed catalogue natcert ships: one YAML file per provider family in this folder.

Each entry::

    - name: abusech-urlhaus-csv          # unique, used on the command line
      provider: abuse.ch
      title: URLhaus recent malware URLs (CSV)
      url: https://urlhaus.abuse.ch/downloads/csv_recent/
      parser: abusech.urlhaus_csv        # a registered parser name
      schedule: 1h                       # how often to fetch (s, m, h, d)
      tlp: TLP:CLEAR
      doc_url: https://urlhaus.abuse.ch/api/
      allow_private: false               # only for feeds on an internal network
      enabled: true                      # false for feeds that need an account or a key
      notes: free text (licence, key needed, ...)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from natcert.lib.tlp import TLP

CATALOGUE_DIR = Path(__file__).parent
_SCHEDULE = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Feed:
    name: str
    provider: str
    title: str
    url: str
    parser: str
    schedule: str
    tlp: str
    doc_url: str
    allow_private: bool = False
    enabled: bool = True
    notes: str = ""

    @property
    def interval_seconds(self) -> int:
        """The schedule in seconds (``1h`` → 3600)."""
        match = _SCHEDULE.match(self.schedule)
        assert match, self.schedule  # checked in load_catalogue
        return int(match.group(1)) * _SECONDS[match.group(2)]


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file, the entry and the field."""


def _feed_from_entry(entry: dict[str, object], where: str) -> Feed:
    try:
        feed = Feed(**entry)  # type: ignore[arg-type]
    except TypeError as exc:
        raise CatalogueError(f"{where}: {exc}") from None
    if not _SCHEDULE.match(feed.schedule):
        raise CatalogueError(f"{where}: schedule {feed.schedule!r} is not like 30m, 1h, 1d")
    try:
        TLP.parse(feed.tlp)
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc}") from None
    return feed


def load_catalogue(directory: Path = CATALOGUE_DIR) -> dict[str, Feed]:
    """Every feed in ``directory/*.yaml`` by name. Raises ``CatalogueError`` on bad entries."""
    feeds: dict[str, Feed] = {}
    for path in sorted(directory.glob("*.yaml")):
        for index, entry in enumerate(yaml.safe_load(path.read_text()) or []):
            feed = _feed_from_entry(entry, f"{path.name} entry {index + 1}")
            if feed.name in feeds:
                raise CatalogueError(f"{path.name}: feed {feed.name!r} is defined twice")
            feeds[feed.name] = feed
    return feeds
