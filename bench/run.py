#!/usr/bin/env python
"""Run every benchmark scenario (``bench/bench_*.py``) in turn and print their figures.

Each scenario is a script a person can also run alone. They need PostgreSQL and Redis
(DATABASE_URL, REDIS_URL) and send traffic to loopback only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scenarios = sorted(HERE.glob("bench_*.py"))
    if not scenarios:
        print("no benchmark scenarios yet")
        return 0
    failed = 0
    for script in scenarios:
        print(f"\n=== {script.name} ===", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
