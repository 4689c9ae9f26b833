#!/usr/bin/env python
"""Run every benchmark scenario (``bench/bench_*.py``) and write the report ``docs/benchmarks.md``.

``make bench`` runs this. It needs PostgreSQL (``DATABASE_URL``; the scripts create their own databases on that
server, named ``<AIX_BENCH_DB_PREFIX>_*``, default ``aix_bench_*``, never touching the one DATABASE_URL names)
and Redis (``REDIS_URL``), and ``wrk`` (installed with apt-get when missing and running as root). Every
request goes to loopback.

The report contract (every ``bench/bench_*.py`` follows it):

1. ``run.py`` sets ``AIX_BENCH_REPORT_DIR`` to a fresh temporary folder and runs every ``bench/bench_*.py`` in
   sorted order, one at a time, each in its own process, with the environment it was given (so the scripts'
   own variables scale them up or down). Each script is also runnable alone and then only prints its figures.
2. A script that sees ``AIX_BENCH_REPORT_DIR`` writes there ``<script stem>.md``: a Markdown fragment that
   starts with a ``## Title`` heading (its subsections use ``###``) and holds its tables, its exact command
   line and its parameters. It may also write ``<script stem>.headline.md``: 1–3 Markdown bullet lines
   (``- ...``) for the report's "Headline figures".
3. Exit status: 0 = done; 3 = skipped (could not run here, e.g. a missing tool — the reason is the last line it
   printed); anything else = failed. A script that runs longer than ``AIX_BENCH_SCRIPT_TIMEOUT`` seconds
   (default 1800) is stopped (with every process it started) and counts as failed.
4. ``run.py`` assembles ``docs/benchmarks.md`` = title + date + machine (CPU model, cores, RAM, OS, Python,
   PostgreSQL and Redis versions, load average before and after) + "Headline figures" (every headline file,
   in script order) + a table of the scripts with their status and duration + every fragment in order. A
   skipped or failed script gets a section saying so with the reason (the tail of its output); a failed
   script's own fragment, if it wrote one, follows. Each script's full output is kept in ``var/bench/``.
5. ``run.py`` exits non-zero if a script failed (a skipped one does not fail the run).

Options: ``--only SUBSTRING`` (repeatable) runs the matching scripts only; ``--output PATH`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXIT_SKIPPED = 3
TAIL_LINES = 25


def ensure_wrk() -> str:
    """Install wrk (a Debian package) when it is missing and we may; return a note for the log."""
    if shutil.which("wrk"):
        return ""
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it with apt-get (Debian package wrk)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, stdout=subprocess.DEVNULL)
    if shutil.which("wrk"):
        return ""
    return "wrk is not installed and could not be installed (run `apt-get install -y wrk` as root)"


def server_url() -> str:
    """The ``postgres`` database on DATABASE_URL's server: the scripts only need the server."""
    from urllib.parse import urlparse

    return urlparse(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()


def check_services() -> str | None:
    """A clear message when DATABASE_URL / REDIS_URL are missing or unreachable, else None."""
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url.startswith("redis"):
        return (
            "make bench needs PostgreSQL and Redis:\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 make bench\n"
            "(the benchmarks create their own databases aix_bench_* on that PostgreSQL server; "
            f"got DATABASE_URL={database_url or '(unset)'!r}, REDIS_URL={redis_url or '(unset)'!r})"
        )
    try:
        import psycopg
        import redis

        psycopg.connect(server_url(), connect_timeout=5).close()
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach a service is reported the same way
        return f"cannot reach PostgreSQL or Redis ({type(exc).__name__}: {exc})"
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, str]:
    def field(path: str, prefix: str, sep: str) -> str | None:
        return next((ln.split(sep, 1)[1].strip() for ln in _read(path).splitlines() if ln.startswith(prefix)), None)

    cpu = field("/proc/cpuinfo", "model name", ":") or platform.processor() or platform.machine()
    mem_kb = int((field("/proc/meminfo", "MemTotal", ":") or "0 kB").split()[0])
    os_name = (field("/etc/os-release", "PRETTY_NAME", "=") or platform.system()).strip('"')
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    info = {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} logical ({affinity} usable by this process)",
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "OS": f"{os_name}, Linux {platform.release()}" if platform.system() == "Linux" else os_name,
        "Python": platform.python_version(),
        "PostgreSQL": "unknown",
        "Redis": "unknown",
    }
    try:
        import psycopg

        with psycopg.connect(server_url(), connect_timeout=5) as conn:
            info["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # noqa: BLE001
        info["PostgreSQL"] = f"unknown ({exc})"
    try:
        import redis

        info["Redis"] = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).info("server")[
            "redis_version"
        ]
    except Exception as exc:  # noqa: BLE001
        info["Redis"] = f"unknown ({exc})"
    tools = []
    for name, cmd in (("wrk", ["wrk", "--version"]), ("gunicorn", [sys.executable, "-m", "gunicorn", "--version"])):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            tools.append((out.stdout or out.stderr).strip().splitlines()[0])
        except (OSError, IndexError, subprocess.SubprocessError):
            tools.append(f"{name} missing")
    try:
        import django

        tools.append(f"Django {django.get_version()}")
    except ImportError:
        pass
    info["tools"] = "; ".join(tools)
    try:
        info["commit"] = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        info["commit"] = "unknown"
    return info


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (from /proc; empty where there is no /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def run_script(script: Path, env: dict[str, str], timeout: float, log_dir: Path) -> tuple[str, float, list[str]]:
    """Run one scenario, echoing its output; return its status (done/skipped/failed), seconds, output lines."""
    print(f"\n=== {script.name} ===", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    proc = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, bufsize=1, start_new_session=True,
    )  # fmt: skip
    timed_out = False

    def kill_group() -> None:
        nonlocal timed_out
        timed_out = True
        # Servers and workers a script started in sessions of their own are not in its process group.
        for pid in [*descendants(proc.pid), proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill_group)
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line.rstrip("\n"))
        code = proc.wait()
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    (log_dir / f"{script.stem}.log").write_text("\n".join(lines) + "\n")
    if timed_out:
        lines.append(f"stopped after the {timeout:.0f} s bound (AIX_BENCH_SCRIPT_TIMEOUT) and counted as failed")
        return "failed", elapsed, lines
    if code == 0:
        return "done", elapsed, lines
    if code == EXIT_SKIPPED:
        return "skipped", elapsed, lines
    last = next((line for line in reversed(lines) if line.strip()), "no output")
    lines.append(f"exit status {code}; last line: {last}")
    return "failed", elapsed, lines


@dataclass
class Outcome:
    """What one scenario script left: its status, duration, output lines and the files of the report contract."""

    name: str
    status: str  # done / skipped / failed
    seconds: float
    lines: list[str]
    fragment: str = ""
    headline: str = ""


def run_all(scripts: list[Path], folder: Path, timeout: float, log_dir: Path) -> list[Outcome]:
    env = {**os.environ, "AIX_BENCH_REPORT_DIR": str(folder), "PYTHONUNBUFFERED": "1"}
    outcomes = []
    for script in scripts:
        status, seconds, lines = run_script(script, env, timeout, log_dir)
        fragment_path, headline_path = folder / f"{script.stem}.md", folder / f"{script.stem}.headline.md"
        outcomes.append(
            Outcome(
                script.name, status, seconds, lines,
                fragment_path.read_text() if fragment_path.exists() else "",
                headline_path.read_text().strip() if headline_path.exists() else "",
            )
        )  # fmt: skip
        print(f"--- {script.name}: {status} in {seconds:.0f} s", flush=True)
    return outcomes


def section_for(outcome: Outcome) -> list[str]:
    """The report's section of one script: its fragment, or a section saying it was skipped or failed, and why."""
    fragment = outcome.fragment.strip()
    if outcome.status == "done" and fragment:
        return [fragment]
    lines = outcome.lines
    if outcome.status == "done":
        reason = "The script finished but wrote no report fragment. Its last output:"
    elif outcome.status == "skipped":
        reason = "**Skipped**: " + (lines[-1] if lines else "no reason given") + ". Its last output:"
    else:
        reason = f"**Failed**: {lines[-1] if lines else 'no output'}. The tail of its output:"
    tail = "\n".join(lines[-TAIL_LINES:]) or "(no output)"
    if not fragment:
        return [f"## `bench/{outcome.name}` — {outcome.status}", f"Command: `.venv/bin/python bench/{outcome.name}`",
                reason, f"```\n{tail}\n```"]  # fmt: skip
    title, _, body = fragment.partition("\n")
    title = title[3:].strip() if title.startswith("## ") else outcome.name
    return [f"## {title} — {outcome.status}", reason, f"```\n{tail}\n```", body.strip()]


def assemble(outcomes: list[Outcome], *, info: dict[str, str], started_at: dt.datetime, finished_at: dt.datetime,
             load_before: str, load_after: str) -> str:  # fmt: skip
    """The whole report, in Markdown."""
    info = dict(info)
    total = sum(o.seconds for o in outcomes)
    out: list[str] = [
        "# Benchmark report",
        "Generated by `make bench` (`bench/run.py`); do not edit by hand — rerun the command. Every request went "
        "to loopback; absolute figures depend on the machine and its load, so the catalog figures are also given "
        "as ratios to a trivial Django view served by the same server in the same run.",
        f"Date: {started_at:%Y-%m-%d %H:%M} – {finished_at:%H:%M} UTC; the scripts took {total / 60:.1f} min in "
        f"total (commit {info.pop('commit', 'unknown')}).",
        "## Machine",
        "\n".join(f"- **{key}**: {value}" for key, value in info.items())
        + f"\n- **load average** (1/5/15 min): {load_before} before, {load_after} after",
        "## Headline figures",
    ]
    headlines = [o.headline for o in outcomes if o.headline]
    headlines += [f"- **bench/{o.name} {o.status}** (see its section)." for o in outcomes if o.status != "done"]
    out.append("\n".join(headlines) if headlines else "_No script wrote a headline._")
    out.append("## Scripts")
    out.append(
        "| script | status | seconds |\n|---|---|---:|\n"
        + "\n".join(f"| `bench/{o.name}` | {o.status} | {o.seconds:.0f} |" for o in outcomes)
    )
    for outcome in outcomes:
        out += section_for(outcome)
    return "\n\n".join(part for part in out if part) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="run only scripts whose name contains this")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    problem = check_services()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    wrk_note = ensure_wrk()
    if wrk_note:
        print(wrk_note, file=sys.stderr)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(part in s.name for part in args.only)]
    if not scripts:
        print("no benchmark scenarios found")
        return 1

    started_at = dt.datetime.now(dt.UTC)
    load_before = loadavg()
    info = machine()
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    timeout = float(os.environ.get("AIX_BENCH_SCRIPT_TIMEOUT", "1800"))
    with tempfile.TemporaryDirectory(prefix="aix-bench-report-") as folder:
        outcomes = run_all(scripts, Path(folder), timeout, log_dir)
    report = assemble(outcomes, info=info, started_at=started_at, finished_at=dt.datetime.now(dt.UTC),
                      load_before=load_before, load_after=loadavg())  # fmt: skip
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    not_done = [o for o in outcomes if o.status != "done"]
    print(f"\nwrote {output} ({sum(o.seconds for o in outcomes) / 60:.1f} min; {len(not_done)} not done)")
    return 1 if any(o.status == "failed" for o in not_done) else 0


if __name__ == "__main__":
    sys.exit(main())
