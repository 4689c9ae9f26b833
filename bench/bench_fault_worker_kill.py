#!/usr/bin/env python
"""Fault run: the Celery worker is SIGKILLed in the middle of an eligibility fan-out.

What it does (loopback only, bounded by ``--timeout`` seconds of recovery and ``--packages`` checks):

1. Creates the dedicated database ``aix_bench_fault_worker`` on the server of ``DATABASE_URL``, migrates it (the
   migrations seed the countries and the active EAR rule set) and generates ``--packages`` packages.
2. Starts a real Celery worker (prefork, ``--concurrency``) on a private queue of ``REDIS_URL``, activates a clone
   of the rule set — which fans out one check per package after commit — and, once ``--kill-at`` of the checks
   are done, SIGKILLs the worker's whole process group, as a crash or an OOM kill would.
3. Starts a new worker at once (as ``restart: unless-stopped`` would) and waits until no check is pending or
   running. Celery beat is emulated: this script calls the sweeper task's service every ``--sweep-interval``
   seconds (beat runs it every 60 s in production). The eligibility lease is shortened to ``--lease`` seconds
   through the environment the worker reads, so checks the dead worker had claimed are re-run in the bound
   (production: 300 s lease, so the worst case there is about lease + one sweep interval).
4. Counts the results: exactly one per package × country, none missing, none duplicated, all of the new version.

Exit status: 0 when nothing was lost, 1 when something was, 2 when the scenario could not run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/bench_fault_worker_kill.py --packages 300
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _faultkit as kit  # noqa: E402

DB_NAME = "aix_bench_fault_worker"
STEM = Path(__file__).stem


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=int, default=150, help="packages to check (max 5000)")
    parser.add_argument("--kill-at", type=float, default=0.3, help="fraction of checks done when the worker dies")
    parser.add_argument("--concurrency", type=int, default=2, help="prefork processes per worker")
    parser.add_argument("--lease", type=int, default=15, help="eligibility lease in seconds (production: 300)")
    parser.add_argument("--sweep-interval", type=float, default=2.0, help="seconds between emulated beat sweeps")
    parser.add_argument("--timeout", type=float, default=180.0, help="bound on the whole fan-out, in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    args.packages = max(20, min(args.packages, 5000))
    args.kill_at = min(max(args.kill_at, 0.05), 0.9)
    return args


def main() -> int:
    args = parse_args()
    command = kit.command_line()
    admin_url, bench_url, redis_url = kit.service_urls(DB_NAME)
    kit.check_redis(redis_url)
    queue = kit.new_queue("kill")
    env = kit.base_env(
        bench_url, redis_url, queue,
        AIX_ELIGIBILITY_LEASE_SECONDS=str(args.lease), AIX_ELIGIBILITY_RETRY_SECONDS="1",
    )  # fmt: skip
    kit.recreate_database(admin_url, DB_NAME)
    children = kit.Children()
    try:
        kit.django_setup(env)
        measured = run(args, children, env, queue)
    finally:
        children.kill_all()
        kit.delete_queue(queue, redis_url)
        if not args.keep:
            kit.drop_database(admin_url, DB_NAME)
    return report(args, command, measured)


def run(args: argparse.Namespace, children: kit.Children, env: dict[str, str], queue: str) -> dict:
    from eligibility import services
    from eligibility.models import RuleSet

    package_ids = kit.generate_packages(args.packages)
    clone = services.ruleset_clone(ruleset=RuleSet.objects.get(status="active"), new_version="fault-kill", actor=None)
    first = kit.start_worker(children, env, queue, "first", concurrency=args.concurrency)
    sweeper = kit.Sweeper(args.sweep_interval)
    started = time.perf_counter()
    total = services.ruleset_activate(ruleset=clone, actor=None)  # the fan-out, after commit
    kit.wait_done_at_least(clone.pk, int(total * args.kill_at), started + args.timeout, sweeper)
    # Kill while a check is claimed (running), so the run also tests a check stranded with the dead worker.
    kit.wait_for(lambda: kit.check_counts(clone.pk).get("running", 0) > 0, timeout=10, interval=0.02)
    kit.kill_group(first, signal.SIGKILL)
    killed_at = time.perf_counter()
    at_kill = kit.check_counts(clone.pk)
    kit.start_worker(children, env, queue, "second", concurrency=args.concurrency)
    ready = time.perf_counter() - killed_at
    resumed, finished, final = kit.wait_settled(
        clone.pk, killed_at, at_kill.get("done", 0), started + args.timeout, sweeper
    )
    after = (finished or time.perf_counter() - killed_at) - (resumed or ready)
    return {
        "total": total, "at_kill": at_kill, "final": final, "verified": kit.verify_results(clone.pk, package_ids),
        "killed": killed_at - started, "ready": ready, "resumed": resumed, "finished": finished,
        "wall": time.perf_counter() - started, "before_rate": at_kill.get("done", 0) / (killed_at - started),
        "after_rate": (final.get("done", 0) - at_kill.get("done", 0)) / after if after > 0 else 0.0,
        "sweeps": sweeper.sweeps, "requeued": sweeper.requeued,
    }  # fmt: skip


def report(args: argparse.Namespace, command: str, m: dict) -> int:
    v, final, at_kill = m["verified"], m["final"], m["at_kill"]
    lost_checks = m["total"] - final.get("done", 0)
    lost = lost_checks + v["missing"] + v["duplicated"] + v["other_version"]
    ok = lost == 0 and m["finished"] is not None
    remaining = m["total"] - at_kill.get("done", 0)
    expected = f"{remaining / m['before_rate']:.1f} s" if m["before_rate"] else "—"

    def secs(value: float | None) -> str:
        return "not reached" if value is None else f"{value:.1f} s"

    table = [
        ("checks (packages)", f"{m['total']:,}"),
        ("killed at", f"{at_kill.get('done', 0):,} done, {at_kill.get('running', 0)} running, "
                      f"{at_kill.get('pending', 0):,} pending — {m['killed']:.1f} s into the fan-out"),
        ("new worker ready after", secs(m["ready"])),
        ("kill → checks completing again", secs(m["resumed"])),
        ("kill → every check done (recovery)", secs(m["finished"])),
        ("same remaining checks at the pre-kill rate", expected),
        ("whole fan-out, wall time", f"{m['wall']:.1f} s"),
        ("throughput before / after the kill", f"{m['before_rate']:.1f} / {m['after_rate']:.1f} checks/s"),
        ("checks re-run (claimed by the dead worker)", f"{v['checks_retried']}"),
        ("re-enqueued by the sweeper", f"{m['requeued']} (over {m['sweeps']} sweeps)"),
        ("results expected / stored", f"{v['expected']:,} / {v['rows']:,}"),
        ("missing / duplicated / stale version", f"{v['missing']} / {v['duplicated']} / {v['other_version']}"),
        ("checks done / failed / unfinished", f"{final.get('done', 0):,} / {final.get('failed', 0)} / "
                                              f"{final.get('pending', 0) + final.get('running', 0)}"),
        ("**lost**", f"**{lost}**"),
    ]  # fmt: skip
    kit.print_table(f"worker SIGKILLed mid fan-out: {'OK — nothing lost' if ok else 'FAILED'}", table)
    params = {
        "packages": args.packages, "kill_at": args.kill_at, "concurrency": args.concurrency, "lease_s": args.lease,
        "sweep_interval_s": args.sweep_interval, "timeout_s": args.timeout,
    }  # fmt: skip
    notes = [
        "The worker's whole process group gets SIGKILL (no warm shutdown); a new worker starts at once.",
        "Messages the dead worker had reserved stay unacknowledged in Redis until the visibility timeout "
        "(600 s); the eligibility sweeper re-enqueues their check rows as soon as the lease passes, so recovery "
        f"here is bounded by the shortened lease ({args.lease} s). In production (lease 300 s, beat sweep 60 s) "
        "the same checks finish within about six minutes; nothing is lost either way.",
        "Celery beat is emulated by calling the sweeper's service from the bench process every "
        f"{args.sweep_interval:g} s.",
    ]
    headline = [
        f"Worker SIGKILLed at {at_kill.get('done', 0)}/{m['total']} checks: **{lost} lost**, "
        f"checks completing again {secs(m['resumed'])} after the kill, all done {secs(m['finished'])} after it "
        f"(lease {args.lease} s)."
    ]
    kit.write_report(
        STEM, "Fault: worker killed mid fan-out",
        "An eligibility fan-out (one check per package, each writing a result per country) while the Celery "
        "worker is SIGKILLed; a new worker takes over.",
        table, command, params, notes, headline,
    )  # fmt: skip
    if not ok:
        print("FAILED: checks or results were lost (or recovery did not finish in the bound)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    kit.run_main(main)
