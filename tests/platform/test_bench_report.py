"""``bench/run.py``'s report contract: fragments and headlines gathered in order, skips and failures reported."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_run", None)


SCRIPTS = {
    "bench_a.py": """
import os, pathlib
folder = pathlib.Path(os.environ["AIX_BENCH_REPORT_DIR"])
(folder / "bench_a.md").write_text("## Alpha\\n\\n| x |\\n|---|\\n| 1 |\\n")
(folder / "bench_a.headline.md").write_text("- alpha is fast\\n")
print("alpha done")
""",
    "bench_b.py": """
import sys
print("skipped: no frobnicator on this machine")
sys.exit(3)
""",
    "bench_c.py": """
import os, pathlib
(pathlib.Path(os.environ["AIX_BENCH_REPORT_DIR"]) / "bench_c.md").write_text("## Gamma\\n\\nlost: 2\\n")
raise SystemExit("2 submissions lost")
""",
}


def test_run_py_gathers_fragments_in_order_and_reports_skips_and_failures(run, tmp_path):
    for name, text in SCRIPTS.items():
        (tmp_path / name).write_text(text)
    folder, logs = tmp_path / "report", tmp_path / "logs"
    folder.mkdir()
    logs.mkdir()

    outcomes = run.run_all(sorted(tmp_path.glob("bench_*.py")), folder, timeout=60, log_dir=logs)
    now = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    report = run.assemble(outcomes, info={"CPU": "test CPU", "commit": "abc123"}, started_at=now, finished_at=now,
                          load_before="1.00", load_after="2.00")  # fmt: skip

    assert [o.status for o in outcomes] == ["done", "skipped", "failed"]
    assert "- **CPU**: test CPU" in report and "1.00 before, 2.00 after" in report and "commit abc123" in report
    assert "- alpha is fast" in report.split("## Scripts")[0]
    assert report.index("## Alpha") < report.index("## `bench/bench_b.py` — skipped") < report.index("## Gamma")
    assert "**Skipped**: skipped: no frobnicator on this machine" in report
    assert "## Gamma — failed" in report and "2 submissions lost" in report and "lost: 2" in report
    assert (logs / "bench_a.log").read_text().strip() == "alpha done"


def test_run_py_stops_a_script_that_outlives_its_bound_and_the_servers_it_started(run, tmp_path):
    script = tmp_path / "bench_slow.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )

    status, _seconds, lines = run.run_script(script, {}, timeout=3, log_dir=tmp_path)

    assert status == "failed"
    assert "bound" in lines[-1]
    child = int(lines[0])
    stat = Path(f"/proc/{child}/stat")

    def gone() -> bool:  # gone, or a reaped-soon zombie
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except FileNotFoundError:
            return True

    # The signal was sent before run_script returned; on a loaded machine the child may take a moment to act on it.
    for _ in range(50):
        if gone():
            break
        time.sleep(0.1)
    assert gone()


@pytest.mark.parametrize(
    "name", ["bench_fault_pg_drop.py", "bench_fault_redis_restart.py", "bench_fault_worker_kill.py"]
)
def test_a_fault_scenario_without_reachable_services_is_reported_as_skipped_with_the_reason_last(run, tmp_path, name):
    unreachable = {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x", "REDIS_URL": "redis://127.0.0.1:1/0"}

    status, _seconds, lines = run.run_script(ROOT / "bench" / name, unreachable, timeout=60, log_dir=tmp_path)

    assert status == "skipped"
    assert lines[-1].startswith("skipped: Redis at redis://127.0.0.1:1/0 does not answer")
