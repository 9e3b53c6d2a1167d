"""The benchmark runs end to end on a tiny input and prints its table (no timings checked)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "pipeline.py"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_natcert_stages_print_the_table() -> None:
    done = run_bench("--rows", "2000", "--intelmq-rows", "0")
    assert done.returncode == 0, done.stderr
    assert "events/s" in done.stdout
    for stage in (
        "generate",
        "collect",
        "parse",
        "validate",
        "geo",
        "ownership",
        "dedup",
        "output",
        "end to end",
    ):
        assert stage in done.stdout, stage
    assert "peak RSS" in done.stdout
    assert "0 quarantined" in done.stdout  # every generated row became an event or a duplicate


def test_json_output_names_every_stage() -> None:
    done = run_bench("--rows", "500", "--intelmq-rows", "0", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    stages = {row["stage"] for row in result["stages"]}
    assert {"parse", "validate", "dedup"} <= stages
    assert all(row["rows"] >= 0 for row in result["stages"])


@pytest.mark.skipif(importlib.util.find_spec("intelmq") is None, reason="IntelMQ not installed")
def test_intelmq_reference_runs_on_a_few_rows() -> None:
    done = run_bench("--rows", "300", "--intelmq-rows", "40")
    assert done.returncode == 0, done.stderr
    assert "intelmq  parser" in done.stdout
    assert "speed-up over IntelMQ" in done.stdout
