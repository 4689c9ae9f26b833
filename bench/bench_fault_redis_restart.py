#!/usr/bin/env python
"""Fault run: Redis (the Celery broker) is restarted in the middle of an eligibility fan-out.

The shared Redis is never touched: the scenario starts a PRIVATE ``redis-server`` on a free loopback port with
its own ``--dir`` and ``--appendonly yes`` (as docker-compose.yml runs it), and points the worker and this
process at it. ``REDIS_URL`` must still be set (it is checked, so the scenario runs where the others do).

What it does (loopback only, bounded by ``--timeout`` seconds and ``--packages`` checks):

1. Creates the dedicated database ``aix_bench_fault_redis``, migrates it and generates ``--packages`` packages.
2. Starts a real Celery worker on the private Redis, activates a clone of the rule set (fan-out of one check per
   package) and, once ``--restart-at`` of the checks are done, stops Redis — SIGTERM by default (a clean
   restart: Redis writes its append-only file, like ``docker compose restart``), SIGKILL with ``--crash`` — keeps
   it down ``--down`` seconds, and starts it again on the same port and directory.
3. Measures the queue length before and after (did the queued messages survive?), the time until the worker
   completes checks again and until every check is done, then counts the results: one per package × country.
   Celery beat is emulated (the sweeper's service is called every ``--sweep-interval`` s while Redis is up), and
   the eligibility lease is shortened to ``--lease`` s (production: 300 s) so stuck checks are re-run in the bound.

Exit status: 0 when nothing was lost, 1 when something was, 2 when the scenario could not run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/bench_fault_redis_restart.py --packages 150
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _faultkit as kit  # noqa: E402

DB_NAME = "aix_bench_fault_redis"
STEM = Path(__file__).stem


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=int, default=150, help="packages to check (max 5000)")
    parser.add_argument("--restart-at", type=float, default=0.3, help="fraction of checks done at the restart")
    parser.add_argument("--down", type=float, default=3.0, help="seconds Redis stays down")
    parser.add_argument("--crash", action="store_true", help="SIGKILL Redis instead of a clean SIGTERM")
    parser.add_argument(
        "--volatile", action="store_true", help="run Redis without persistence: the restart loses every message"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="prefork processes of the worker")
    parser.add_argument("--lease", type=int, default=15, help="eligibility lease in seconds (production: 300)")
    parser.add_argument("--sweep-interval", type=float, default=2.0, help="seconds between emulated beat sweeps")
    parser.add_argument("--timeout", type=float, default=180.0, help="bound on the whole fan-out, in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    args.packages = max(20, min(args.packages, 5000))
    args.restart_at = min(max(args.restart_at, 0.05), 0.9)
    args.down = min(max(args.down, 0.0), 60.0)
    return args


def main() -> int:
    args = parse_args()
    command = kit.command_line()
    admin_url, bench_url, shared_redis = kit.service_urls(DB_NAME)
    kit.check_redis(shared_redis)
    children = kit.Children()
    redis = kit.PrivateRedis(children, persistent=not args.volatile)
    queue = kit.new_queue("redis")
    kit.recreate_database(admin_url, DB_NAME)
    try:
        redis.start()
        env = kit.base_env(
            bench_url, redis.url, queue,
            AIX_ELIGIBILITY_LEASE_SECONDS=str(args.lease), AIX_ELIGIBILITY_RETRY_SECONDS="1",
        )  # fmt: skip
        kit.django_setup(env)
        measured = run(args, children, env, queue, redis)
    finally:
        children.kill_all()
        redis.cleanup()
        if not args.keep:
            kit.drop_database(admin_url, DB_NAME)
    return report(args, command, measured)


def run(args: argparse.Namespace, children: kit.Children, env: dict[str, str], queue: str, redis) -> dict:  # noqa: ANN001
    from eligibility import services
    from eligibility.models import RuleSet

    package_ids = kit.generate_packages(args.packages)
    clone = services.ruleset_clone(ruleset=RuleSet.objects.get(status="active"), new_version="fault-redis", actor=None)
    kit.start_worker(children, env, queue, "worker", concurrency=args.concurrency)
    sweeper = kit.Sweeper(args.sweep_interval)
    started = time.perf_counter()
    total = services.ruleset_activate(ruleset=clone, actor=None)
    kit.wait_done_at_least(clone.pk, int(total * args.restart_at), started + args.timeout, sweeper)
    queued_before = redis.queue_length(queue)
    redis.stop(signal.SIGKILL if args.crash else signal.SIGTERM)
    stopped_at = time.perf_counter()
    at_stop = kit.check_counts(clone.pk)
    time.sleep(args.down)
    during_down = kit.check_counts(clone.pk)  # the worker finishes what it had already taken
    redis.start()
    back_at = time.perf_counter()
    queued_after = redis.queue_length(queue)
    baseline = kit.check_counts(clone.pk).get("done", 0)
    resumed, finished, final = kit.wait_settled(clone.pk, back_at, baseline, started + args.timeout, sweeper)
    return {
        "total": total, "at_stop": at_stop, "during_down": during_down, "final": final,
        "verified": kit.verify_results(clone.pk, package_ids), "stopped": stopped_at - started,
        "downtime": back_at - stopped_at, "queued_before": queued_before, "queued_after": queued_after,
        "resumed": resumed, "finished": finished, "wall": time.perf_counter() - started,
        "sweeps": sweeper.sweeps, "requeued": sweeper.requeued,
    }  # fmt: skip


def report(args: argparse.Namespace, command: str, m: dict) -> int:
    v, final, at_stop = m["verified"], m["final"], m["at_stop"]
    lost = (m["total"] - final.get("done", 0)) + v["missing"] + v["duplicated"] + v["other_version"]
    ok = lost == 0 and m["finished"] is not None
    remaining = m["total"] - m["during_down"].get("done", 0)
    before_rate = at_stop.get("done", 0) / m["stopped"] if m["stopped"] else 0.0
    how = ("SIGKILL (crash)" if args.crash else "SIGTERM (clean restart)") + (
        ", no persistence" if args.volatile else ", append-only file"
    )

    def secs(value: float | None) -> str:
        return "not reached" if value is None else f"{value:.1f} s"

    table = [
        ("checks (packages)", f"{m['total']:,}"),
        ("Redis stopped", f"{how} at {at_stop.get('done', 0):,} done, {at_stop.get('running', 0)} running, "
                          f"{at_stop.get('pending', 0):,} pending — {m['stopped']:.1f} s into the fan-out"),
        ("Redis down for", f"{m['downtime']:.1f} s (checks done meanwhile: "
                           f"{m['during_down'].get('done', 0) - at_stop.get('done', 0)})"),
        ("messages in the queue before / after", f"{m['queued_before']} / {m['queued_after']}"),
        ("Redis back → checks completing again", secs(m["resumed"])),
        ("Redis back → every check done (recovery)", secs(m["finished"])),
        ("same remaining checks at the pre-fault rate", f"{remaining / before_rate:.1f} s" if before_rate else "—"),
        ("whole fan-out, wall time", f"{m['wall']:.1f} s"),
        ("checks re-run", f"{v['checks_retried']}"),
        ("re-enqueued by the sweeper", f"{m['requeued']} (over {m['sweeps']} sweeps)"),
        ("results expected / stored", f"{v['expected']:,} / {v['rows']:,}"),
        ("missing / duplicated / stale version", f"{v['missing']} / {v['duplicated']} / {v['other_version']}"),
        ("checks done / failed / unfinished", f"{final.get('done', 0):,} / {final.get('failed', 0)} / "
                                              f"{final.get('pending', 0) + final.get('running', 0)}"),
        ("**lost**", f"**{lost}**"),
    ]  # fmt: skip
    kit.print_table(f"Redis restarted mid fan-out: {'OK — nothing lost' if ok else 'FAILED'}", table)
    params = {
        "packages": args.packages, "restart_at": args.restart_at, "down_s": args.down, "crash": args.crash,
        "volatile": args.volatile, "concurrency": args.concurrency, "lease_s": args.lease,
        "sweep_interval_s": args.sweep_interval, "timeout_s": args.timeout,
    }  # fmt: skip
    notes = [
        "A private redis-server (free loopback port, its own --dir, "
        + ("no persistence" if args.volatile else "--appendonly yes as in docker-compose.yml")
        + ") is the broker; the shared Redis is never restarted.",
        "The worker reconnects by itself (Celery's broker connection retry). Checks whose messages were lost or "
        "left unacknowledged are re-enqueued by the eligibility sweeper once their lease passes; Celery beat is "
        f"emulated by calling the sweeper's service every {args.sweep_interval:g} s while Redis is up, and the "
        f"lease is {args.lease} s here (300 s in production).",
    ]
    if m["queued_after"] < m["queued_before"]:
        notes.append(
            f"The restart lost {m['queued_before'] - max(m['queued_after'], 0)} queued messages; the checks they "
            "carried are pending rows in PostgreSQL, re-enqueued by the sweeper once their lease passed."
        )
    kind = ("crash" if args.crash else "clean") + (", no persistence" if args.volatile else "")
    headline = [
        f"Redis restarted ({kind}, down {m['downtime']:.1f} s) mid fan-out: "
        f"**{lost} lost**, checks completing again {secs(m['resumed'])} after Redis was back, all done "
        f"{secs(m['finished'])} after it."
    ]
    kit.write_report(
        STEM, "Fault: Redis restarted mid-run",
        "An eligibility fan-out while the broker (a private Redis with append-only persistence) is stopped and "
        "started again.",
        table, command, params, notes, headline,
    )  # fmt: skip
    if not ok:
        print("FAILED: checks or results were lost (or recovery did not finish in the bound)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    kit.run_main(main)
