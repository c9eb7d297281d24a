"""Loa's production stack on loopback, started from the repo's own deploy files as a server runs them.

Shared by the production smoke test (scripts/smoke_production.py) and the load test (bench/load.py):
- nginx with deploy/nginx/loa.conf (several web servers: the upstream block of
  deploy/nginx/loa-upstream.conf) and a self-signed certificate;
- gunicorns with loa-web.service's own command line, one per port;
- Celery workers and beat with their units' command lines, on Redis;
- PostgreSQL, and a local SMTP server (loa.notifications.testing.SMTPTestServer) for the mail relay.

`start_stack()` does all of it and waits for /healthz; `Stack.stop()` stops everything it started.
Also here: a browser's worth of HTML form reading (`Forms`), used by both to fill forms as a
person would.
"""

import base64
import getpass
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loa.env import parse_env_file
from loa.ops.tests.deploy_tools import nginx_main_conf, nginx_site, self_signed_certificate, unit_setting


class StackFailure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise StackFailure(message)


class Stack:
    """The processes of one stack, their environment file and logs in `workdir`."""

    def __init__(self, workdir, *, site, database_url, broker_url, cache_url):
        self.workdir = Path(workdir)
        self.site, self.database_url, self.broker_url, self.cache_url = site, database_url, broker_url, cache_url
        self.processes = {}
        self.stopped = set()  # stopped on purpose (a failover drill)
        self.env = None

    def environment(self, smtp_port, **overrides):
        """deploy/loa.env.example with this run's secrets, addresses and paths (and `overrides`)."""
        values = parse_env_file(ROOT / "deploy" / "loa.env.example")
        values.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            SITE_URL=self.site,
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.workdir / "media"),
            LOA_VAR_DIR=str(self.workdir / "var"),
            CELERY_BROKER_URL=self.broker_url,
            CACHE_URL=self.cache_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_USE_TLS="false",
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        )
        values.update(overrides)
        env_file = self.workdir / "loa.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        self.env_file = env_file
        self.env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8", **values}
        (self.workdir / "var").mkdir(exist_ok=True)

    def manage(self, *args, check=True):
        """deploy/loa-manage, as an operator runs it (the environment file, the service user)."""
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
            raise StackFailure(f"loa-manage {' '.join(args)} failed:\n{result.stderr}{result.stdout}")
        return result

    def unit_command(self, unit, *, port=8000, host="smoke", extra=()):
        """The unit's ExecStart, with this checkout for /opt/loa, this run's paths, the web server's
        port and the worker's host name (%H: each worker's Celery node name must be its own)."""
        command = unit_setting(unit, "ExecStart").replace("/opt/loa", str(ROOT))
        command = command.replace("/var/lib/loa", str(self.workdir / "var"))
        command = command.replace("--bind 127.0.0.1:8000", f"--bind 127.0.0.1:{port}")
        command = command.replace("%H", host)
        return shlex.split(command) + list(extra)

    def own_media(self, name):
        """The environment of a server with a MEDIA_ROOT of its own: nothing on disk is shared."""
        return {**self.env, "MEDIA_ROOT": str(self.workdir / f"media-{name}")}

    def start(self, name, args, env=None):
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (kept open while the process runs)
        self.processes[name] = (
            subprocess.Popen(
                args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            ),
            log,
        )

    def pid(self, name):
        return self.processes[name][0].pid

    def alive(self, name):
        return name in self.stopped or self.processes[name][0].poll() is None

    def stop_one(self, name):
        """Stop one server as its machine failing would (TERM, then KILL)."""
        process = self.processes[name][0]
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.stopped.add(name)

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


def psql(server_url, sql):
    """Run `sql` on the server's `postgres` database (creating and dropping databases)."""
    subprocess.run(
        ["psql", f"{server_url}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True
    )


def redis_flush(db):
    subprocess.run(["redis-cli", "-n", str(db), "flushdb"], check=True, capture_output=True)


def ports_free(*ports):
    for port in ports:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                raise StackFailure(f"port {port} is taken: is an earlier run still going?")


def wait_healthy(site, cert, stack, timeout=90):
    import httpx

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for name in stack.processes:
            expect(stack.alive(name), f"{name} stopped:\n{stack.tail(name)}")
        try:
            last = httpx.get(f"{site}/healthz", verify=str(cert), timeout=5)
            if last.status_code == 200:
                return last.json()
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(1)
    raise StackFailure(f"/healthz never answered 200: {getattr(last, 'text', last)}")


def prepare(stack, *, check_deploy=True):
    """What a deployment runs before starting the servers: messages, migrations, static files, checks."""
    subprocess.run(
        [sys.executable, "../manage.py", "compilemessages", "-l", "vi", "-v", "0"],
        cwd=ROOT / "loa",
        check=True,
        env=stack.env,
    )
    stack.manage("migrate", "--noinput")
    stack.manage("collectstatic", "--noinput", "-v", "0")
    if check_deploy:
        check = stack.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
        expect(check.returncode == 0, f"check --deploy:\n{check.stderr}")


def start_servers(
    stack, *, cert, key, https_port, http_port, web_ports, workers, beat=True, web_extra=(), own_media=False
):
    """nginx in front of one gunicorn per port of `web_ports`, the Celery `workers` (node names) and
    beat, with the units' own command lines; returns /healthz's answer once it is 200.
    `web_extra`: arguments added to gunicorn's command line (a later option wins in gunicorn).
    `own_media`: each web server and worker gets a MEDIA_ROOT of its own, as on separate machines
    (the files must then be in object storage, STORAGE_URL)."""
    upstreams = tuple(f"127.0.0.1:{port}" for port in web_ports)
    site = nginx_site(
        stack.workdir,
        cert=cert,
        key=key,
        https_port=https_port,
        http_port=http_port,
        static_root=stack.workdir / "var" / "static",
        media_root=stack.workdir / "media",
        upstreams=upstreams,
        several=len(upstreams) > 1,
    )
    stack.start("nginx", ["nginx", "-c", str(nginx_main_conf(stack.workdir, site)), "-g", "daemon off;"])
    for port in web_ports:
        name = f"gunicorn-{port}"
        env = stack.own_media(name) if own_media else None
        stack.start(name, stack.unit_command("loa-web.service", port=port, extra=web_extra), env=env)
    for name in workers:
        start_worker(stack, name, own_media=own_media)
    if beat:
        stack.start("beat", stack.unit_command("loa-beat.service"))
    return wait_healthy(stack.site, cert, stack)


def start_worker(stack, name, *, own_media=False):
    """A Celery worker with loa-worker.service's command line and a node name of its own (again, if
    it was stopped)."""
    stack.stopped.discard(name)
    env = stack.own_media(name) if own_media else None
    stack.start(name, stack.unit_command("loa-worker.service", host=f"{stack.workdir.name}-{name}"), env=env)


def new_workdir(prefix):
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    workdir.chmod(0o755)  # nginx's workers (nobody) read the static files, as www-data does /var/lib/loa
    return workdir


def certificate(stack):
    return self_signed_certificate(stack.workdir)


# --- A browser's worth of HTML forms -----------------------------------------------------------


class Forms(HTMLParser):
    """The page's forms with the values a browser would send as they stand:
    `Forms.read(html)` → [{"action", "method", "fields"}]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea = [], None, None

    @classmethod
    def read(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.forms

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
