"""Crisis intake through the API, against the bare INSERT of the same rows.

Builds a fresh data directory and database (a SQLite file, or a new PostgreSQL database `bench_intake` on the
server that --database-url or DATABASE_URL names, dropped afterwards), migrates, loads a small demo network,
creates an API token for one team's call receiver, starts the real server (`crisisline serve`: gunicorn) and
has --clients threads POST --crises crises through it, each over one keep-alive connection, each crisis with
its own Idempotency-Key. It prints the latency (p50, p99, max) and crises per second; then it copies the rows
the API wrote into a temporary table of the same columns with one plain executemany, and prints the ratio of
the API's time per crisis to the bare insert's time per row.

Loopback only, bounded in count (--crises) and time (--timeout). Not part of the test suite.

    .venv/bin/python bench/crisis_intake.py                                  # SQLite
    .venv/bin/python bench/crisis_intake.py --database postgres \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "bench_intake"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CRISIS_TYPES = (
    "sexual_violence",
    "physical_violence",
    "arrest",
    "police_harassment",
    "suicide_risk",
    "other",
)


# --- Set-up ------------------------------------------------------------------------------------------------
def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def crisisline(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run a `crisisline` command in the benchmark's environment; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "crisisline", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"crisisline {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def postgres_database(server_url: str):
    """A new database on the server of `server_url`, dropped afterwards; yields its URL."""
    import psycopg

    parts = urlsplit(server_url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"refusing {parts.hostname!r}: the benchmark runs on loopback only")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")  # a run that was killed
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        yield urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def connect(database_url: str):
    """A DB-API connection straight to the benchmark's database, for what is not measured through the API
    and for the bare insert."""
    if database_url.startswith("sqlite:"):
        connection = sqlite3.connect(urlsplit(database_url).path, isolation_level=None)
        # As the server has it (settings.py): WAL, and a commit that survives a power cut.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection
    import psycopg

    return psycopg.connect(database_url)


def first_team(database_url: str) -> str:
    with closing(connect(database_url)) as connection:
        return connection.execute("SELECT code FROM network_team ORDER BY code LIMIT 1").fetchone()[0]


def log_tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@contextmanager
def server(env: dict[str, str], port: int, log_path: Path, wait: float = 60):
    """`crisisline serve` in its own process group, until /healthz answers; stopped on the way out."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "crisisline", "serve"],
            env=env | {"PORT": str(port)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server stopped (exit {process.returncode}):\n{log_tail(log_path)}")
            try:
                with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=2)) as probe:
                    probe.request("GET", "/healthz")
                    answer = probe.getresponse()
                    # 503 only says no background worker runs, which this benchmark does not need.
                    if json.loads(answer.read()).get("database", {}).get("ok"):
                        break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer /healthz in {wait:.0f} s:\n{log_tail(log_path)}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the process group this script started, and only it
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# --- Load --------------------------------------------------------------------------------------------------
@dataclass
class Load:
    total: int
    deadline: float
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> int | None:
        """The index of the next crisis to send, or None when all are taken or time is up."""
        with self._lock:
            if self._next >= self.total or time.monotonic() > self.deadline or len(self.failures) > 20:
                return None
            self._next += 1
            return self._next - 1

    def fail(self, what: str) -> None:
        with self._lock:
            self.failures.append(what)

    def done(self, latencies: list[float]) -> None:
        with self._lock:
            self.latencies.extend(latencies)


def body_of(index: int, team: str) -> bytes:
    return json.dumps(
        {
            "team": team,
            "crisis_type": CRISIS_TYPES[index % len(CRISIS_TYPES)],
            "place": "near the bus stand",
            "note": f"Synthetic crisis {index} for the intake benchmark: hurt, needs a call back.",
        }
    ).encode()


def client(load: Load, port: int, token: str, team: str, run: str, start: threading.Barrier, bar: tqdm):
    """One client: one keep-alive connection, crises one after another."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request("GET", "/api/v1/me", headers=headers)  # warm: connected, worker loaded
    connection.getresponse().read()
    start.wait()
    latencies = []
    while (index := load.take()) is not None:
        began = time.perf_counter()
        try:
            connection.request(
                "POST",
                "/api/v1/crises",
                body_of(index, team),
                headers | {"Idempotency-Key": f"{run}-{index}"},
            )
            answer = connection.getresponse()
            answer.read()
        except (OSError, http.client.HTTPException) as error:
            load.fail(f"crisis {index}: {type(error).__name__}: {error}")
            connection.close()  # reconnects on the next request
            continue
        latencies.append(time.perf_counter() - began)
        if answer.status != 201:
            load.fail(f"crisis {index}: HTTP {answer.status}")
        bar.update(1)
    connection.close()
    load.done(latencies)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- Bare insert -------------------------------------------------------------------------------------------
def bare_insert(database_url: str, run: str) -> tuple[int, float]:
    """Copy the crises the API wrote into a temporary table of the same columns with one executemany in one
    transaction; the rows and the seconds it took."""
    sqlite = database_url.startswith("sqlite:")
    marker = "?" if sqlite else "%s"
    with closing(connect(database_url)) as connection:
        if sqlite:
            connection.execute("CREATE TEMP TABLE bare_crisis AS SELECT * FROM crises_crisis WHERE 0")
        else:
            connection.execute("CREATE TEMP TABLE bare_crisis (LIKE crises_crisis INCLUDING DEFAULTS)")
        query = "SELECT * FROM crises_crisis WHERE idempotency_key LIKE ?"
        cursor = connection.execute(query if sqlite else query.replace("?", "%s"), (f"{run}-%",))
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        if not sqlite:
            connection.commit()  # the timed transaction holds the inserts only
        # Column names from the database itself, values as parameters.
        insert = "INSERT INTO bare_crisis ({}) VALUES ({})".format(  # noqa: S608
            ", ".join(columns), ", ".join([marker] * len(columns))
        )
        began = time.perf_counter()
        if sqlite:
            connection.execute("BEGIN")
        with closing(connection.cursor()) as cursor:
            cursor.executemany(insert, rows)
        if sqlite:
            connection.execute("COMMIT")
        else:
            connection.commit()
        return len(rows), time.perf_counter() - began


# --- Main --------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server to create the benchmark database on (default: DATABASE_URL)",
    )
    parser.add_argument("--crises", type=int, default=2000, help="crises to log in all (default 2000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--timeout", type=float, default=900, help="stop sending after this many seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as `serve`)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as `serve`)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the server log)")
    args = parser.parse_args()
    if not 1 <= args.crises <= 100_000 or not 1 <= args.clients <= 200:
        parser.error("--crises must be 1..100000 and --clients 1..200")

    data = Path(tempfile.mkdtemp(prefix="crisisline-bench-"))
    try:
        if args.database == "postgres":
            if not args.database_url.startswith(("postgres://", "postgresql://")):
                parser.error("--database postgres needs --database-url or DATABASE_URL: postgres://...")
            with postgres_database(args.database_url) as url:
                run(args, data, url)
        else:
            run(args, data, f"sqlite:///{data / 'crisisline.sqlite3'}")
    finally:
        if args.keep:
            print(f"data directory kept: {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


def run(args: argparse.Namespace, data: Path, database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL", "PORT"))}
    env |= {
        "CRISISLINE_DATA": str(data),
        "DATABASE_URL": database_url,
        "CRISISLINE_HOST": "127.0.0.1",
        "CRISISLINE_DEMO_ALLOWED": "true",
        "CRISISLINE_LOG_LEVEL": "WARNING",
        "CRISISLINE_WEB_WORKERS": str(args.workers),
        "CRISISLINE_WEB_THREADS": str(args.threads),
        "PYTHONUNBUFFERED": "1",
    }
    engine = "SQLite" if database_url.startswith("sqlite:") else "PostgreSQL"
    print(f"{engine}, data in {data}")
    crisisline(env, "migrate", "--verbosity=0")
    crisisline(env, "demo", "--states", "1", "--teams", "4", "--verbosity=0")
    team = first_team(database_url)
    token = crisisline(env, "token", "create", "--user", f"{team.lower()}.calls", "--name", "bench").strip()
    port = free_port()
    load_before = os.getloadavg()[0]  # others' work on the machine shows in the figures
    run_id = f"bench-{int(time.time())}"
    load = Load(total=args.crises, deadline=time.monotonic() + args.timeout)

    with server(env, port, data / "server.log"):
        start = threading.Barrier(args.clients + 1)
        with tqdm(total=args.crises, unit="crisis", desc="POST /api/v1/crises", leave=False) as bar:
            threads = [
                threading.Thread(
                    target=client, args=(load, port, token, team, run_id, start, bar), daemon=True
                )
                for _ in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            start.wait(timeout=60)
            began = time.perf_counter()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began

    if load.failures:
        print(f"{len(load.failures)} failures, the first: {load.failures[:3]}", file=sys.stderr)
        print(log_tail(data / "server.log"), file=sys.stderr)
        raise SystemExit(1)
    sent = len(load.latencies)
    if sent < args.crises:
        print(f"time ran out: {sent} of {args.crises} crises sent", file=sys.stderr)
    rows, insert_seconds = bare_insert(database_url, run_id)
    api_per_crisis = wall / sent
    insert_per_row = insert_seconds / rows
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"server: gunicorn, {args.workers} workers x {args.threads} threads; "
        f"load average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    print(f"crises through the API: {sent} by {args.clients} clients in {wall:.2f} s")
    print(f"  throughput          {sent / wall:9.1f} crises/s")
    for name, value in (
        ("p50", percentile(load.latencies, 50)),
        ("p99", percentile(load.latencies, 99)),
        ("max", max(load.latencies)),
    ):
        print(f"  latency {name}         {value * 1000:9.1f} ms")
    print(
        f"bare INSERT of the same {rows} rows (executemany, one transaction): {insert_seconds * 1000:.1f} ms"
    )
    print(f"  per row             {insert_per_row * 1e6:9.1f} us")
    print(f"ratio (API time per crisis / bare insert time per row): {api_per_crisis / insert_per_row:.0f}")


if __name__ == "__main__":
    main()
