"""Light pages on a phone: the weight of key pages on a cold and a warm load, and their Lighthouse
scores in mobile mode, with Loa in production settings (DEBUG off, gunicorn, static files hashed and
pre-compressed by collectstatic, answers compressed).

Goals (issue 13): every page ≤ 30 KB transferred cold and ≤ 15 KB warm (htmx included); Lighthouse
performance ≥ 98, accessibility 100, best practices 100.

It needs nothing of the other benchmarks: the demo scenario in a SQLite database of its own, in a
temporary directory. Lighthouse comes from npm (bench/lighthouse, `npm ci` there; Lighthouse 12, as
Lighthouse 13 wants Node 22 and Debian 12 has Node 20) and drives Debian's Chromium.

    .venv/bin/python bench/bench_pages.py            # weights and Lighthouse
    .venv/bin/python bench/bench_pages.py --no-lighthouse
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
COLD_MAX, WARM_MAX = 30 * 1024, 15 * 1024
GOALS = {"performance": 98, "accessibility": 100, "best-practices": 100}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(workdir, port):
    """The environment of a production instance on loopback, with the demo loaded and static collected."""
    env = dict(
        os.environ,
        LOA_ENV_FILE="",
        LOA_VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir}/loa.sqlite3",
        SECRET_KEY="bench-pages-only-secret-" + "p4g3s-k3y-" * 4,
        FIELD_ENCRYPTION_KEY="YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZyEhISE=",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",  # plain HTTP on loopback; nginx and TLS are the smoke test's part
        DEBUG="false",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "demo", "--if-empty"], env={**env, "DEBUG": "true"}, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    return env


def key_pages(env):
    """[(name, username or None, path)]: the pages the issue names, found in the demo's data."""
    script = r"""
import json
from loa.accounts.models import User
from loa.directives.models import Assignment
from loa.scoring.models import Rubric
officer = User.objects.get(username="canbo1")
unit = officer.roles.filter(role="officer").first().unit
assignment = Assignment.objects.filter(unit=unit).order_by("-task__deadline").first()
year = Rubric.objects.order_by("-year").values_list("year", flat=True).first()
print(json.dumps({"unit": unit.pk, "task": assignment.task_id, "year": year}))
"""
    found = json.loads(
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return [
        ("login", None, "/accounts/login/"),
        ("home (officer)", "canbo1", "/"),
        ("report form", "canbo1", f"/directives/tasks/{found['task']}/units/{found['unit']}/report/"),
        ("articles (officer)", "canbo1", "/articles/"),
        ("Fanpage page", "canbo1", f"/fanpages/unit/{found['unit']}/"),
        ("editor's queue", "bientap", "/articles/review/"),
        ("ranking (leader)", "lanhdao", f"/scoring/{found['year']}/"),
    ]


def serve(env, port):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "loa.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def weights(browser, base, pages):
    """{name: (cold bytes, warm bytes, cookies)}: bytes on the wire (headers and compressed bodies)."""
    from conftest import browser_login

    results = {}
    for name, username, path in pages:
        # Service workers blocked: Loa's worker (loa/core/pwa.py) would fetch the pages itself after
        # the log-in page registered it, and the page's own network events would then count 0 bytes.
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
            service_workers="block",
        )
        page = context.new_page()
        page.base_url = base
        if username:
            browser_login(page, username, "loa-demo")
        context.clear_cookies() if username is None else None
        # Cold: nothing of Loa's in the browser's cache but the session.
        cache = context.new_cdp_session(page)
        cache.send("Network.enable")
        cache.send("Network.clearBrowserCache")
        transferred = []
        cache.on("Network.loadingFinished", lambda event, into=transferred: into.append(event["encodedDataLength"]))
        page.goto(base + path, wait_until="networkidle")
        cold = sum(transferred)
        transferred.clear()
        page.goto(base + path, wait_until="networkidle")  # warm: following a link to it again
        warm = sum(transferred)
        results[name] = (cold, warm, context.cookies())
        context.close()
    return results


def lighthouse(url, cookies):
    header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    args = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=performance,accessibility,best-practices",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if header:
        args.append("--extra-headers=" + json.dumps({"Cookie": header}))
    run = subprocess.run(args, check=False, env=dict(os.environ, CHROME_PATH=CHROMIUM), capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"Lighthouse failed on {url}:\n{run.stderr[-3000:]}")
    report = json.loads(run.stdout)
    scores = {k: round(100 * (v["score"] or 0)) for k, v in report["categories"].items()}
    failing = [
        a["id"]
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    return scores, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-lighthouse", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from machine import print_load
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS

    print_load("before")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="loa-bench-pages-") as workdir:
        env = prepare(Path(workdir), port)
        pages = key_pages(env)
        server = serve(env, port)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                measured = weights(browser, base, pages)
                browser.close()
            rows, missed = [], []
            for name, _user, path in pages:
                cold, warm, cookies = measured[name]
                row = {"page": name, "path": path, "cold_kb": round(cold / 1024, 1), "warm_kb": round(warm / 1024, 1)}
                if cold > COLD_MAX or warm > WARM_MAX:
                    missed.append(f"{name}: {row['cold_kb']} KB cold, {row['warm_kb']} KB warm")
                if not options.no_lighthouse:
                    scores, failing = lighthouse(base + path, cookies)
                    row.update(scores, failing=failing)
                    missed += [
                        f"{name}: {k} {scores[k]} < {goal}" for k, goal in GOALS.items() if scores.get(k, 0) < goal
                    ]
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
        finally:
            server.terminate()
            server.wait(10)
    print_load("after")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if missed:
        print("missed:\n  " + "\n  ".join(missed))
        return 1
    print("every page within its weight" + ("" if options.no_lighthouse else " and its Lighthouse goals"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
