"""`crisisline run` (what `make run` starts): from an empty data directory to a served sign-in page with
demo data and a running worker, and a clean stop on Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

WAIT = 90  # seconds: migrations, static files and demo data on an empty database, on a slow machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_run_sets_up_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    env |= {"CRISISLINE_DATA": str(tmp_path / "data"), "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "run.log"
    run = subprocess.Popen(
        [sys.executable, "-m", "crisisline", "run"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        health = None
        while time.monotonic() < deadline and run.poll() is None:
            try:
                status, body = fetch(f"{base}/healthz")
                health = (status, json.loads(body))
                if status == 200:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.25)
        assert health is not None and health[0] == 200, health

        status, page = fetch(f"{base}/accounts/login/")
        assert status == 200 and 'name="username"' in page
        hashed = page.split('href="/static/web/crisisline.')[1].split('"')[0]
        assert hashed.endswith(".css") and len(hashed) == len("0123456789ab.css")  # collected, hashed name
        status, css = fetch(f"{base}/static/web/crisisline.{hashed}")
        assert status == 200 and "quick-exit-button" in css

        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=40) == 0
    finally:
        if run.poll() is None:
            run.kill()  # its children get SIGTERM from the kernel (run.py: _die_with_parent)
            run.wait()
        output = log.read_text()
    assert "demo logins, all with the password crisisline-demo-2026" in output and "pm.network" in output
    assert f"Crisisline is running on http://127.0.0.1:{port}/" in output
    assert "Stopped." in output
    with pytest.raises(OSError):
        fetch(f"{base}/healthz")  # nothing listens any more: the web server stopped with it
