"""The repo's deploy/ files made runnable on this machine: paths moved from /opt/loa to the
checkout, a self-signed certificate, an nginx main configuration around the site file. Used by the
deploy-file checks and by the production smoke test (scripts/smoke_production.py)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def self_signed_certificate(directory, host="localhost"):
    directory = Path(directory)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_site(
    directory,
    *,
    cert,
    key,
    https_port=443,
    http_port=80,
    static_root=None,
    media_root=None,
    upstreams=("127.0.0.1:8000",),
    several=False,
):
    """The site file with this machine's certificate, ports, static and media files and upstream servers.

    several=True: with the upstream block of deploy/nginx/loa-upstream.conf (several web servers),
    its example servers replaced by `upstreams`, each with the example's own parameters."""
    text = (DEPLOY / "nginx" / "loa.conf").read_text()
    if several:
        text = _UPSTREAM.sub(lambda _: several_servers_upstream(upstreams), text, count=1)
    text = text.replace("/etc/letsencrypt/live/loa.example.vn/fullchain.pem", str(cert))
    text = text.replace("/etc/letsencrypt/live/loa.example.vn/privkey.pem", str(key))
    text = text.replace("loa.example.vn", "localhost")
    text = text.replace("listen 443 ssl", f"listen {https_port} ssl").replace(
        "listen [::]:443 ssl", f"listen [::]:{https_port} ssl"
    )
    text = text.replace("listen 80;", f"listen {http_port};").replace("listen [::]:80;", f"listen [::]:{http_port};")
    text = text.replace("/var/log/nginx/", f"{directory}/")
    text = text.replace("/var/www/html", str(directory))
    if static_root:
        text = text.replace("/var/lib/loa/static/", f"{static_root}/")
    if media_root:
        text = text.replace("alias /var/lib/loa/media/;", f"alias {media_root}/;")
    servers = "".join(f"    server {u};\n" for u in upstreams)
    text = re.sub(r"    server 127\.0\.0\.1:8000;\n", servers, text)
    site = Path(directory) / "loa.conf"
    site.write_text(text)
    return site


_UPSTREAM = re.compile(r"^upstream loa_web \{\n.*?^\}\n", re.MULTILINE | re.DOTALL)


def several_servers_upstream(upstreams):
    """deploy/nginx/loa-upstream.conf's upstream block with `upstreams` for its example servers."""
    block = _UPSTREAM.search((DEPLOY / "nginx" / "loa-upstream.conf").read_text()).group(0)
    examples = re.findall(r"^    server (\S+)(.*);\n", block, re.MULTILINE)
    assert len(examples) >= 2, "loa-upstream.conf should show at least two servers"
    parameters = examples[0][1]
    servers = "".join(f"    server {u}{parameters};\n" for u in upstreams)
    block = re.sub(r"^    server \S+.*;\n", "", block, flags=re.MULTILINE)
    return block.replace("    keepalive", servers + "    keepalive", 1)


def nginx_main_conf(directory, site):
    """A main nginx.conf as Debian's, with every path inside `directory` (no root needed to test)."""
    directory = Path(directory)
    conf = directory / "nginx.conf"
    conf.write_text(f"""
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
worker_processes 2;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    sendfile on;
    include {site};
}}
""")
    return conf


def systemd_units(directory, home=ROOT):
    """The units with /opt/loa replaced by `home`, so that their commands exist here."""
    directory = Path(directory)
    for unit in (DEPLOY / "systemd").iterdir():
        (directory / unit.name).write_text(unit.read_text().replace("/opt/loa", str(home)))
    return sorted(directory.iterdir())


def unit_setting(name, key):
    """The value of `key` (ExecStart, Unit…) in deploy/systemd/`name`."""
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    raise KeyError(f"{name} has no {key}")
