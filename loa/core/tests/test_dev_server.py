"""`make run` (scripts/dev-server.sh) as a developer uses it: it serves, and Ctrl-C stops it all."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PORT = "8127"


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        DEBUG="true",
        LOA_ENV_FILE="",
        LOA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/loa.sqlite3",
        LOA_DEV_PORT=PORT,
        SECRET_KEY="dev",
    )
    return env


def test_ctrl_c_stops_the_server_and_the_workers_cleanly(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    # A terminal's Ctrl-C: SIGINT to the whole foreground process group, with SIGINT not ignored.
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "dev-server.sh")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A shell that started us in the background may have left SIGINT ignored; a terminal does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 (no threads yet)
    )
    try:
        for _ in range(60):
            try:
                assert urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/").status == 200
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("the development server never answered")
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, output
    assert "Segmentation fault" not in output and "Traceback" not in output, output
    leftovers = subprocess.run(["pgrep", "-f", f"runserver 127.0.0.1:{PORT}"], capture_output=True, check=False)
    assert leftovers.returncode == 1, "the development server is still running"
