"""Run the whole suite the way CI does: on SQLite, then the database tests on PostgreSQL.

Usage: ``python -m natcert.devtools.testrun [PYTEST ARGS...]``. PostgreSQL is taken from
``NATCERT_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``); if it
cannot be reached the run fails (set ``NATCERT_SKIP_POSTGRES=1`` to skip it on purpose).
Exit status: non-zero if any run failed; pytest's "no tests collected" counts as failure.
"""

from __future__ import annotations

import os
import subprocess
import sys

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _pytest(args: list[str], env: dict[str, str], label: str) -> int:
    print(f"\n=== natcert tests on {label} ===", flush=True)
    command = [sys.executable, "-m", "pytest", *args]
    return subprocess.call(command, env=env)  # noqa: S603 — fixed interpreter and args


def _postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            return True
    except psycopg.Error as exc:
        print(f"PostgreSQL at {url} is not reachable: {exc}", file=sys.stderr)
        return False


def main(argv: list[str]) -> int:
    base_env = dict(os.environ)
    base_env.pop("NATCERT_DATABASE_URL", None)
    workers = ["-n", "2"] if "-n" not in argv else []
    status = _pytest([*workers, *argv], base_env, "SQLite")
    if os.environ.get("NATCERT_SKIP_POSTGRES") == "1":
        print("PostgreSQL run skipped (NATCERT_SKIP_POSTGRES=1)")
        return status
    url = os.environ.get("NATCERT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    if not _postgres_reachable(url):
        return status or 1
    pg_env = {**base_env, "NATCERT_DATABASE_URL": url}
    pg_status = _pytest([*workers, "-m", "db", *argv], pg_env, "PostgreSQL")
    return status or pg_status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
