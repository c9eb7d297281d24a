"""The deploy/ files: valid for nginx and systemd, and in step with Loa's own settings."""

import getpass
import importlib
import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings

from loa.ops.tests.deploy_tools import (
    DEPLOY,
    ROOT,
    nginx_main_conf,
    nginx_site,
    self_signed_certificate,
    systemd_units,
    unit_setting,
)

needs_nginx = pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is installed by scripts/system-deps.sh test")


@needs_nginx
def test_the_nginx_site_passes_nginx_t(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    site = nginx_site(tmp_path, cert=cert, key=key)
    result = subprocess.run(
        ["nginx", "-t", "-c", str(nginx_main_conf(tmp_path, site))], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@needs_nginx
def test_the_site_with_the_several_servers_upstream_passes_nginx_t(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    site = nginx_site(tmp_path, cert=cert, key=key, upstreams=("127.0.0.1:8001", "127.0.0.1:8002"), several=True)
    text = site.read_text()
    assert "server 127.0.0.1:8001 max_fails=3 fail_timeout=10s;" in text
    assert "server 127.0.0.1:8002 max_fails=3 fail_timeout=10s;" in text
    assert "least_conn;" in text and "127.0.0.1:8000" not in text
    result = subprocess.run(
        ["nginx", "-t", "-c", str(nginx_main_conf(tmp_path, site))], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_nginx_passes_to_the_next_web_server_only_what_is_safe_to_send_twice():
    """A request whose server could not be reached goes to the next one, soon after it started; never a
    POST already sent (`non_idempotent` would allow it), never a 5xx Loa answered (http_500…)."""
    text = re.sub(r"#.*", "", (DEPLOY / "nginx" / "loa.conf").read_text())
    rule = re.search(r"proxy_next_upstream ([^;]+);", text).group(1).split()
    assert set(rule) <= {"error", "timeout"}, rule
    assert int(re.search(r"proxy_next_upstream_timeout (\d+)s;", text).group(1)) <= 15
    example = re.sub(r"#.*", "", (DEPLOY / "nginx" / "loa-upstream.conf").read_text())
    assert "non_idempotent" not in text + example and "ip_hash" not in example
    assert len(re.findall(r"^    server \S+ max_fails=\d+ fail_timeout=\d+s;$", example, re.MULTILINE)) == 2


@needs_nginx
def test_a_broken_site_file_fails_nginx_t(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    site = nginx_site(tmp_path, cert=cert, key=key)
    site.write_text(site.read_text().replace("proxy_pass http://loa_web;", "proxy_pass http://loa_web"))
    result = subprocess.run(
        ["nginx", "-t", "-c", str(nginx_main_conf(tmp_path, site))], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is part of systemd")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    units = systemd_units(tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
        env={"SYSTEMD_UNIT_PATH": f"{tmp_path}:", "PATH": "/usr/bin:/bin"},
    )
    # verify exits 0 on unknown keys: any message at all is a failure here.
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), result.stderr


def test_every_timer_starts_a_unit_that_exists():
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        target = re.search(r"^Unit=(.+)$", timer.read_text(), re.MULTILINE)
        name = target.group(1) if target else timer.name.replace(".timer", ".service")
        template = re.sub(r"@.+\.service$", "@.service", name)
        assert (DEPLOY / "systemd" / template).exists(), f"{timer.name} starts {name}, which is not in deploy/systemd"


def test_every_celery_beat_entry_has_a_timer_for_the_setup_without_celery():
    """Without Celery the same schedules run from systemd timers (the outbox and jobs from their loops)."""
    looped = {"loa.notifications.deliver_outbox", "loa.jobs.recover_expired"}
    timers = " ".join(t.read_text() for t in (DEPLOY / "systemd").glob("*.timer"))
    missing = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("loa."):
            continue
        try:
            schedule = importlib.import_module(f"{app}.schedule").BEAT_SCHEDULE
        except ModuleNotFoundError:
            continue
        for name, entry in schedule.items():
            if entry["task"] not in looped and f"Celery beat: {name}" not in timers:
                missing.append(name)
    assert not missing, f"beat entries without a systemd timer: {missing}"


def test_nginx_lets_through_every_upload_loa_accepts():
    size = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx" / "loa.conf").read_text())
    assert int(size.group(1)) * 1024 * 1024 > settings.UPLOAD_MAX_BYTES


def test_nginx_waits_longer_than_gunicorn_so_that_gunicorn_ends_a_stuck_request():
    nginx = int(re.search(r"proxy_read_timeout (\d+)s;", (DEPLOY / "nginx" / "loa.conf").read_text()).group(1))
    gunicorn = int(re.search(r"--timeout (\d+)", unit_setting("loa-web.service", "ExecStart")).group(1))
    assert nginx > gunicorn >= 60


def test_the_web_unit_runs_the_pinned_gunicorn():
    assert unit_setting("loa-web.service", "ExecStart").startswith("/opt/loa/.venv/bin/gunicorn loa.wsgi:application")
    assert re.search(r"^gunicorn==", (ROOT / "requirements.lock").read_text(), re.MULTILINE)


def test_the_manage_wrapper_reads_the_environment_file_as_systemd_does(tmp_path):
    env_file = tmp_path / "loa.env"
    env_file.write_text("DEBUG=true\nDEFAULT_FROM_EMAIL=Loa <loa@example.vn>\nLOA_ENV_FILE=\nSECRET_KEY=x\n")
    result = subprocess.run(
        [
            str(DEPLOY / "loa-manage"),
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.DEFAULT_FROM_EMAIL)",
        ],
        env={
            "PATH": os.environ["PATH"],
            "LOA_ENV": str(env_file),
            "LOA_USER": getpass.getuser(),
            "LOA_HOME": str(ROOT),
            "LOA_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Loa <loa@example.vn>"
