"""The load test (issue 17): many people at once on Loa's production stack, on loopback.

The stack is started from the repo's deploy files (scripts/production_stack.py, shared with the
production smoke test): nginx (HTTPS, deploy/nginx/loa.conf) → one gunicorn with
deploy/systemd/loa-web.service's command line (production settings, DEBUG off) → PostgreSQL
(DATABASE_URL: the synthetic national tree, 130,000 CĐCS), Redis (cache and Celery broker), one
Celery worker and beat (their units' command lines) sending mail to a local SMTP server (aiosmtpd).
The data is made first by bench/load_data.py, in a process of its own. Locust (requirements-bench.txt)
drives the users headless, from bench/load_users.py, in a process of its own.

Runs (each may be chosen alone; `--all` runs them in this order):
  --steady    50 users with 1–5 s think time for 5 minutes (goals: p95 < 300 ms, p99 < 1 s, 0 errors);
  --curve     users stepped up with no think time, each step a minute: users → requests/s, p50/p99,
              and the CPU each server used, up to saturation (goal: ≥ 100 requests/s at p99 < 1 s);
  --outbox    the deadline day's morning reminder run (`manage.py send_reminders`) queued for every
              missing unit and delivered by the worker to the SMTP server (goal: ≥ 50 messages/s, each
              recipient exactly once);
  --deadline  the deadline day's busiest hour at 10× speed: one-tap links from those reminders
              opened and the reports filed, while the officers, editors, admins and leaders of the
              mix go on (needs --outbox first, in the same run, for the links).
Every run records the largest request time (goal: none over 5 s) and the machine's load average.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_load .venv/bin/python bench/load.py --all
    # short runs: --steady --minutes 1 --users 20;  --curve --steps 2,4,8 --step-seconds 30;
    # --outbox --deadline --missing 2000 --replay-minutes 1;  --serve keeps the stack up to look at.

Prints a table with each goal met or missed and writes bench/out/load.json. Ports 8200 (HTTPS),
8201 (HTTP), 8202 (gunicorn), 2600 (SMTP) and Redis databases 6 (cache) and 7 (broker) by default
(--port-base, --smtp-port, --redis-db). The log-in throttle is not tripped: each locust user signs
in once, with its own account, and never with a wrong password (docs/performance.md).
"""

import argparse
import contextlib
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from scripts.production_stack import (
    Stack,
    StackFailure,
    certificate,
    new_workdir,
    ports_free,
    prepare,
    redis_flush,
    start_servers,
    start_worker,
)

GOALS = {
    "steady_p95_ms": 300,
    "steady_p99_ms": 1000,
    "throughput_rps": 100,
    "curve_p99_ms": 1000,
    "outbox_per_s": 50,
    "max_ms": 5000,
}
# The deadline day's busiest hour, nationally (docs/performance.md, "Under load"): of 130,000 CĐCS,
# 20 % have not filed on the deadline day's morning (26,000: the reminder run), three quarters of
# those file that day, and the busiest hour takes a quarter of the day's filings.
MISSING_ON_THE_MORNING = 26_000
FILED_THAT_DAY = 0.75
BUSIEST_HOUR_SHARE = 0.25
SPEED_UP = 10


def say(text):
    print(text, flush=True)


def load_average():
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- CPU per server --------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by each server of the stack between `start()` and `stop()`, as % of one core:
    gunicorn, nginx, the Celery worker, PostgreSQL's backends of this database, Redis, and locust."""

    def __init__(self, stack, database_url):
        self.stack, self.database_url = stack, database_url
        self.database = database_url.rsplit("/", 1)[1]

    def _groups(self):
        import psutil

        groups = {}
        for name in self.stack.processes:
            try:
                root = psutil.Process(self.stack.pid(name))
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            key = name.split("-")[0]
            groups.setdefault(key, []).extend(procs)
        for proc in psutil.process_iter(["name", "cmdline"]):
            cmd = " ".join(proc.info["cmdline"] or [])
            if cmd.startswith("postgres:") and f" {self.database} " in cmd:
                groups.setdefault("postgres", []).append(proc)
            elif (proc.info["name"] or "").startswith("redis-server"):
                groups.setdefault("redis", []).append(proc)
            elif "bin/locust" in cmd:
                groups.setdefault("locust", []).append(proc)
        return groups

    def _sample(self):
        import psutil

        roots = {self.stack.pid(name) for name in self.stack.processes}
        seen = {}
        for group, procs in self._groups().items():
            for proc in procs:
                with contextlib.suppress(psutil.Error):  # gone since listed
                    t = proc.cpu_times()
                    cpu = t.user + t.system
                    if proc.pid in roots:  # with its children that ended (gunicorn's --max-requests)
                        cpu += t.children_user + t.children_system
                    seen[proc.pid] = (group, cpu)
        return seen

    def start(self):
        import threading

        self.started, self.first = time.monotonic(), self._sample()
        self.waits, self.samples, self.sampling = {}, 0, True
        self.sampler = threading.Thread(target=self._sample_waits, daemon=True)
        self.sampler.start()

    def _sample_waits(self):
        """What this database's busy backends are doing, twice a second: running ("CPU") or waiting
        (a lock, I/O, the client…), from pg_stat_activity."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while self.sampling:
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity"
                    " WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()"
                ).fetchall()
                for (what,) in rows:
                    self.waits[what] = self.waits.get(what, 0) + 1
                self.samples += 1
                time.sleep(0.5)

    def stop(self):
        """{"cpu_pct": {server: % of one core}, "pg_active": {what: busy backends on average}}."""
        wall, last = time.monotonic() - self.started, self._sample()
        self.sampling = False
        self.sampler.join(timeout=5)
        used = {}
        for pid, (group, cpu) in last.items():
            used[group] = used.get(group, 0.0) + cpu - self.first.get(pid, (group, 0.0))[1]
        return {
            "cpu_pct": {group: round(100 * seconds / wall) for group, seconds in sorted(used.items())},
            "pg_active": {
                what: round(n / max(self.samples, 1), 2)
                for what, n in sorted(self.waits.items(), key=lambda kv: -kv[1])
            },
        }


# --- Locust ----------------------------------------------------------------------------------


def run_locust(args, work, name, *, users, seconds, think, mix, steps=None, extra_env=None, spawn_rate=None):
    """Locust headless in a process of its own; returns the requests it recorded
    [(time, name, ms, ok, status)] and its own summary lines."""
    records = work / f"{name}.records.tsv"
    records.unlink(missing_ok=True)
    env = dict(
        os.environ,
        LOAD_SITE=args.site,
        LOAD_DATA=str(work / "data.json"),
        LOAD_PASSWORD=args.password,
        LOAD_RECORDS=str(records),
        LOAD_THINK=",".join(map(str, think)),
        LOAD_MIX=mix,
        **(extra_env or {}),
    )
    if steps:
        env["LOAD_STEPS"] = ",".join(f"{u}:{s}" for u, s in steps)
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(HERE / "load_users.py"),
        "--headless",
        "--host",
        args.site,
        "--only-summary",
        "--stop-timeout",
        "30",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    if not steps:
        command += ["-u", str(users), "-r", str(spawn_rate or args.spawn_rate), "-t", f"{seconds}s"]
    log = work / f"{name}.locust.log"
    with open(log, "w") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise StackFailure(f"locust failed ({done.returncode}):\n{log.read_text()[-3000:]}")
    rows = []
    for line in records.read_text().splitlines() if records.exists() else []:
        t, request, ms, ok, status = line.split("\t")
        rows.append((float(t), request, float(ms), ok == "1", status))
    return rows


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def summarise(rows, start=None, end=None):
    """Requests, errors, requests/s and percentiles of the rows within [start, end)."""
    if start is not None:
        rows = [r for r in rows if start <= r[0] < end]
    if not rows:
        return {"requests": 0}
    times = [r[2] for r in rows]
    span = (end - start) if start is not None else (max(r[0] for r in rows) - min(r[0] for r in rows)) or 1
    errors = [r for r in rows if not r[3]]
    return {
        "requests": len(rows),
        "errors": len(errors),
        "error_examples": sorted({f"{r[1]} {r[4]}" for r in errors})[:5],
        "rps": round(len(rows) / span, 1),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "p99_ms": round(percentile(times, 99), 1),
        "max_ms": round(max(times), 1),
    }


def per_request(rows):
    """The slowest kinds of request: name → count, p50, p95, max."""
    names = {}
    for r in rows:
        names.setdefault(r[1], []).append(r[2])
    table = {
        n: {"n": len(t), "p50": round(percentile(t, 50)), "p95": round(percentile(t, 95)), "max": round(max(t))}
        for n, t in names.items()
    }
    return dict(sorted(table.items(), key=lambda kv: -kv[1]["p95"]))


def print_requests(table, limit=12):
    for name, s in list(table.items())[:limit]:
        say(f"      {name:45} n={s['n']:6}  p50 {s['p50']:6} ms  p95 {s['p95']:6} ms  max {s['max']:6} ms")


def warm_up(site, cert, requests=60):
    """Every gunicorn worker past its first requests (Django's lazy imports, templates, connections)
    before anything is measured."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    with httpx.Client(verify=str(cert), timeout=60) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: client.get(f"{site}/accounts/login/"), range(requests)))


# --- The runs --------------------------------------------------------------------------------


def steady(args, work, stack, meter):
    seconds = int(args.minutes * 60)
    say(f"== steady: {args.users} users, think 1–5 s, {seconds} s (load {load_average()})")
    meter.start()
    started = time.time()
    rows = run_locust(args, work, "steady", users=args.users, seconds=seconds, think=(1, 5), mix="mix")
    used = meter.stop()
    # Each user signs in once (a session lasts 14 days): the sign-ins (Argon2) are shown apart, and
    # count in the largest request time of the whole run.
    # The goals are the mix's once every user is in (after the ramp: --spawn-rate users a second).
    ramp = args.users / args.spawn_rate
    begin = min(r[0] for r in rows) + ramp if rows else 0
    mix = [r for r in rows if not r[1].startswith("sign in")]
    result = {**summarise(mix, begin, begin + seconds - ramp), "users": args.users, "seconds": seconds, **used}
    result["ramp_seconds"] = ramp
    result["sign_in"] = summarise([r for r in rows if r[1].startswith("sign in")])
    result["whole_run"] = summarise(rows)
    result["max_ms"] = result["whole_run"].get("max_ms") or 0
    result["load_after"] = load_average()
    result["by_request"] = per_request(rows)
    result["started"] = time.strftime("%H:%M", time.gmtime(started))
    say(f"   {json.dumps({k: v for k, v in result.items() if k != 'by_request'}, ensure_ascii=False)}")
    print_requests(result["by_request"])
    return result


def curve(args, work, stack, meter):
    steps = [(int(u), args.step_seconds) for u in args.steps.split(",")]
    say(f"== curve: users {args.steps}, no think time, {args.step_seconds} s a step (load {load_average()})")
    results, cpu_marks = [], []
    # One locust run over every step (users are added, each signs in once); the meter is read at
    # each step's edges by a thread that follows the step times.
    import threading

    origin = time.time() + 2  # locust starts within a couple of seconds; re-based on the records below

    def follow():
        for _users, seconds in steps:
            meter.start()
            time.sleep(seconds)
            cpu_marks.append(meter.stop())

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    rows = run_locust(args, work, "curve", users=0, seconds=0, think=(0, 0), mix="mix", steps=steps)
    thread.join(timeout=5)
    origin = min(r[0] for r in rows) if rows else origin
    at = origin
    for n, (users, seconds) in enumerate(steps):
        warm = min(10, seconds / 3)  # the step's users signing in and warming up
        step = summarise(rows, at + warm, at + seconds)
        step.update(users=users, **(cpu_marks[n] if n < len(cpu_marks) else {}))
        results.append(step)
        say(
            f"   {users:4} users: {step.get('rps', 0):6} req/s  p50 {step.get('p50_ms')} ms  p99 {step.get('p99_ms')} ms"
            f"  max {step.get('max_ms')} ms  errors {step.get('errors')}  cpu {step.get('cpu_pct')}"
            f"  pg {step.get('pg_active')}"
        )
        at += seconds
    within = [s for s in results if s.get("p99_ms") is not None and s["p99_ms"] < GOALS["curve_p99_ms"]]
    best = max(within, key=lambda s: s["rps"]) if within else None
    return {
        "steps": results,
        "best_within_p99": best,
        "max_ms": max((s.get("max_ms") or 0) for s in results),
        "errors": sum(s.get("errors", 0) for s in results),
        "by_request": per_request(rows),
        "load_after": load_average(),
    }


def busiest_hour():
    """The deadline day's busiest hour, nationally: filings in that hour (docs/performance.md)."""
    return round(MISSING_ON_THE_MORNING * FILED_THAT_DAY * BUSIEST_HOUR_SHARE)


def outbox(args, work, stack, mailbox, meter):
    say(f"== outbox: the morning reminder run for {args.missing:,} missing units (load {load_average()})")

    def reminders():  # the officers of the missing units (other mail: the mix's article notices)
        return [m for m in mailbox.messages if m.rcpt_tos[0].startswith("load-missing-")]

    # The worker is stopped while the run is queued, then started: what is measured is the outbox
    # delivering the whole run, not the pace at which send_reminders queues it (measured apart).
    stack.stop_one("worker")
    started = time.monotonic()
    queued = stack.manage("send_reminders").stdout.strip().splitlines()[-1]
    queued_in = time.monotonic() - started
    say(f"   send_reminders: {queued} in {queued_in:.1f} s ({load_average()})")
    count = int(queued.split()[0])
    meter.start()
    started = time.monotonic()
    start_worker(stack, "worker")
    deadline = time.monotonic() + max(120, count / 10)
    while len(reminders()) < count and time.monotonic() < deadline:
        time.sleep(0.5)
    delivered_in = time.monotonic() - started
    time.sleep(3)  # a duplicate would come now
    used = meter.stop()
    messages = reminders()
    per_recipient = {}
    for m in messages:
        for r in m.rcpt_tos:
            per_recipient[r] = per_recipient.get(r, 0) + 1
    times = sorted(m.arrived for m in messages)
    sending = (times[-1] - times[0]) if len(times) > 1 else 0
    links = [m.link("/directives/r/") for m in messages]
    (work / "links.json").write_text(json.dumps(links))
    result = {
        "queued": count,
        "queue_seconds": round(queued_in, 1),
        "delivered": len(messages),
        "recipients": len(per_recipient),
        "duplicates": sum(n - 1 for n in per_recipient.values()),
        "queued_per_s": round(count / queued_in, 1),
        "seconds_from_worker_start": round(delivered_in, 1),
        "seconds_first_to_last": round(sending, 1),
        "per_s": round(len(messages) / sending, 1) if sending else None,
        "per_s_from_worker_start": round(len(messages) / delivered_in, 1),
        **used,
        "load_after": load_average(),
    }
    say(f"   {json.dumps(result, ensure_ascii=False)}")
    return result


def deadline(args, work, stack, meter):
    links = json.loads((work / "links.json").read_text()) if (work / "links.json").exists() else []
    if not links:
        raise StackFailure("the deadline replay needs the reminders' links: run --outbox first (same run)")
    hour = busiest_hour()
    rate = hour * SPEED_UP / 3600  # filings a second at 10×
    seconds = int(args.replay_minutes * 60)
    filers = max(1, math.ceil(rate * 3))  # each filer files about once every 3 s
    needed = math.ceil(rate * seconds)
    say(
        f"== deadline: busiest hour {hour:,} filings, at {SPEED_UP}×: {rate:.1f} filings/s for {seconds} s"
        f" ({needed:,} links, {len(links):,} in hand), with {args.deadline_users} users of the mix (load {load_average()})"
    )
    meter.start()
    rows = run_locust(
        args,
        work,
        "deadline",
        users=filers + args.deadline_users,
        seconds=seconds,
        think=(1, 5),
        mix="deadline",
        spawn_rate=max(args.spawn_rate, (filers + args.deadline_users) / 5),  # the filers sign in by their links
        extra_env={
            "LOAD_LINKS": str(work / "links.json"),
            "LOAD_FILERS": str(filers),
            "LOAD_FILE_EVERY": str(filers / rate),
        },
    )
    used = meter.stop()
    filed = [r for r in rows if r[1] == "report: file (one-tap)" and r[3]]
    opened = [r for r in rows if r[1] == "one-tap: open" and r[3]]
    result = {
        **summarise(rows),
        "busiest_hour_filings": hour,
        "target_filings_per_s": round(rate, 2),
        "filed": len(filed),
        "links_opened": len(opened),
        "filings_per_s": round(len(filed) / seconds, 2),
        "seconds": seconds,
        **used,
        "by_request": per_request(rows),
        "load_after": load_average(),
    }
    say(f"   {json.dumps({k: v for k, v in result.items() if k != 'by_request'}, ensure_ascii=False)}")
    print_requests(result["by_request"])
    return result


# --- The summary -----------------------------------------------------------------------------


def verdicts(results):
    rows = []

    def goal(name, value, ok, target):
        rows.append((name, value, target, "met" if ok else "MISSED"))

    if "steady" in results:
        s = results["steady"]
        goal("steady: p95", f"{s['p95_ms']} ms", s["p95_ms"] < GOALS["steady_p95_ms"], "< 300 ms")
        goal("steady: p99", f"{s['p99_ms']} ms", s["p99_ms"] < GOALS["steady_p99_ms"], "< 1 s")
        goal("steady: errors", f"{s['errors']} of {s['requests']}", s["errors"] == 0, "0")
    if "curve" in results:
        best = results["curve"]["best_within_p99"]
        rps = best["rps"] if best else 0
        goal(
            "curve: req/s at p99 < 1 s",
            f"{rps} ({best['users'] if best else '-'} users)",
            rps >= GOALS["throughput_rps"],
            "≥ 100",
        )
    if "outbox" in results:
        o = results["outbox"]
        goal(
            "outbox: messages/s",
            f"{o['per_s']} ({o['delivered']:,} of {o['queued']:,})",
            (o["per_s"] or 0) >= 50,
            "≥ 50",
        )
        goal("outbox: duplicates", str(o["duplicates"]), o["duplicates"] == 0 and o["delivered"] == o["queued"], "0")
    if "deadline" in results:
        d = results["deadline"]
        goal(
            "deadline ×10: filings/s",
            f"{d['filings_per_s']} (target {d['target_filings_per_s']})",
            d["filings_per_s"] >= 0.95 * d["target_filings_per_s"],
            "the replayed rate",
        )
        goal(
            "deadline ×10: p99 / errors",
            f"{d['p99_ms']} ms / {d['errors']}",
            d["p99_ms"] < 1000 and not d["errors"],
            "< 1 s / 0",
        )
    worst = max((r.get("max_ms") or 0) for k, r in results.items() if isinstance(r, dict) and k != "setup")
    goal("no request over 5 s (max)", f"{worst} ms", worst < GOALS["max_ms"], "< 5 s")
    return rows


def print_table(rows):
    say("\n| goal | measured | target | |\n|---|---|---|---|")
    for row in rows:
        say("| " + " | ".join(row) + " |")


# --- Main ------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="steady, curve, outbox and deadline, in turn")
    parser.add_argument("--steady", action="store_true")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--outbox", action="store_true")
    parser.add_argument("--deadline", action="store_true")
    parser.add_argument("--serve", action="store_true", help="start the stack, print its address, wait for Ctrl-C")
    parser.add_argument("--users", type=int, default=50, help="users of the steady run")
    parser.add_argument("--minutes", type=float, default=5, help="length of the steady run")
    parser.add_argument("--spawn-rate", type=float, default=1, help="users starting a second (steady, deadline)")
    parser.add_argument("--steps", default="2,4,8,12,16,24,32", help="users of each step of the curve")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--missing", type=int, default=MISSING_ON_THE_MORNING, help="units not filed on the morning")
    parser.add_argument("--replay-minutes", type=float, default=60 / SPEED_UP, help="the busiest hour at 10×: 6")
    parser.add_argument("--deadline-users", type=int, default=20, help="users of the mix during the replay")
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--port-base", type=int, default=8200, help="HTTPS, HTTP, gunicorn: this and the next two")
    parser.add_argument("--smtp-port", type=int, default=2600)
    parser.add_argument("--redis-db", type=int, default=6, help="the cache; the broker is the next one")
    parser.add_argument("--workers", type=int, help="gunicorn --workers (default: loa-web.service's)")
    parser.add_argument("--threads", type=int, help="gunicorn --threads (default: loa-web.service's)")
    parser.add_argument(
        "--skip-data", action="store_true", help="reuse the previous run's data (bench/out/load): --steady, --curve"
    )
    args = parser.parse_args()
    if args.all:
        args.steady = args.curve = args.outbox = args.deadline = True
    if not (args.steady or args.curve or args.outbox or args.deadline or args.serve):
        parser.error("choose a run: --all, --steady, --curve, --outbox, --deadline or --serve")
    if args.skip_data and (args.outbox or args.deadline):
        parser.error("--outbox and --deadline need the morning's data afresh (no --skip-data): its reminders are sent")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database of its own, e.g. postgres://postgres@127.0.0.1:5432/loa_load"
        )
    https, http, web = args.port_base, args.port_base + 1, args.port_base + 2
    ports_free(https, http, web, args.smtp_port)
    args.site = f"https://localhost:{https}"
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    work = out / "load"
    work.mkdir(exist_ok=True)
    args.password = "Load-" + secrets.token_urlsafe(12)

    results = {"load_before": load_average(), "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    say(f"load average before: {results['load_before']}")
    data = work / "data.json"
    if args.skip_data and data.exists():
        args.password = json.loads(data.read_text())["password"]
    else:
        say(f"== data: the national tree, the deadline day's directive ({args.missing:,} missing), the bench users")
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                str(HERE / "load_data.py"),
                "--units",
                str(args.units),
                "--missing",
                str(args.missing),
                "--password",
                args.password,
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        made = json.loads(done.stdout.strip().splitlines()[-1])
        made["password"] = args.password  # the bench's own throw-away accounts, in its own output folder
        data.write_text(json.dumps(made))
        results["setup_seconds"] = round(time.monotonic() - started)

    # The production stack, on loopback.
    from loa.notifications.testing import SMTPTestServer

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = new_workdir("loa-load-")
    stack = Stack(
        workdir,
        site=args.site,
        database_url=database_url,
        broker_url=f"redis://127.0.0.1:6379/{args.redis_db + 1}",
        cache_url=f"redis://127.0.0.1:6379/{args.redis_db}",
    )
    mailbox = SMTPTestServer()
    mailbox.port = args.smtp_port
    mailbox.start()
    meter = CpuMeter(stack, database_url)
    try:
        redis_flush(args.redis_db)
        redis_flush(args.redis_db + 1)
        stack.environment(mailbox.port)
        cert, key = certificate(stack)
        prepare(stack, check_deploy=False)
        web_extra = []
        if args.workers:
            web_extra += ["--workers", str(args.workers)]
        if args.threads:
            web_extra += ["--threads", str(args.threads)]
        start_servers(
            stack,
            cert=cert,
            key=key,
            https_port=https,
            http_port=http,
            web_ports=(web,),
            workers=("worker",),
            web_extra=web_extra,
        )
        warm_up(args.site, cert)
        results["gunicorn"] = " ".join(stack.unit_command("loa-web.service", port=web, extra=web_extra)[1:])
        say(f"stack up in {workdir}: {args.site} (gunicorn {results['gunicorn']})")
        if args.serve:
            say(f"sign in as load-admin-02-0 / {args.password}; Ctrl-C stops")
            while True:
                time.sleep(3600)
        if args.steady:
            results["steady"] = steady(args, work, stack, meter)
        if args.curve:
            results["curve"] = curve(args, work, stack, meter)
        if args.outbox:
            results["outbox"] = outbox(args, work, stack, mailbox, meter)
        if args.deadline:
            results["deadline"] = deadline(args, work, stack, meter)
        for name in stack.processes:
            if not stack.alive(name):
                raise StackFailure(f"{name} stopped during the run:\n{stack.tail(name)}")
    except (StackFailure, subprocess.CalledProcessError) as exc:
        print(f"LOAD TEST FAILED: {exc}", file=sys.stderr)
        for name in stack.processes:
            print(f"\n=== {name} (last lines) ===\n{stack.tail(name)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()
        mailbox.stop()
    results["load_after"] = load_average()
    rows = verdicts(results)
    results["goals"] = rows
    print_table(rows)
    say(f"\nload average: before {results['load_before']}, after {results['load_after']}")
    path = out / "load.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    say(f"written to {path}")
    return 0 if all(r[3] == "met" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
