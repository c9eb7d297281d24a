#!/usr/bin/env python
"""The production smoke test: Loa's real stack on loopback, used over HTTPS as people use it.

Started from the repo's own deploy files, as a server runs them, with two of each server that may
run several times (docs/topology.md):
- nginx with deploy/nginx/loa.conf, its upstream block replaced by deploy/nginx/loa-upstream.conf's
  (two web servers), and a self-signed certificate (HTTPS on 8443, HTTP on 8080);
- two gunicorns with loa-web.service's own command line, on ports 8100 and 8101: two web servers
  on one machine, each with a MEDIA_ROOT of its own, as on two machines: the files are in
  S3-compatible object storage (STORAGE_URL), moto's server on loopback standing in for it;
- two Celery workers and one Celery beat with their units' command lines, on Redis;
- PostgreSQL (a fresh database), and a local SMTP server standing in for the mail relay.

Then, through nginx: `loa_init`, the admin logs in, creates a unit and invites an officer (the
invitation leaves through the worker), the officer sets a password from the e-mailed link, the
admin issues a directive and attaches a file that the officer downloads (streamed by Loa from the
bucket after it allowed it), the officer files the report, the admin sees it. A message queued without a kick is
delivered by beat's schedule. Across the two web servers (nginx's access log names the one that
answered each request): the admin's session, made through one, works through the other; the file
the admin uploaded through one is in the bucket and on neither server's disk, is downloaded by
the officer through the other, and by nobody signed out. A reminder run of 300 e-mails queued at once is delivered by the two workers
together, each message exactly once. Then one web server is stopped: nginx passes its requests
to the other and the admin stays signed in. Every step checks its answer, so the run fails if
any piece is missing. Everything started is stopped at the end, success or not.

    .venv/bin/python scripts/smoke_production.py      (CI runs it after the two suites)
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from loa.core.testing_s3 import TEST_KEYS, S3Server, free_port
from loa.notifications.testing import SMTPTestServer
from scripts.production_stack import (
    Forms,
    Stack,
    StackFailure,
    certificate,
    expect,
    new_workdir,
    ports_free,
    prepare,
    psql,
    redis_flush,
    start_servers,
)

HTTPS_PORT, HTTP_PORT = 8443, 8080
WEB_PORTS = (8100, 8101)  # two web servers behind one nginx upstream
WORKERS = ("worker-1", "worker-2")  # two Celery workers
REMINDER_RUN = 300  # e-mails queued at once for the two workers
WEB_SERVERS = tuple(f"127.0.0.1:{port}" for port in WEB_PORTS)
SITE = f"https://localhost:{HTTPS_PORT}"
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("SMOKE_DATABASE", "loa_smoke")
REDIS = "redis://127.0.0.1:6379"
# Redis databases for the broker and the cache (emptied first): two numbers nothing else uses.
BROKER_DB, CACHE_DB = (int(n) for n in os.environ.get("SMOKE_REDIS_DBS", "12,13").split(","))
BUCKET = "loa-smoke"
ADMIN_PASSWORD = "Smoke-admin-" + secrets.token_urlsafe(8)
OFFICER_PASSWORD = "Smoke-officer-" + secrets.token_urlsafe(8)


STARTED = time.monotonic()


def step(text):
    print(f"--- [{time.monotonic() - STARTED:5.0f} s] {text}", flush=True)


SmokeFailure = StackFailure


# --- A browser's worth of HTTP ---------------------------------------------------------------


class Browser:
    def __init__(self, cert):
        self.client = httpx.Client(base_url=SITE, verify=str(cert), follow_redirects=False, timeout=60)

    def get(self, path, status=200):
        response = self.client.get(path)
        expect(response.status_code == status, f"GET {path}: {response.status_code}, expected {status}")
        return response

    def submit(self, path, with_field=None, status=302, action=None, **values):
        """Open `path`, fill its POST form that has `with_field` (or posts to `action`) with
        `values`, and send it as a browser would."""
        page = self.get(path)
        forms = [
            f
            for f in Forms.read(page.text)
            if f["method"] == "post"
            and (with_field is None or with_field in f["fields"])
            and (action is None or f["action"] == action)
        ]
        expect(forms, f"{path} has no form with a {with_field or action!r}")
        form = forms[0]
        data = {k: v for k, v in form["fields"].items() if v is not None}
        data.update({k: str(v) for k, v in values.items()})
        action = form["action"] or path
        response = self.client.post(action, data=data, headers={"Referer": SITE + path})
        expect(
            response.status_code == status,
            f"POST {action}: {response.status_code}, expected {status}\n{_errors(response.text)}",
        )
        return response

    def follow(self, response):
        return self.get(response.headers["location"])


def _errors(html):
    found = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', html, re.DOTALL)
    return "\n".join(re.sub(r"<[^>]+>", "", e).strip() for e in found[:10]) or html[:1500]


# --- The journey -----------------------------------------------------------------------------


class SmokeS3(S3Server):
    """moto's S3 server, and what the smoke test reads from its bucket with boto3, not through Loa."""

    def keys(self, bucket):
        return sorted(item["Key"] for item in self.client().list_objects_v2(Bucket=bucket).get("Contents", ()))

    def read(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def journey(stack, cert, mailbox, s3):
    step("loa_init: the province, its kinds and the first admin")
    init = (
        "loa_init",
        "--no-input",
        "--root-code",
        "LDLD-CB",
        "--root-name",
        "Liên đoàn Lao động tỉnh Cao Bằng",
        "--admin-username",
        "quantri",
        "--admin-email",
        "quantri@example.vn",
        "--admin-name",
        "Nông Thị Quản Trị",
        "--admin-password",
        ADMIN_PASSWORD,
    )
    out = stack.manage(*init).stdout
    expect(f"{SITE}/accounts/login/" in out and "quantri" in out, f"loa_init did not print the login:\n{out}")
    again = stack.manage(*init)
    expect(again.returncode == 0, "a second loa_init failed")

    step("the admin logs in over HTTPS through nginx")
    admin = Browser(cert)
    login_page = admin.get("/accounts/login/")
    expect(login_page.headers.get("server", "").startswith("nginx"), "the answer did not come through nginx")
    expect("max-age=31536000" in login_page.headers.get("strict-transport-security", ""), "no HSTS header")
    expect(
        login_page.headers.get("content-encoding") == "gzip"
        or len(login_page.content) < 512
        or "gzip" not in admin.client.headers.get("accept-encoding", ""),
        "HTML is not compressed",
    )
    response = admin.submit("/accounts/login/", "username", username="quantri", password=ADMIN_PASSWORD)
    expect("secure" in response.headers.get("set-cookie", "").lower(), "the session cookie is not Secure")
    home = admin.follow(response)
    expect("quantri" in home.text or "Quản Trị" in home.text, "the home page does not show the admin")
    step("the admin's session, made through one web server, works through the other")
    login_server = answered_by(stack, "POST", "/accounts/login/")
    seen = set()
    for i in range(12):
        probe = f"/?smoke=session-{i}"
        page = admin.get(probe)
        expect("quantri" in page.text or "Quản Trị" in page.text, f"GET {probe} does not show the signed-in admin")
        seen.add(answered_by(stack, "GET", probe))
        if seen == set(WEB_SERVERS):
            break
    expect(seen == set(WEB_SERVERS), f"signed in through {login_server}, pages came only from {sorted(seen)}")
    plain = httpx.get(f"http://localhost:{HTTP_PORT}/accounts/login/", follow_redirects=False)
    expect(plain.status_code == 301 and plain.headers["location"].startswith("https://"), "HTTP is not sent to HTTPS")

    step("static files come from nginx, compressed")
    css = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    expect(css, "no stylesheet on the home page")
    static = admin.client.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    expect(
        static.status_code == 200 and static.headers.get("content-encoding") == "gzip", "static CSS not served gzipped"
    )

    step("a body over the limit is refused by nginx with Loa's Vietnamese page")
    big = admin.client.post(
        "/units/import/",
        files={"file": ("big.xlsx", b"x" * (22 * 1024 * 1024))},
        headers={"Referer": SITE + "/units/import/"},
    )
    expect(big.status_code == 413 and "Tệp quá lớn" in big.text, f"22 MB upload: {big.status_code}")

    step("the admin creates a CĐCS under the province")
    root_id = re.search(r'href="/units/(\d+)/"', admin.get("/units/").text)
    expect(root_id, "the unit list shows no unit")
    created = admin.submit(
        f"/units/new/?parent={root_id.group(1)}",
        "code",
        name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        short_name="CĐCS THPT TP Cao Bằng",
        code="CS-THPT-TPCB",
        kind=_kind_id(admin, "cdcs"),
        members_count=62,
        staff_count=65,
    )
    unit_id = re.search(r"/units/(\d+)/", created.headers["location"]).group(1)

    step("the admin invites an officer; the invitation leaves through the Celery worker")
    admin.submit(
        "/accounts/users/invite/",
        "email",
        full_name="Hoàng Thị An",
        email="an.hoang@example.vn",
        phone="0912 345 678",
        unit=unit_id,
        role="officer",
    )
    invitation = wait_for_mail(mailbox, "an.hoang@example.vn", timeout=60)
    link = invitation.link("/accounts/invite/")
    expect(link.startswith(SITE + "/"), f"the invitation link does not start with SITE_URL: {link}")

    step("the officer sets a password from the e-mailed link")
    officer = Browser(cert)
    path = link[len(SITE) :]
    accepted = officer.submit(path, "new_password1", new_password1=OFFICER_PASSWORD, new_password2=OFFICER_PASSWORD)
    officer.follow(accepted)

    step("the admin issues a directive with the Fanpage report to the CĐCS")
    issuer = re.search(r'<option value="(\d+)"', admin.get("/directives/new/").text)
    expect(issuer, "no issuing unit offered")
    draft = admin.submit(
        "/directives/new/",
        "summary",
        issuing_unit=issuer.group(1),
        number="45/CV-LĐLĐ",
        kind="CV",
        issued_on=time.strftime("%Y-%m-%d"),
        summary="V/v thành lập Trang Fanpage của CĐCS",
        salutation="Công đoàn cơ sở trực thuộc",
        body="Mỗi Công đoàn cơ sở lập 01 Trang Fanpage.",
        signer_name="Nông Văn Chủ Tịch",
    )
    directive = re.search(r"/directives/(\d+)/", draft.headers["location"]).group(1)
    admin.submit(f"/directives/{directive}/recipients/", "mode", mode="all")
    deadline = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + timedelta(days=10).total_seconds()))
    admin.submit(
        f"/directives/{directive}/tasks/new/",
        "deadline",
        title="Báo cáo kết quả thành lập Trang Fanpage",
        deadline=deadline,
        report_form="fanpage",
    )
    detail = admin.get(f"/directives/{directive}/")
    expect(f"/directives/{directive}/issue/" in detail.text, "the directive page offers no issue button")
    task = re.search(r"/directives/tasks/(\d+)/", detail.text).group(1)
    # Issuing first shows who will be told what; confirming issues and queues the officers' notices.
    admin.submit(f"/directives/{directive}/issue/", action="")

    step("the officer is told of the directive the same day: the notice leaves through the Celery worker")
    deadline = time.monotonic() + 60
    while len(mailbox.to("an.hoang@example.vn")) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)  # the invitation came first
    expect(len(mailbox.to("an.hoang@example.vn")) >= 2, "no notice of the directive reached the officer")

    step("the admin uploads a file through one web server; the officer downloads it through the other")
    page = admin.get(f"/directives/{directive}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    pdf = b"%PDF-1.4\n% Loa smoke test\n%%EOF\n"
    attached = admin.client.post(
        f"/directives/{directive}/attachments/",
        data={"csrfmiddlewaretoken": token},
        files={"file": ("Kế hoạch.pdf", pdf, "application/pdf")},
        headers={"Referer": f"{SITE}/directives/{directive}/"},
    )
    expect(attached.status_code == 302, f"attaching a file: {attached.status_code}")
    upload_server = answered_by(stack, "POST", f"/directives/{directive}/attachments/")
    keys = [k for k in s3.keys(BUCKET) if k.startswith(f"directives/{directive}/")]
    expect(len(keys) == 1 and s3.read(BUCKET, keys[0]) == pdf, f"the file is not in the bucket: {keys}")
    on_disk = [p for p in stack.workdir.glob("media*/**/*") if p.is_file()]
    expect(not on_disk, f"the uploaded file was written to a disk: {on_disk}")
    link = re.search(r'href="(/directives/\d+/attachments/\d+/)"', officer.get(f"/directives/{directive}/").text)
    expect(link, "the directive page links no attached file")
    # Loa allows the download and streams the bytes from the bucket (no X-Accel-Redirect: nginx
    # has no bucket to read).
    for i in range(12):
        probe = f"{link.group(1)}?smoke=download-{i}"
        download = officer.get(probe)
        expect(
            download.content == pdf
            and download.headers.get("content-type") == "application/pdf"
            and download.headers.get("x-content-type-options") == "nosniff"
            and "x-accel-redirect" not in download.headers
            and BUCKET not in str(download.headers),
            f"the attached file: {download.headers}",
        )
        if answered_by(stack, "GET", probe) != upload_server:
            break
    else:
        raise SmokeFailure(f"uploaded through {upload_server}, the file never came through the other web server")
    seen = set()
    stranger = Browser(cert)
    for i in range(12):
        probe = f"{link.group(1)}?smoke=signed-out-{i}"
        refused = stranger.get(probe, status=302)
        expect("/accounts/login/" in refused.headers["location"] and pdf not in refused.content, "a file signed out")
        seen.add(answered_by(stack, "GET", probe))
        if seen == set(WEB_SERVERS):
            break
    expect(seen == set(WEB_SERVERS), f"signed-out downloads asked only {sorted(seen)}")
    expect(officer.client.get("/_protected/").status_code == 404, "nginx's internal location answers from outside")

    step("the officer files the report on the phone form")
    receipt = officer.submit(
        f"/directives/tasks/{task}/units/{unit_id}/report/",
        "admin_phone",
        name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        url="https://www.facebook.com/cdcs.thpt.tpcb",
        admin_name="Hoàng Thị An",
        admin_phone="0912 345 678",
        note="",
    )
    officer.follow(receipt)

    step("the admin sees the report in the tracking page")
    tracking = admin.get(f"/directives/tasks/{task}/tracking/")
    expect("Trường THPT Thành phố Cao Bằng" in tracking.text, "the unit is not in the tracking page")
    report = admin.get(f"/directives/tasks/{task}/units/{unit_id}/")
    expect("cdcs.thpt.tpcb" in report.text, "the admin does not see the reported Page")

    step("a message queued without a kick is delivered on beat's schedule (every minute)")
    stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from loa.notifications.models import Message; Message.objects.create(channel='email', "
        "recipient='beat@example.vn', template='smoke', subject='Beat', body='Sent on schedule.')",
    )
    wait_for_mail(mailbox, "beat@example.vn", timeout=90)

    two_workers_deliver_a_reminder_run(stack, mailbox)

    step("a web server stops: nginx passes its requests to the other, and the admin stays signed in")
    down, up = WEB_SERVERS[1], WEB_SERVERS[0]
    stack.stop_one(f"gunicorn-{WEB_PORTS[1]}")
    passed_on = 0
    for i in range(6):
        probe = f"/?smoke=failover-{i}"
        page = admin.get(probe)
        expect("quantri" in page.text or "Quản Trị" in page.text, f"GET {probe} does not show the signed-in admin")
        servers = asked(stack, "GET", probe)
        expect(servers[-1] == up, f"GET {probe} was answered by {servers[-1]}, which was stopped")
        passed_on += servers == [down, up]
    expect(passed_on, f"nginx never tried the stopped {down}: the failover was not exercised")

    step("/healthz answers 200 through nginx")
    health = admin.get("/healthz")
    expect(health.json()["status"] == "ok", f"healthz: {health.text}")


def two_workers_deliver_a_reminder_run(stack, mailbox):
    """REMINDER_RUN e-mails queued in one transaction, as a morning reminder run queues them: each
    queued message kicks a delivery task, the two workers' runs claim them concurrently (one
    conditional UPDATE per claim, loa/notifications/delivery.py), and the SMTP server must receive
    every one exactly once."""
    step(f"a reminder run of {REMINDER_RUN} e-mails queued at once: two workers deliver each exactly once")
    before = {name: _delivered_by(stack, name) for name in WORKERS}
    stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import transaction\n"
        "from loa.notifications.outbox import _create\n"
        "with transaction.atomic():\n"
        f"    for i in range({REMINDER_RUN}):\n"
        "        _create(channel='email', recipient=f'run-{i}@example.vn', template='smoke', subject='Nhắc báo cáo',"
        " body='Đơn vị chưa báo cáo.', html_body='', data={}, unit=None, dedupe_key=None)\n",
    )
    started = time.monotonic()

    def received():
        counts = {}
        for message in mailbox.messages:
            for address in message.rcpt_tos:
                if address.startswith("run-"):
                    counts[address] = counts.get(address, 0) + 1
        return counts

    while len(received()) < REMINDER_RUN and time.monotonic() - started < 90:
        time.sleep(0.5)
    took = time.monotonic() - started
    time.sleep(3)  # a duplicate would come now: a second claim of the same message
    counts = received()
    expect(len(counts) == REMINDER_RUN, f"{len(counts)} of {REMINDER_RUN} e-mails arrived in {took:.0f} s")
    twice = sorted(a for a, n in counts.items() if n > 1)
    expect(not twice, f"{len(twice)} e-mails arrived more than once, e.g. {twice[:5]}")
    status = stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from loa.notifications.models import Message as M; "
        "print(M.objects.filter(recipient__startswith='run-', status='sent').count())",
    )
    expect(status.stdout.strip() == str(REMINDER_RUN), f"messages marked sent: {status.stdout.strip()}")
    sent = {}
    for name in WORKERS:
        (runs_before, sent_before), (runs, n) = before[name], _delivered_by(stack, name)
        sent[name] = (runs - runs_before, n - sent_before)
    if not all(runs for runs, _ in sent.values()):
        # Which worker Celery hands the kicks to is its own business: exactly once is the property
        # checked; one worker idle this time is said, not failed on.
        print(f"    note: one worker ran no delivery this time: {sent}", flush=True)
    expect(sum(n for _, n in sent.values()) == REMINDER_RUN, f"the workers' logs count other deliveries: {sent}")
    print(
        f"    {REMINDER_RUN} e-mails in {took:.1f} s, each once; delivered by "
        + ", ".join(f"{name}: {n} in {runs} runs" for name, (runs, n) in sent.items()),
        flush=True,
    )


def _delivered_by(stack, name):
    """(delivery runs, messages sent) in a worker's log: Celery logs each task's result."""
    found = re.findall(
        r"Task loa\.notifications\.deliver_outbox\[[^\]]+\] succeeded in [\d.e-]+s: (\d+)",
        (stack.workdir / f"{name}.log").read_text(errors="replace"),
    )
    return len(found), sum(int(n) for n in found)


def _kind_id(browser, code):
    """The unit form's option for the standard kind `code` (loa_init made them)."""
    from loa.units.kinds import STANDARD_KINDS

    name = next(kind.name for kind in STANDARD_KINDS if kind.code == code)
    for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', browser.get("/units/new/").text):
        if label.strip() == name:
            return value
    raise SmokeFailure(f"no kind “{name}” in the unit form")


# --- Which web server answered ----------------------------------------------------------------


def asked(stack, method, uri):
    """The web servers (host:port) nginx asked for the latest `method uri`, in order: the last field
    of its access log line (deploy/nginx/loa.conf's `loa` format, "a, b" when nginx passed the
    request on). nginx writes the line once the answer is sent: wait a moment for it."""
    needle = f'"{method} {uri} '
    deadline = time.monotonic() + 3
    while True:
        path = stack.workdir / "loa.access.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        for line in reversed(lines):
            if needle in line:
                found = re.search(r'" [0-9a-f]{32} (.+)$', line)
                servers = found.group(1).split(", ") if found else []
                expect(servers and set(servers) <= set(WEB_SERVERS), f"{method} {uri} was answered by {servers}")
                return servers
        if time.monotonic() > deadline:
            raise SmokeFailure(f"nginx's access log has no {method} {uri}")
        time.sleep(0.1)


def answered_by(stack, method, uri):
    """The web server that answered the latest `method uri`."""
    return asked(stack, method, uri)[-1]


# --- The mail relay ----------------------------------------------------------------------------


def wait_for_mail(server, address, timeout):
    """The first message the local SMTP server received for `address` (the tests' own server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = server.to(address)
        if received:
            return received[0]
        time.sleep(0.5)
    raise SmokeFailure(f"no e-mail for {address} in {timeout} s; received: {[m.rcpt_tos for m in server.messages]}")


def main():
    # A TERM (CI's timeout, Ctrl-C's cousin) still stops everything started below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ports_free(HTTPS_PORT, HTTP_PORT, *WEB_PORTS)
    workdir = new_workdir("loa-smoke-")
    stack = Stack(
        workdir,
        site=SITE,
        database_url=f"{PG}/{DATABASE}",
        broker_url=f"{REDIS}/{BROKER_DB}",
        cache_url=f"{REDIS}/{CACHE_DB}",
    )
    mailbox = SMTPTestServer().start()
    s3 = SmokeS3(free_port())
    try:
        step(f"preparing in {workdir}")
        psql(PG, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        psql(PG, f'CREATE DATABASE "{DATABASE}"')
        redis_flush(BROKER_DB)
        redis_flush(CACHE_DB)
        s3.start(log=open(workdir / "s3.log", "w"))  # noqa: SIM115 (closed with the run's files)
        s3.create_bucket(BUCKET)
        stack.environment(mailbox.port, STORAGE_URL=s3.storage_url(BUCKET), **TEST_KEYS)
        cert, key = certificate(stack)
        prepare(stack)

        step("starting nginx, two gunicorns, two Celery workers and beat (files in a bucket of moto's S3 server)")
        health = start_servers(
            stack,
            cert=cert,
            key=key,
            https_port=HTTPS_PORT,
            http_port=HTTP_PORT,
            web_ports=WEB_PORTS,
            workers=WORKERS,
            own_media=True,
        )
        expect(health["checks"]["broker"].get("used") is not False, "healthz says no broker is used")

        journey(stack, cert, mailbox, s3)
        for name in stack.processes:
            expect(stack.alive(name), f"{name} stopped during the run:\n{stack.tail(name)}")
        print("Production smoke test passed.")
        return 0
    except (SmokeFailure, subprocess.CalledProcessError) as exc:
        print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
        for name in stack.processes:
            print(f"\n=== {name} (last lines) ===\n{stack.tail(name)}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        mailbox.stop()
        s3.stop()
        try:
            psql(PG, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            pass


if __name__ == "__main__":
    sys.exit(main())
