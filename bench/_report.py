"""Small helpers the benchmark scripts share: the report contract of ``bench/run.py`` and database names.

A script run by ``bench/run.py`` sees ``AIX_BENCH_REPORT_DIR`` and writes ``<stem>.md`` (a Markdown fragment
that starts with ``## Title``) and optionally ``<stem>.headline.md`` (1–3 bullet lines) there; run alone, it
only prints. See ``bench/run.py`` for the whole contract.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlparse

#: Exit status of a script that could not run here (a missing tool or service): ``run.py`` reports it as skipped.
EXIT_SKIPPED = 3
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def report_dir() -> Path | None:
    value = os.environ.get("AIX_BENCH_REPORT_DIR")
    return Path(value) if value else None


def db_prefix() -> str:
    """Prefix of every database a benchmark creates (``AIX_BENCH_DB_PREFIX``, default ``aix_bench``)."""
    return os.environ.get("AIX_BENCH_DB_PREFIX") or "aix_bench"


def bench_database_url(suffix: str) -> str:
    """``<prefix>_<suffix>`` on the PostgreSQL server of ``DATABASE_URL``: never the database DATABASE_URL names."""
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    return urlparse(server)._replace(path=f"/{db_prefix()}_{suffix}").geturl()


def ensure_database(url: str, *, recreate: bool = False) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def command_line(env_names: Iterable[str] = ()) -> str:
    """The command that reproduces this run: the relevant environment variables, then the script and its arguments."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_text = str(script.relative_to(Path.cwd()))
    except ValueError:
        script_text = f"bench/{script.name}"
    env = [f"{name}={shlex.quote(os.environ[name])}" for name in env_names if os.environ.get(name)]
    return " ".join([*env, ".venv/bin/python", script_text, *map(shlex.quote, sys.argv[1:])])


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    """A Markdown table; ``align`` is one letter per column, ``l`` or ``r`` (default: first left, others right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def params_block(params: dict[str, object]) -> str:
    return "Parameters: " + "; ".join(f"{key} = {value}" for key, value in params.items()) + "."


def write(
    title: str,
    body: Sequence[str],
    *,
    params: dict[str, object],
    env_names: Iterable[str] = (),
    headline: Sequence[str] = (),
    stem: str | None = None,
) -> None:
    """Write this script's fragment (and headline bullets) when run by ``bench/run.py``; a no-op otherwise."""
    folder = report_dir()
    if folder is None:
        return
    stem = stem or Path(sys.argv[0]).stem
    parts = [f"## {title}", f"Command: `{command_line(env_names)}`", params_block(params), *body]
    (folder / f"{stem}.md").write_text("\n\n".join(part.strip("\n") for part in parts) + "\n")
    if headline:
        (folder / f"{stem}.headline.md").write_text("\n".join(f"- {line}" for line in headline[:3]) + "\n")
