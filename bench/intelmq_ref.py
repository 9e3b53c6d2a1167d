"""The reference: IntelMQ 3.x bots on the same URLhaus rows, one bot at a time.

Bots are driven the way IntelMQ's own test harness (``intelmq.lib.test.BotTestCase``) drives
them: the runtime configuration is replaced in memory, the in-process ``Pythonlist`` broker
(messages serialized to JSON between bots, as with Redis, but no server) links the queues, and
each ``Bot.start()`` call in testing mode handles exactly one message. Each bot drains its whole
input queue before the next one starts, so every bot is timed on its own; the chain's rate is
rows divided by the sum of the bots' times (one process, no broker round trips: IntelMQ's best
case).

Chain (the URLhaus entry of IntelMQ's ``feeds.yaml`` uses the generic CSV parser):
generic CSV parser → taxonomy → URL → domain suffix → deduplicator (Redis cache) → file output.
The deduplicator is skipped when Redis on 127.0.0.1:6379 does not answer.
"""

from __future__ import annotations

import base64
import importlib
import importlib.resources
import io
import logging
import sys
import time
import types
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

URLHAUS_COLUMNS = [
    "extra.urlhaus_id",
    "time.source",
    "source.url",
    "status",
    "extra.last_online",
    "classification.type",
    "extra.tags",
    "event_description.url",
    "extra.reporter",
]
GLOBAL = {
    "source_pipeline_broker": "pythonlist",
    "destination_pipeline_broker": "pythonlist",
    "logging_handler": "stream",
    "logging_path": None,
    "logging_level": "INFO",
    "rate_limit": 0,
    "error_retry_delay": 0,
    "error_max_retries": 0,
    "error_dump_message": False,
    "testing": True,
}
REDIS_DB = 13  # a database natcert does not use; keys expire after REDIS_TTL seconds
REDIS_TTL = 600


@dataclass(frozen=True)
class BotTiming:
    bot: str
    rows_in: int
    rows_out: int
    seconds: float


def ensure_pkg_resources() -> None:
    """IntelMQ 3.5 imports ``pkg_resources.resource_filename``, which setuptools ≥ 81 no longer
    ships. Provide that one function (from ``importlib.resources``) when it is missing."""
    try:
        importlib.import_module("pkg_resources")
    except ImportError:
        shim = types.ModuleType("pkg_resources")

        def resource_filename(package: str, resource: str) -> str:
            return str(importlib.resources.files(package) / resource)

        shim.resource_filename = resource_filename  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim


def intelmq_available() -> bool:
    ensure_pkg_resources()
    try:
        importlib.import_module("intelmq.lib.bot")
    except ImportError:
        return False
    return True


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except Exception:
        return False


@contextmanager
def _configured(bot_id: str, module: str, parameters: dict[str, Any]) -> Iterator[None]:
    """Replace IntelMQ's runtime configuration and logger factory, as its test harness does."""
    from intelmq.lib import utils

    runtime = {
        "global": GLOBAL,
        bot_id: {"module": module, "name": bot_id, "group": "bench", "parameters": parameters},
    }
    logger = logging.getLogger(f"intelmq-bench.{bot_id}")
    logger.handlers = [logging.StreamHandler(io.StringIO())]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(utils, "get_runtime", lambda: runtime))
        stack.enter_context(mock.patch.object(utils, "log", lambda *a, **k: logger))
        yield


class BotStage:
    """One IntelMQ bot reading ``source`` and writing ``destination`` on the shared broker."""

    def __init__(
        self, name: str, module: str, parameters: dict[str, Any], source: str, destination: str
    ) -> None:
        from intelmq.lib.pipeline import Pythonlist

        self.name, self.module, self.source = name, module, source
        self.bot_id = name.replace("_", "-")
        self.parameters = dict(parameters)
        queues = {"_default": [destination]}
        self.parameters["destination_queues"] = queues
        self.parameters["source_queue"] = source
        with _configured(self.bot_id, module, self.parameters):
            bot_class = importlib.import_module(module).BOT
            self.bot = bot_class(self.bot_id)
        self.pipe = Pythonlist(
            logger=self.bot.logger, pipeline_args={}, load_balance=False, is_multithreaded=False
        )
        self.pipe.set_queues(source, "source")
        self.pipe.set_queues(queues, "destination")
        self.destination = destination

    def drain(self) -> BotTiming:
        """Run the bot until its input queue is empty; time only the bot's own loop."""
        state = self.pipe.state
        rows_in = len(state[self.source])
        with _configured(self.bot_id, self.module, self.parameters):
            started = time.perf_counter()
            for _ in range(rows_in):
                self.bot.start(
                    error_on_pipeline=False,
                    source_pipeline=self.pipe,
                    destination_pipeline=self.pipe,
                )
            seconds = time.perf_counter() - started
            self.bot.stop(exitcode=0)
        is_output = ".outputs." in self.module
        rows_out = rows_in if is_output else len(state[self.destination])
        return BotTiming(self.name, rows_in, rows_out, seconds)


def _report_message(raw: bytes, feed: str) -> str:
    import json

    return json.dumps(
        {
            "__type": "Report",
            "feed.name": feed,
            "feed.provider": "abuse.ch",
            "feed.url": "https://urlhaus.abuse.ch/downloads/csv_recent/",
            "time.observation": "2026-11-02T00:00:00+00:00",
            "raw": base64.b64encode(raw).decode(),
        }
    )


def chain(workdir: Path, *, full: bool) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, module, parameters) of the bots to run: the parser alone, or the whole chain."""
    parser = (
        "parser",
        "intelmq.bots.parsers.generic.parser_csv",
        {
            "columns": URLHAUS_COLUMNS,
            "delimiter": ",",
            "skip_header": False,
            "default_url_protocol": "http://",
            "type_translation": {"malware_download": "malware-distribution"},
        },
    )
    if not full:
        return [parser]
    suffixes = importlib.resources.files("publicsuffixlist") / "public_suffix_list.dat"
    bots = [
        parser,
        ("taxonomy", "intelmq.bots.experts.taxonomy.expert", {}),
        ("url", "intelmq.bots.experts.url.expert", {}),
        (
            "domain_suffix",
            "intelmq.bots.experts.domain_suffix.expert",
            {"field": "fqdn", "suffix_file": str(suffixes)},
        ),
        (
            "deduplicator",
            "intelmq.bots.experts.deduplicator.expert",
            {
                "redis_cache_host": "127.0.0.1",
                "redis_cache_port": 6379,
                "redis_cache_db": REDIS_DB,
                "redis_cache_ttl": REDIS_TTL,
                "filter_type": "blacklist",
                "filter_keys": "raw,time.observation",
            },
        ),
        (
            "file_output",
            "intelmq.bots.outputs.file.output",
            {"file": str(workdir / "intelmq-events.jsonl")},
        ),
    ]
    if not redis_available():
        bots = [bot for bot in bots if bot[0] != "deduplicator"]
    return bots


def run(
    raw: bytes,
    workdir: Path,
    *,
    full: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> list[BotTiming]:
    """Run IntelMQ's bots over the URLhaus report ``raw``; one timing per bot.

    The feed name carries the time of the run so that the deduplicator's Redis keys of an
    earlier run (kept for ``REDIS_TTL`` s) never match this one.
    """
    ensure_pkg_resources()
    from intelmq.lib.pipeline import Pythonlist

    Pythonlist.state.clear()
    feed = f"URLhaus bench {time.time_ns()}"
    bots = chain(workdir, full=full)
    queues = [f"bench-{name}-queue" for name, _, _ in bots] + ["bench-end-queue"]
    stages = [
        BotStage(name, module, params, queues[i], queues[i + 1])
        for i, (name, module, params) in enumerate(bots)
    ]
    Pythonlist.state[queues[0]] = [_report_message(raw, feed).encode()]
    timings = []
    for stage in stages:
        progress(f"IntelMQ {stage.name} …")
        timing = stage.drain()
        if stage.name == "parser":  # the parser reads one report and writes one event per row
            timing = BotTiming(timing.bot, timing.rows_out, timing.rows_out, timing.seconds)
        timings.append(timing)
    Pythonlist.state.clear()
    return timings
