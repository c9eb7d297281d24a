"""The tracked link /s/<code> under load, on the production stack: gunicorn as deploy/systemd/loa-web.service
runs it (3 workers × 2 threads, DEBUG off), PostgreSQL, Redis on 127.0.0.1:6379 as the cache, and
requests as nginx passes them on (X-Forwarded-For, X-Forwarded-Proto: https).

Goal (issue 16): p99 < 20 ms at 200 clicks/s. The load is open-loop: requests leave at their
scheduled times whatever the answers do (no coordinated omission), from one asyncio loop over 64 kept-alive
connections.
The mix: new readers (each its own address and browser), a share of readers clicking again the
same day, link-preview robots. After the run the clicks are flushed and the count checked against
what the filter should have counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_links_bench .venv/bin/python bench/bench_redirect.py
    # options: --rate 200 --seconds 30 --links 600 --workers 3 --threads 2 --redis redis://127.0.0.1:6379/9
"""

import argparse
import asyncio
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import ensure_database, print_load, write_results

GOAL_P99_MS = 20.0
CHROME = "Mozilla/5.0 (Linux; Android 14; SM-A{n}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.{n} Mobile Safari/537.36"
BOTS = (
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Zalo-Link-Preview/1.0",
)

SETUP = r"""
import json
from datetime import timedelta
from django.utils import timezone
from loa.sharing import links, services
from loa.sharing.models import ClickDay, Item
from loa.units.models import Unit, UnitKind
from loa.units.services import unit_create

kind, _ = UnitKind.objects.get_or_create(code="bench-cdcs", defaults={"name": "CĐCS", "is_grassroots": True, "order": 9})
top = Unit.objects.filter(code="BENCH-LINKS").first() or unit_create(by=None, parent=None, kind=kind, code="BENCH-LINKS", name="Bench links")
units = list(Unit.objects.filter(parent=top))
for n in range(len(units), 200):
    units.append(unit_create(by=None, parent=top, kind=kind, code=f"BL-{n}", name=f"CĐCS {n}"))
today = timezone.localdate()
items = list(Item.objects.filter(unit=top, ends_on__gte=today)[:3])
while len(items) < 3:
    items.append(services.item_create(by=None, unit=top, title=f"Tin {len(items)}", url=f"https://congdoan.example.vn/tin/{len(items)}", starts_on=today, ends_on=today + timedelta(days=3)))
urls = links.share_urls([i.pk for i in items], units)
print(json.dumps({"codes": [u.rsplit("/s/", 1)[1] for u in urls.values()]}))
"""

COUNTED = r"""
import json
from loa.sharing.models import ClickDay
print(json.dumps({"clicks": sum(ClickDay.objects.values_list("clicks", flat=True))}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port, redis_url):
    return dict(
        os.environ,
        LOA_ENV_FILE="",
        DEBUG="false",
        SECRET_KEY="bench-links-only-secret-" + "l1nks-k3y-" * 4,
        FIELD_ENCRYPTION_KEY="YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZyEhISE=",
        SITE_URL="https://bench.loa.example.vn",
        ALLOWED_HOSTS="bench.loa.example.vn,127.0.0.1",
        CACHE_URL=redis_url,
        TRUSTED_PROXIES="1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="true",
        SECURE_COOKIES="true",
    )


def manage(env, *args, script=None, capture=False):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    if script is not None:
        command += ["-c", script]
    result = subprocess.run(command, env=env, check=True, capture_output=capture, text=True, cwd=ROOT)
    return result.stdout


def shell_json(env, script):
    return json.loads(manage(env, "shell", script=script, capture=True).strip().splitlines()[-1])


def serve(env, port, workers, threads, access_log):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "loa.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            # Loa's own time per request (microseconds), to tell it from the machine's queueing.
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(D)s %(s)s %(U)s",
        ],
        env=env,
        cwd=ROOT,
    )
    # Every worker imports Django before it answers (10 s and more on a busy machine): wait until
    # /healthz has answered in a row, quickly, as often as there are threads to answer.
    headers = {"Host": "bench.loa.example.vn", "X-Forwarded-Proto": "https"}
    quick, deadline = 0, time.monotonic() + 180
    while quick < 3 * workers * threads and time.monotonic() < deadline:
        try:
            started = time.perf_counter()
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", headers=headers, timeout=60)
            quick = quick + 1 if answer.status_code == 200 and time.perf_counter() - started < 0.5 else 0
        except httpx.HTTPError:
            time.sleep(0.5)
    if quick:
        return server
    server.kill()
    sys.exit("gunicorn did not start")


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its children (the gunicorn workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            pass
    return total


def requests_plan(codes, total, seed=16):
    """[(code, address, user agent, counted?)]: 80 % new readers, 12 % the same readers again, 8 % robots."""
    rng = random.Random(seed)
    plan, readers, seen = [], [], set()
    for n in range(total):
        roll = rng.random()
        if roll < 0.08:
            plan.append((rng.choice(codes), f"66.220.149.{rng.randrange(1, 250)}", rng.choice(BOTS), False))
            continue
        if roll < 0.20 and readers:
            code, address, agent = rng.choice(readers)
        else:
            code, address, agent = (
                rng.choice(codes),
                f"10.{n // 65025 % 250}.{n // 255 % 255}.{n % 255}",
                CHROME.format(n=n % 9000),
            )
            readers.append((code, address, agent))
        counted = (code, address, agent) not in seen
        seen.add((code, address, agent))
        plan.append((code, address, agent, counted))
    return plan


async def _request(reader, writer, code, address, agent):
    """One GET on a kept-alive connection, HTTP/1.1 by hand: the status of the answer."""
    writer.write(
        (
            f"GET /s/{code} HTTP/1.1\r\nHost: bench.loa.example.vn\r\nUser-Agent: {agent}\r\n"
            f"X-Forwarded-For: {address}\r\nX-Forwarded-Proto: https\r\nAccept: */*\r\n\r\n"
        ).encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next((int(v) for k, _s, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length"), 0)
    if length:
        await reader.readexactly(length)
    return int(lines[0].split()[1])


async def _drive(port, plan, rate, clients):
    results = []
    work = asyncio.Queue()

    async def client():
        reader = writer = None
        while True:
            job = await work.get()
            if job is None:
                break
            due, (code, address, agent, _counted) = job
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status = await asyncio.wait_for(_request(reader, writer, code, address, agent), 10)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                status = type(error).__name__
                if writer is not None:
                    writer.close()
                reader = writer = None
            done = time.perf_counter()
            results.append(((done - due) * 1000, (done - started) * 1000, status))
        if writer is not None:
            writer.close()

    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    begin = time.perf_counter() + 0.5
    for n, request in enumerate(plan):
        due = begin + n / rate
        wait = due - 0.003 - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        work.put_nowait((due, request))
    for _task in tasks:
        work.put_nowait(None)
    await asyncio.gather(*tasks)
    return results


def drive(port, plan, rate, clients=64):
    """Send the plan at `rate` requests a second, open-loop: request n is due at start + n/rate and
    its latency runs from that time, so that a slow answer delaying the next requests shows in
    theirs. One asyncio loop, `clients` kept-alive connections, HTTP/1.1 written by hand (a general
    client, httpx's, spent more time in its own pool than Loa did answering). Returns
    [(latency from the due time ms, service time ms, status)]."""
    return asyncio.run(_drive(port, plan, rate, clients))


def percentile(values, p):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--links", type=int, default=600)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    options = parser.parse_args()
    ensure_database()
    port = free_port()
    env = environment(port, options.redis)
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    manage(env, "migrate", "-v0")
    codes = shell_json(env, SETUP)["codes"][: options.links]
    # A clean start: clicks of an earlier run flushed, its visitors and code table forgotten.
    manage(env, "sharing_flush_clicks", capture=True)
    import redis

    store = redis.Redis.from_url(options.redis)
    for pattern in ("*sharing:seen:*", "*sharing:link:*"):
        for key in store.scan_iter(pattern, count=1000):
            store.delete(key)
    clicks_before = shell_json(env, COUNTED)["clicks"]
    plan = requests_plan(codes, options.rate * options.seconds)
    access_log = ROOT / "bench" / "out" / "redirect-access.log"
    access_log.parent.mkdir(parents=True, exist_ok=True)
    access_log.write_text("")
    server = serve(env, port, options.workers, options.threads, access_log)
    try:
        # Warm-up: every worker loads Django and its code table (not measured, not counted).
        warm = [(c, "127.0.0.9", BOTS[0], False) for c in codes]
        drive(port, warm, 100)
        time.sleep(2)
        logged_before = len(access_log.read_text().splitlines())
        print_load("before")
        load_before, cpu_before, wall = os.getloadavg(), cpu_seconds(server.pid), time.perf_counter()
        client_cpu = time.process_time()
        results = drive(port, plan, options.rate)
        wall = time.perf_counter() - wall
        server_cpu = cpu_seconds(server.pid) - cpu_before
        client_cpu = time.process_time() - client_cpu
        load_after = os.getloadavg()
        print_load("after")
    finally:
        server.terminate()
        server.wait(10)
    inside_ms = [
        int(line.split()[0]) / 1000
        for line in access_log.read_text().splitlines()[logged_before:]
        if line.split()[2:3] and line.split()[2].startswith("/s/")
    ]
    flushed = manage(env, "sharing_flush_clicks", capture=True).strip()
    counted = shell_json(env, COUNTED)["clicks"] - clicks_before
    expected = sum(1 for *_rest, c in plan if c)
    statuses = [s for _l, _s, s in results]
    errors = sum(1 for s in statuses if s != 302)
    scheduled_ms = [lat for lat, _svc, s in results if s == 302]
    service_ms = [svc for _lat, svc, s in results if s == 302]
    figures = {
        "rate_per_s": options.rate,
        "seconds": options.seconds,
        "requests": len(results),
        "achieved_per_s": round(len(results) / wall, 1),
        "errors": errors,
        "links": len(codes),
        "gunicorn": f"{options.workers} workers × {options.threads} threads",
        "p50_ms": round(percentile(scheduled_ms, 50), 2),
        "p95_ms": round(percentile(scheduled_ms, 95), 2),
        "p99_ms": round(percentile(scheduled_ms, 99), 2),
        "max_ms": round(max(scheduled_ms), 2),
        "service_p99_ms": round(percentile(service_ms, 99), 2),
        "gunicorn_p50_ms": round(percentile(inside_ms, 50), 2),
        "gunicorn_p99_ms": round(percentile(inside_ms, 99), 2),
        "mean_ms": round(statistics.mean(scheduled_ms), 2),
        "server_cpu_percent_of_one_core": round(100 * server_cpu / wall, 1),
        "client_cpu_percent_of_one_core": round(100 * client_cpu / wall, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cores": os.cpu_count(),
        "clicks_expected": expected,
        "clicks_counted": counted,
        "flush": flushed,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    write_results("redirect", figures)
    missed = []
    if figures["p99_ms"] >= GOAL_P99_MS:
        missed.append(f"p99 {figures['p99_ms']} ms ≥ {GOAL_P99_MS} ms")
    if errors:
        missed.append(f"{errors} errors")
    if counted != expected:
        missed.append(f"counted {counted} clicks, the filter should have counted {expected}")
    if missed:
        print("MISSED: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
