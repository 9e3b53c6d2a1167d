"""Collect reports from local files: one file, or every file in a directory.

Each file becomes one :class:`~natcert.pipeline.report.Report` holding its bytes exactly
(``name`` = file name, ``url`` = its ``file://`` URI). Hidden files (``.name``) and
sub-directories of a directory are skipped; files are taken in name order.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from natcert.pipeline.collectors import CollectorError
from natcert.pipeline.report import Report

DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def collect_file(
    path: Path, *, feed: str, provider: str = "", max_bytes: int = DEFAULT_MAX_BYTES
) -> Report:
    """One report from ``path``. Raises ``CollectorError`` if it is missing, unreadable or
    larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CollectorError(f"{path}: {size} bytes is more than the {max_bytes}-byte limit")
        raw = path.read_bytes()
    except OSError as exc:
        raise CollectorError(f"cannot read {path}: {exc.strerror or exc}") from None
    media_type = mimetypes.guess_type(path.name)[0] or ""
    return Report(
        feed=feed,
        raw=raw,
        provider=provider,
        url=path.resolve().as_uri(),
        name=path.name,
        media_type=media_type,
    )


def collect_path(
    path: Path, *, feed: str, provider: str = "", max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Report]:
    """Reports for ``path``: itself if it is a file, else every visible file directly in it.

    Raises ``CollectorError`` if ``path`` does not exist or a file cannot be read.
    """
    if path.is_file():
        return [collect_file(path, feed=feed, provider=provider, max_bytes=max_bytes)]
    if not path.is_dir():
        raise CollectorError(f"{path} is neither a file nor a directory")
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [collect_file(p, feed=feed, provider=provider, max_bytes=max_bytes) for p in files]
