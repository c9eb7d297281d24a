#!/usr/bin/env python
"""The production smoke test: Loa's real stack on loopback, used over HTTPS as people use it.

Started from the repo's own deploy files, as a server runs them:
- nginx with deploy/nginx/loa.conf and a self-signed certificate (HTTPS on 8443, HTTP on 8080);
- gunicorn with loa-web.service's own command line;
- a Celery worker and Celery beat with their units' command lines, on Redis;
- PostgreSQL (a fresh database), and a local SMTP server standing in for the mail relay.

Then, through nginx: `loa_init`, the admin logs in, creates a unit and invites an officer (the
invitation leaves through the worker), the officer sets a password from the e-mailed link, the
admin issues a directive and attaches a file that the officer downloads (sent by nginx after Loa
allowed it), the officer files the report, the admin sees it. A message queued without a kick is
delivered by beat's schedule. Every step checks its answer, so the run fails if
any piece is missing. Everything started is stopped at the end, success or not.

    .venv/bin/python scripts/smoke_production.py      (CI runs it after the two suites)
"""

import base64
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from loa.env import parse_env_file
from loa.notifications.testing import SMTPTestServer
from loa.ops.tests.deploy_tools import (
    nginx_main_conf,
    nginx_site,
    self_signed_certificate,
    unit_setting,
)

HTTPS_PORT, HTTP_PORT, WEB_PORT = 8443, 8080, 8100
SITE = f"https://localhost:{HTTPS_PORT}"
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "loa_smoke"
REDIS = "redis://127.0.0.1:6379"
ADMIN_PASSWORD = "Smoke-admin-" + secrets.token_urlsafe(8)
OFFICER_PASSWORD = "Smoke-officer-" + secrets.token_urlsafe(8)


def step(text):
    print(f"--- {text}", flush=True)


class SmokeFailure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise SmokeFailure(message)


# --- The stack -------------------------------------------------------------------------------


class Stack:
    def __init__(self, workdir):
        self.workdir = workdir
        self.processes = {}
        self.env = None

    def environment(self, smtp_port):
        values = parse_env_file(ROOT / "deploy" / "loa.env.example")
        values.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            SITE_URL=SITE,
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=f"{PG}/{DATABASE}",
            MEDIA_ROOT=str(self.workdir / "media"),
            LOA_VAR_DIR=str(self.workdir / "var"),
            CELERY_BROKER_URL=f"{REDIS}/12",
            CACHE_URL=f"{REDIS}/13",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_USE_TLS="false",
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        )
        env_file = self.workdir / "loa.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        self.env_file = env_file
        self.env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8", **values}
        (self.workdir / "var").mkdir(exist_ok=True)

    def manage(self, *args, check=True):
        """deploy/loa-manage, as an operator runs it (the environment file, the service user)."""
        import getpass

        result = subprocess.run(
            [str(ROOT / "deploy" / "loa-manage"), *args],
            capture_output=True,
            text=True,
            check=False,
            env={
                "PATH": os.environ["PATH"],
                "LOA_ENV": str(self.env_file),
                "LOA_HOME": str(ROOT),
                "LOA_USER": getpass.getuser(),
            },
        )
        if check and result.returncode != 0:
            raise SmokeFailure(f"loa-manage {' '.join(args)} failed:\n{result.stderr}{result.stdout}")
        return result

    def unit_command(self, unit):
        """The unit's ExecStart, with this checkout for /opt/loa and this run's paths."""
        command = unit_setting(unit, "ExecStart").replace("/opt/loa", str(ROOT))
        command = command.replace("/var/lib/loa", str(self.workdir / "var"))
        command = command.replace("--bind 127.0.0.1:8000", f"--bind 127.0.0.1:{WEB_PORT}")
        command = command.replace("%H", "smoke")
        return shlex.split(command)

    def start(self, name, args, env=None):
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (kept open while the process runs)
        self.processes[name] = (
            subprocess.Popen(
                args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            ),
            log,
        )

    def alive(self, name):
        return self.processes[name][0].poll() is None

    def stop(self):
        for process, _log in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            log.close()

    def tail(self, name, lines=30):
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def psql(sql):
    subprocess.run(
        ["psql", f"{PG}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True
    )


def redis_flush(db):
    subprocess.run(["redis-cli", "-n", str(db), "flushdb"], check=True, capture_output=True)


# --- A browser's worth of HTTP ---------------------------------------------------------------


class _Forms(HTMLParser):
    """The page's forms with the values a browser would send as they stand."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            fields.setdefault(self._select, None)
        elif tag == "option" and self._select:
            # The first option, unless a later one is selected.
            if fields.get(self._select) is None or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


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
        parser = _Forms()
        parser.feed(page.text)
        forms = [
            f
            for f in parser.forms
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


def journey(stack, cert, mailbox):
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

    step("the officer downloads the directive's attached file: Loa allows it, nginx sends it")
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
    link = re.search(r'href="(/directives/\d+/attachments/\d+/)"', officer.get(f"/directives/{directive}/").text)
    expect(link, "the directive page links no attached file")
    download = officer.get(link.group(1))
    expect(
        download.content == pdf
        and download.headers.get("content-type") == "application/pdf"
        and download.headers.get("x-content-type-options") == "nosniff",
        f"the attached file: {download.headers}",
    )
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

    step("/healthz answers 200 through nginx")
    health = admin.get("/healthz")
    expect(health.json()["status"] == "ok", f"healthz: {health.text}")


def _kind_id(browser, code):
    """The unit form's option for the standard kind `code` (loa_init made them)."""
    from loa.units.kinds import STANDARD_KINDS

    name = next(kind.name for kind in STANDARD_KINDS if kind.code == code)
    for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', browser.get("/units/new/").text):
        if label.strip() == name:
            return value
    raise SmokeFailure(f"no kind “{name}” in the unit form")


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


def wait_healthy(cert, stack, timeout=90):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for name in stack.processes:
            expect(stack.alive(name), f"{name} stopped:\n{stack.tail(name)}")
        try:
            last = httpx.get(f"{SITE}/healthz", verify=str(cert), timeout=5)
            if last.status_code == 200:
                return last.json()
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(1)
    raise SmokeFailure(f"/healthz never answered 200: {getattr(last, 'text', last)}")


def ports_free(*ports):
    import socket

    for port in ports:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                raise SmokeFailure(f"port {port} is taken: is an earlier smoke run still going?")


def main():
    # A TERM (CI's timeout, Ctrl-C's cousin) still stops everything started below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ports_free(HTTPS_PORT, HTTP_PORT, WEB_PORT)
    workdir = Path(tempfile.mkdtemp(prefix="loa-smoke-"))
    workdir.chmod(0o755)  # nginx's workers (nobody) read the static files, as www-data does /var/lib/loa
    stack = Stack(workdir)
    mailbox = SMTPTestServer().start()
    try:
        step(f"preparing in {workdir}")
        psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DATABASE}"')
        redis_flush(12)
        redis_flush(13)
        stack.environment(mailbox.port)
        cert, key = self_signed_certificate(workdir)
        subprocess.run(
            [sys.executable, "../manage.py", "compilemessages", "-l", "vi", "-v", "0"],
            cwd=ROOT / "loa",
            check=True,
            env=stack.env,
        )
        stack.manage("migrate", "--noinput")
        stack.manage("collectstatic", "--noinput", "-v", "0")
        check = stack.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
        expect(check.returncode == 0, f"check --deploy:\n{check.stderr}")

        step("starting nginx, gunicorn, the Celery worker and beat")
        site = nginx_site(
            workdir,
            cert=cert,
            key=key,
            https_port=HTTPS_PORT,
            http_port=HTTP_PORT,
            static_root=workdir / "var" / "static",
            media_root=workdir / "media",
            upstreams=(f"127.0.0.1:{WEB_PORT}",),
        )
        stack.start("nginx", ["nginx", "-c", str(nginx_main_conf(workdir, site)), "-g", "daemon off;"])
        stack.start("gunicorn", stack.unit_command("loa-web.service"))
        stack.start("worker", stack.unit_command("loa-worker.service"))
        stack.start("beat", stack.unit_command("loa-beat.service"))
        health = wait_healthy(cert, stack)
        expect(health["checks"]["broker"].get("used") is not False, "healthz says no broker is used")

        journey(stack, cert, mailbox)
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
        try:
            psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            pass


if __name__ == "__main__":
    sys.exit(main())
