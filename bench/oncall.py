"""On-call benchmarks: the first page, escalation lateness, and a fault run with kill -9.

Three sub-commands, each on a fresh data directory and database (a SQLite file, or a new PostgreSQL database
`bench_oncall` on the server that --database-url names, dropped afterwards), with the demo network
(`crisisline demo --states 1 --teams 2 --crises 0`), a console contact point for everyone in the first team,
a responders' rotation, and a team escalation policy. Pages go out through the console transport, which
appends each message with its idempotency key and the moment it was handed over to `outbox.jsonl`
(CRISISLINE_OUTBOX); the figures are read from that file and the database.

first-page  (a) The real server (`crisisline serve`) and a real `crisisline worker`. --crises crises are
            POSTed to /api/v1/crises at the same moment (one thread and connection each), --bursts times;
            for each, the time from the POST returning to its first page in the outbox. p50/p99/max.
lateness    (b) --escalations crises opened with nobody answering, their first level's timeout set to fall
            over --spread seconds; then a real worker is started. Lateness: the moment the next level's
            page was handed over (outbox) minus the due time; also the moment the worker took it (the
            Page row's created_at). p50/p99/max.
faults      (c) A stream of --crises crises through the API over --stream seconds, every one escalating
            (level timeouts of one minute, nobody answers), while the worker is killed with SIGKILL --kills
            times at random moments and restarted each time (with a second worker alongside for the middle
            third of the kills on PostgreSQL); then it is left to finish. Pages expected, sent, lost,
            duplicated.

Each compares itself with a baseline run side by side and prints the ratio: for (a) and (b), a bare poller
(the raw database driver, the same idle sleep, claim in one transaction, an fsync'd line per item, one
UPDATE to record it) over a bare table filled the same way; for (c), the same stream with no kills.

Loopback only, bounded in count and time. Not part of the test suite.

    .venv/bin/python bench/oncall.py first-page                       # SQLite
    .venv/bin/python bench/oncall.py lateness --database postgres \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/oncall.py faults --database postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crisis_intake import crisisline, free_port, log_tail, percentile, server

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "bench_oncall"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
IDLE_SECONDS = 0.2  # CRISISLINE_WORKER_IDLE_MS's default, for the bare poller too
SERVER_THREADS = 8  # `crisisline serve`: 2 workers x 4 threads
LEASE_SECONDS = 30  # CRISISLINE_WORKER_LEASE_SECONDS's default
CRISIS_TYPES = ("physical_violence", "police_harassment", "arrest", "sexual_violence", "other")


# --- Set-up ------------------------------------------------------------------------------------------------
@contextmanager
def postgres_database(server_url: str):
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


class Db:
    """A raw connection in autocommit mode, `?` placeholders on either database."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite:")
        if self.sqlite:
            self.connection = sqlite3.connect(urlsplit(url).path, isolation_level=None, timeout=30)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=FULL")  # as settings.py has it
        else:
            import psycopg

            self.connection = psycopg.connect(url, autocommit=True)

    def sql(self, text: str) -> str:
        return text if self.sqlite else text.replace("?", "%s")

    def rows(self, text: str, params=()) -> list[tuple]:
        return self.connection.execute(self.sql(text), params).fetchall()

    def run(self, text: str, params=()) -> None:
        self.connection.execute(self.sql(text), params)

    def many(self, text: str, rows) -> None:
        with closing(self.connection.cursor()) as cursor:
            cursor.executemany(self.sql(text), rows)

    def begin(self) -> None:
        self.run("BEGIN IMMEDIATE" if self.sqlite else "BEGIN")

    def commit(self) -> None:
        self.run("COMMIT")

    def moment(self, epoch: float):
        """A value for a DateTimeField: Django keeps UTC text on SQLite."""
        at = datetime.fromtimestamp(epoch, UTC)
        return at.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else at

    @staticmethod
    def epoch(value) -> float:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()

    def close(self) -> None:
        self.connection.close()


def environment(data: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL", "PORT"))}
    return env | {
        "CRISISLINE_DATA": str(data),
        "DATABASE_URL": database_url,
        "CRISISLINE_HOST": "127.0.0.1",
        "CRISISLINE_DEMO_ALLOWED": "true",
        "CRISISLINE_LOG_LEVEL": "WARNING",
        "CRISISLINE_OUTBOX": str(data / "outbox.jsonl"),
        "CRISISLINE_CONSOLE_ECHO": "false",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(env: dict[str, str], kind: str, count: int = 0) -> str:
    """Migrate, the demo network, and the on-call set-up (`_setup`, inside Django); the team's code."""
    crisisline(env, "migrate", "--verbosity=0")
    crisisline(env, "demo", "--states", "1", "--teams", "2", "--crises", "0", "--verbosity=0")
    done = subprocess.run(
        [sys.executable, __file__, "_setup", kind, str(count)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"set-up failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


# Level timeouts (minutes) of the team's policy per benchmark: on call, then the team lead.
TIMEOUTS = {"first-page": (5, 10), "lateness": (1, 240), "faults": (1, 1)}


def django_setup(kind: str, count: int) -> None:
    """Runs inside Django (the benchmark's environment): contact points, rotation, policy; for `lateness`,
    the crises themselves, with their first pages already delivered."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisline.settings")
    import django

    django.setup()
    from datetime import time as clock_time
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from crisisline.crises.services import Intake, crisis_open
    from crisisline.messaging.models import Message
    from crisisline.messaging.services import contact_point_add
    from crisisline.network.models import Team
    from crisisline.oncall.models import EscalationPolicy, Rotation, RotationMember
    from crisisline.people.models import Role

    team = Team.objects.select_related("organisation").order_by("code").first()
    roles = Role.objects.filter(
        Q(team=team)
        | Q(kind=Role.Kind.ADMINISTRATOR)
        | Q(kind=Role.Kind.PROGRAMME_MANAGER, district=team.organisation.district_id)
    ).select_related("person")
    for person in {role.person for role in roles}:
        if not person.contact_points.exists():  # the demo gives everyone a console channel already
            contact_point_add(person=person, channel="console", address=person.username)
    if not Rotation.objects.filter(team=team, duty=Role.Kind.RESPONDER).exists():
        responders = sorted(
            (r.person for r in roles if r.kind == Role.Kind.RESPONDER and r.team_id == team.pk),
            key=lambda p: p.username,
        )
        rotation = Rotation.objects.create(
            team=team,
            name="Benchmark",
            starts_on=timezone.localdate() - timedelta(days=1),
            handoff=clock_time(0, 0),
            shift_hours=24 * 14,
        )
        for position, person in enumerate(responders):
            RotationMember.objects.create(rotation=rotation, person=person, position=position)
    first, second = TIMEOUTS[kind]
    EscalationPolicy.objects.create(
        team=team,
        name="Benchmark",
        levels=[
            {"timeout_minutes": first, "targets": [{"kind": "on_call", "duty": "responder"}]},
            {"timeout_minutes": second, "targets": [{"kind": "role", "role": "team_lead"}]},
        ],
        repeat=1,
        position=1,
    )
    if kind == "lateness":
        caller = next(r.person for r in roles if r.kind == Role.Kind.CALL_RECEIVER and r.team_id == team.pk)
        for index in range(count):
            crisis_open(team=team, intake=Intake(crisis_type=CRISIS_TYPES[index % 5]), by=caller)
        # What is measured is the escalation; the first pages are out of the way.
        Message.objects.update(state=Message.State.DELIVERED, attempts=1)
    print(team.code)


# --- Processes ---------------------------------------------------------------------------------------------
class Workers:
    """`crisisline worker` processes this script started, each in its own session, by name."""

    def __init__(self, env: dict[str, str], data: Path, database_url: str) -> None:
        self.env, self.data, self.database_url = env, data, database_url
        self.running: dict[str, subprocess.Popen] = {}
        self.starts = 0
        self.unexpected: list[str] = []

    def start(self, name: str, *, wait: bool = True) -> subprocess.Popen:
        self.starts += 1
        argv = [sys.executable, "-m", "crisisline", "worker"]
        if os.environ.get("BENCH_PROFILE_WORKER"):  # to find what is slow: cProfile, written on SIGTERM
            argv[1:1] = ["-m", "cProfile", "-o", str(self.data / f"worker-{name}-{self.starts}.prof")]
        with open(self.data / f"worker-{name}.log", "ab") as log:
            process = subprocess.Popen(
                argv,
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = process
        if wait:
            self.wait_ready(process)
        return process

    def wait_ready(self, process: subprocess.Popen, limit: float = 60) -> None:
        """Until its heartbeat row is there (it has started its loop)."""
        deadline = time.monotonic() + limit
        with closing(Db(self.database_url)) as db:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    logs = "\n".join(log_tail(log) for log in self.data.glob("worker-*.log"))
                    raise SystemExit(f"a worker stopped at start:\n{logs}")
                found = db.rows(
                    "SELECT count(*) FROM worker_heartbeat WHERE worker_id LIKE ? AND stopped_at IS NULL",
                    (f"%:{process.pid}:%",),
                )
                if found[0][0]:
                    return
                time.sleep(0.05)
        raise SystemExit("a worker did not start in time")

    def wait_busy(self, name: str, limit: float) -> None:
        """Until the worker holds claimed rows (it is in the middle of work), or `limit` seconds."""
        mine = (f"%:{self.running[name].pid}:%",)
        deadline = time.monotonic() + limit
        with closing(Db(self.database_url)) as db:
            while time.monotonic() < deadline:
                held = db.rows(
                    "SELECT (SELECT count(*) FROM oncall_escalation WHERE claimed_by LIKE ?)"
                    " + (SELECT count(*) FROM messaging_message WHERE claimed_by LIKE ?)",
                    mine * 2,
                )[0][0]
                if held:
                    return
                time.sleep(0.002)

    def kill(self, name: str) -> int:
        """SIGKILL; how many rows (escalations, messages) the dead worker had claimed and left behind."""
        process = self.running.pop(name)
        if process.poll() is not None:
            self.unexpected.append(f"{name} had exited with {process.returncode}")
            return 0
        os.kill(process.pid, signal.SIGKILL)  # the process this script started, by its id
        process.wait()
        mine = (f"%:{process.pid}:%",)
        with closing(Db(self.database_url)) as db:
            return sum(
                db.rows(f"SELECT count(*) FROM {table} WHERE claimed_by LIKE ?", mine)[0][0]  # noqa: S608
                for table in ("oncall_escalation", "messaging_message")
            )

    def check(self) -> None:
        """Restart any worker that stopped by itself (and count it: it should not happen)."""
        for name, process in list(self.running.items()):
            if process.poll() is not None:
                self.unexpected.append(f"{name} exited with {process.returncode}")
                self.start(name, wait=False)

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


@contextmanager
def workers(env: dict[str, str], data: Path, database_url: str):
    crew = Workers(env, data, database_url)
    try:
        yield crew
    finally:
        crew.stop_all()


def read_outbox(path: Path) -> tuple[list[dict], int]:
    """The lines of the console's outbox, and how many could not be read (a line torn by a kill)."""
    lines, torn = [], 0
    if not path.exists():
        return lines, torn
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(text))
        except ValueError:
            torn += 1
    return lines, torn


def first_seen(lines: list[dict], prefix_of) -> dict[int, float]:
    """crisis id -> the earliest moment a line whose key matches `prefix_of` was handed over."""
    found: dict[int, float] = {}
    for line in lines:
        crisis = prefix_of(line["key"])
        if crisis is not None and (crisis not in found or line["at"] < found[crisis]):
            found[crisis] = line["at"]
    return found


def page_key_crisis(level: int):
    """A parser of outbox keys: the crisis id of a first-channel page at `level` of round one."""

    def parse(key: str) -> int | None:
        parts = key.split(":")
        if (
            len(parts) == 7
            and parts[0] == "page"
            and parts[2] == "escalation"
            and parts[3:5] == ["0", str(level)]
        ):
            return int(parts[1])
        return None

    return parse


def wait_until(condition, limit: float, what: str, interval: float = 0.1) -> float:
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > limit:
            raise SystemExit(f"gave up after {limit:.0f} s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - began


def token_for(env: dict[str, str], team: str) -> str:
    return crisisline(env, "token", "create", "--user", f"{team.lower()}.calls", "--name", "bench").strip()


def post_crisis(connection, token: str, team: str, key: str, index: int) -> int:
    connection.request(
        "POST",
        "/api/v1/crises",
        json.dumps({"team": team, "crisis_type": CRISIS_TYPES[index % len(CRISIS_TYPES)]}).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    answer = connection.getresponse()
    answer.read()
    return answer.status


def stats(values: list[float]) -> tuple[float, float, float]:
    return percentile(values, 50), percentile(values, 99), max(values)


def machine() -> str:
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average (1 min) {os.getloadavg()[0]:.2f}"
    )


# --- The bare poller (baseline of (a) and (b)) -------------------------------------------------------------
BARE_TABLE = (
    "CREATE TABLE bare_queue (id INTEGER PRIMARY KEY, due DOUBLE PRECISION NOT NULL, "
    "done_at DOUBLE PRECISION)"
)


def bare_poller(database_url: str, outbox: str, stop, ready) -> None:
    """The floor: claim due rows in one transaction, hand each over as an fsync'd line, record it with one
    UPDATE; sleep IDLE_SECONDS when nothing was due. Runs in a process of its own."""
    db = Db(database_url)
    lock = "" if db.sqlite else " FOR UPDATE SKIP LOCKED"
    with open(outbox, "a", encoding="utf-8") as out:
        ready.set()
        while not stop.is_set():
            db.begin()
            ids = [
                row[0]
                for row in db.rows(
                    "SELECT id FROM bare_queue WHERE done_at IS NULL AND due <= ? "  # noqa: S608
                    f"ORDER BY due LIMIT 50{lock}",
                    (time.time(),),
                )
            ]
            if ids:
                db.run(f"UPDATE bare_queue SET done_at = 0 WHERE id IN ({', '.join('?' * len(ids))})", ids)  # noqa: S608
            db.commit()
            for item in ids:
                out.write(json.dumps({"key": item, "at": time.time()}) + "\n")
                out.flush()
                os.fsync(out.fileno())
                db.run("UPDATE bare_queue SET done_at = ? WHERE id = ?", (time.time(), item))
            if not ids:
                time.sleep(IDLE_SECONDS)
    db.close()


@contextmanager
def bare_running(database_url: str, outbox: Path):
    context = multiprocessing.get_context("fork")
    stop, ready = context.Event(), context.Event()
    process = context.Process(target=bare_poller, args=(database_url, str(outbox), stop, ready), daemon=True)
    process.start()
    ready.wait(30)
    try:
        yield
    finally:
        stop.set()
        process.join(30)
        if process.is_alive():
            process.kill()


def bare_done(outbox: Path) -> dict[int, float]:
    lines, _torn = read_outbox(outbox)
    return {line["key"]: line["at"] for line in lines}


# --- (a) First page ----------------------------------------------------------------------------------------
def burst(port: int, token: str, team: str, run: str, count: int) -> tuple[dict[str, float], list[float]]:
    """`count` crises POSTed at the same moment, one thread and connection each; idempotency key -> the
    moment its POST returned, and the POST latencies."""
    returned: dict[str, float] = {}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(count + 1)

    def one(index: int) -> None:
        # Connected after the barrier: a keep-alive connection opened before would be closed by the server
        # (gunicorn's keep-alive is 2 s) while the other threads get ready.
        start.wait()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        began = time.perf_counter()
        key = f"{run}-{index}"
        try:
            status = post_crisis(connection, token, team, key, index)
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}"
        now, took = time.time(), time.perf_counter() - began
        with lock:
            if status == 201:
                returned[key] = now
                latencies.append(took)
            else:
                failures.append(f"{key}: {status}")
        connection.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    start.wait(timeout=120)
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} POSTs failed, the first: {failures[:3]}")
    return returned, latencies


def first_page(args: argparse.Namespace, data: Path, database_url: str) -> None:
    env = environment(data, database_url)
    team = prepare(env, "first-page")
    token = token_for(env, team)
    port = free_port()
    outbox = data / "outbox.jsonl"
    waits: list[float] = []  # POST returned -> first page handed over
    saved: list[float] = []  # first page's Message row written (in the crisis's transaction) -> handed over
    posts: list[float] = []
    with server(env, port, data / "server.log"), workers(env, data, database_url) as crew:
        crew.start("w1")
        with closing(Db(database_url)) as db:
            for number in range(args.bursts):
                run = f"burst{number}"
                returned, latencies = burst(port, token, team, run, args.crises)
                posts += latencies
                ids = dict(
                    db.rows(
                        "SELECT idempotency_key, id FROM crises_crisis WHERE idempotency_key LIKE ?",
                        (f"{run}-%",),
                    )
                )
                parse = page_key_crisis(0)

                def arrived(ids=ids, parse=parse) -> bool:
                    seen = first_seen(read_outbox(outbox)[0], parse)
                    return all(crisis in seen for crisis in ids.values())

                wait_until(arrived, 120, f"the first pages of burst {number + 1}")
                seen = first_seen(read_outbox(outbox)[0], parse)
                waits += [seen[ids[key]] - at for key, at in returned.items()]
                written: dict[int, float] = {}
                for key, at in db.rows(
                    "SELECT idempotency_key, created_at FROM messaging_message WHERE idempotency_key LIKE ?",
                    ("page:%:escalation:0:0:%:ch0",),
                ):
                    crisis = parse(key)
                    written[crisis] = min(written.get(crisis, float("inf")), Db.epoch(at))
                saved += [seen[crisis] - written[crisis] for crisis in ids.values()]
                time.sleep(1)  # the worker back to idle before the next burst
    baseline = bare_first(database_url, data / "bare-outbox.jsonl", args.crises, args.bursts)
    engine = "SQLite" if database_url.startswith("sqlite:") else "PostgreSQL"
    print(machine())
    print(
        f"{engine}: {args.bursts} bursts of {args.crises} {'crisis' if args.crises == 1 else 'crises'} "
        "POSTed together; server gunicorn 2 x 4, one worker"
    )
    p50, p99, top = stats(posts)
    print(f"  POST latency            p50 {ms(p50)}  p99 {ms(p99)}  max {ms(top)}")
    p50, p99, top = stats(waits)
    print("POST returned -> first page handed to the transport (the goal: p99 < 1 s):")
    print(f"  Crisisline              p50 {ms(p50)}  p99 {ms(p99)}  max {ms(top)}")
    print(f"  goal p99 < 1 s: {'met' if p99 < 1 else 'MISSED'}")
    report(
        "crisis saved (its page's row written) -> first page handed to the transport",
        saved,
        baseline,
        "bare poller: as many rows inserted together over 8 connections, from each commit",
    )


def bare_first(database_url: str, outbox: Path, count: int, bursts: int) -> list[float]:
    """The baseline of (a): `count` rows inserted at the same moment through as many connections as the
    server has threads (8), a bare poller handing each over; from the insert's commit to the line."""
    with closing(Db(database_url)) as db:
        db.run(BARE_TABLE)
    committed: dict[int, float] = {}
    lock = threading.Lock()
    with bare_running(database_url, outbox):
        for number in range(bursts):
            items = iter(range(number * count, (number + 1) * count))
            start = threading.Barrier(SERVER_THREADS + 1)

            def inserter(start=start, items=items) -> None:
                db = Db(database_url)
                start.wait()
                while (item := next(items, None)) is not None:
                    db.run("INSERT INTO bare_queue (id, due) VALUES (?, 0)", (item,))
                    with lock:
                        committed[item] = time.time()
                db.close()

            threads = [threading.Thread(target=inserter, daemon=True) for _ in range(SERVER_THREADS)]
            for thread in threads:
                thread.start()
            start.wait(timeout=120)
            for thread in threads:
                thread.join()
            wanted = range(number * count, (number + 1) * count)
            wait_until(
                lambda wanted=wanted: all(i in bare_done(outbox) for i in wanted), 120, "the bare poller"
            )
            time.sleep(1)
    done = bare_done(outbox)
    return [done[item] - at for item, at in committed.items()]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def report(
    what: str, values: list[float], baseline: list[float], baseline_what: str, *, goal: bool = False
) -> None:
    p50, p99, top = stats(values)
    b50, b99, btop = stats(baseline)
    print(f"{what} ({len(values)}):")
    print(f"  Crisisline              p50 {ms(p50)}  p99 {ms(p99)}  max {ms(top)}")
    print(f"  baseline ({baseline_what}, {len(baseline)}):")
    print(f"                          p50 {ms(b50)}  p99 {ms(b99)}  max {ms(btop)}")
    print(f"  ratio (Crisisline / baseline): p50 {p50 / b50:.1f}, p99 {p99 / b99:.1f}")
    if goal:
        print(f"  goal p99 < 1 s: {'met' if p99 < 1 else 'MISSED'}")


# --- (b) Escalation lateness -------------------------------------------------------------------------------
def lateness(args: argparse.Namespace, data: Path, database_url: str) -> None:
    env = environment(data, database_url)
    began = time.monotonic()
    prepare(env, "lateness", args.escalations)
    print(f"set-up: {args.escalations} crises opened in {time.monotonic() - began:.0f} s", flush=True)
    outbox = data / "outbox.jsonl"
    with closing(Db(database_url)) as db:
        escalations = db.rows("SELECT id, crisis_id FROM oncall_escalation ORDER BY id")
        first_due = time.time() + args.lead
        due = {
            crisis: first_due + n * args.spread / len(escalations)
            for n, (_e, crisis) in enumerate(escalations)
        }
        db.begin()
        db.many(
            "UPDATE oncall_escalation SET due_at = ? WHERE id = ?",
            [(db.moment(due[crisis]), pk) for pk, crisis in escalations],
        )
        db.commit()
        parse = page_key_crisis(1)
        with workers(env, data, database_url) as crew:
            crew.start("w1")
            wait_until(
                lambda: len(first_seen(read_outbox(outbox)[0], parse)) >= len(due),
                args.lead + args.spread + 300,
                "every second-level page",
                interval=0.5,
            )
        handed = first_seen(read_outbox(outbox)[0], parse)
        taken = dict(db.rows("SELECT crisis_id, created_at FROM oncall_page WHERE level = 1"))
    late = [handed[crisis] - at for crisis, at in due.items()]
    decided = [Db.epoch(taken[crisis]) - at for crisis, at in due.items()]
    baseline = bare_lateness(database_url, data / "bare-outbox.jsonl", len(due), args.lead, args.spread)
    engine = "SQLite" if database_url.startswith("sqlite:") else "PostgreSQL"
    print(machine())
    print(f"{engine}: {len(due)} escalations due over {args.spread:.0f} s, nobody answering; one worker")
    p50, p99, top = stats(decided)
    print(f"  due -> taken by the worker (Page.created_at): p50 {ms(p50)}  p99 {ms(p99)}  max {ms(top)}")
    report(
        "due -> next level's page handed to the transport",
        late,
        baseline,
        "bare poller, same due times",
        goal=True,
    )


def bare_lateness(database_url: str, outbox: Path, count: int, lead: float, spread: float) -> list[float]:
    with closing(Db(database_url)) as db:
        db.run(BARE_TABLE)
        first_due = time.time() + lead
        due = {n: first_due + n * spread / count for n in range(count)}
        db.begin()
        db.many("INSERT INTO bare_queue (id, due) VALUES (?, ?)", list(due.items()))
        db.commit()
    with bare_running(database_url, outbox):
        wait_until(
            lambda: len(bare_done(outbox)) >= count, lead + spread + 300, "the bare poller", interval=0.5
        )
    done = bare_done(outbox)
    return [done[item] - at for item, at in due.items()]


# --- (c) Fault run -----------------------------------------------------------------------------------------
def faults(args: argparse.Namespace, data: Path, database_url: str, *, kills: int) -> dict:
    """One run of the stream, with `kills` SIGKILLs (0: the baseline); its figures."""
    env = environment(data, database_url)
    team = prepare(env, "faults")
    token = token_for(env, team)
    port = free_port()
    rng = random.Random(args.seed)
    postgres = not database_url.startswith("sqlite:")
    sent_posts: list[int] = []
    killed: list[str] = []  # seconds from the start; * the second worker; rows it held when killed
    caught = 0  # kills that left claimed rows behind
    with server(env, port, data / "server.log"), workers(env, data, database_url) as crew:
        crew.start("w1")
        began = time.monotonic()
        stream = threading.Thread(
            target=stream_crises, args=(port, token, team, args.crises, args.stream, sent_posts), daemon=True
        )
        stream.start()
        # Kills at random moments over the stream and the escalations it sets off (a minute per level).
        moments = sorted(rng.uniform(3, args.stream + 90) for _ in range(kills))
        second = (kills // 3, 2 * kills // 3) if postgres and args.two_workers else (-1, -1)
        for number, moment in enumerate(moments):
            time.sleep(max(0.0, began + moment - time.monotonic()))
            crew.check()
            if number == second[0]:
                crew.start("w2", wait=False)
            if number == second[1] and "w2" in crew.running:
                crew.stop("w2")
            victim = rng.choice(sorted(crew.running))
            if args.when == "busy":
                crew.wait_busy(victim, limit=5)
            left = crew.kill(victim)
            crew.start(victim, wait=False)
            caught += bool(left)
            moment = f"{time.monotonic() - began:.0f}{'' if victim == 'w1' else '*'}"
            killed.append(moment + (f" ({left} held)" if left else ""))
        stream.join()
        stream_end = time.monotonic()
        # Then let it finish: every escalation run out, every message handed over.
        with closing(Db(database_url)) as db:

            def finished() -> bool:
                crew.check()
                busy = db.rows(
                    "SELECT (SELECT count(*) FROM oncall_escalation WHERE due_at IS NOT NULL)"
                    " + (SELECT count(*) FROM messaging_message WHERE state IN ('queued', 'sending'))"
                )[0][0]
                return busy == 0 and len(sent_posts) == args.crises

            wait_until(finished, 900, "the worker to finish", interval=0.5)
            drained = time.monotonic()
            pages = db.rows("SELECT count(*) FROM oncall_page")[0][0]
            keys = [row[0] for row in db.rows("SELECT idempotency_key FROM messaging_message")]
            first_channel = [k for k in keys if k.startswith("page:") and k.endswith(":ch0")]
            states = dict(db.rows("SELECT state, count(*) FROM messaging_message GROUP BY state"))
            late = db.rows("SELECT count(*) FROM oncall_alert WHERE kind = 'late_work'")[0][0]
            times = db.rows("SELECT due_at, sent_at FROM messaging_message WHERE sent_at IS NOT NULL")
            waited = [Db.epoch(sent) - Db.epoch(due) for due, sent in times]
    lines, torn = read_outbox(data / "outbox.jsonl")
    counted = Counter(line["key"] for line in lines)
    return {
        "kills": kills,
        "starts": crew.starts,
        "unexpected": crew.unexpected,
        "crises": len(sent_posts),
        "pages": pages,
        "expected": len(first_channel),
        "sent": len(set(first_channel) & set(counted)),
        "lost": len(set(first_channel) - set(counted)),
        "duplicated": sum(1 for k in first_channel if counted[k] > 1),
        "all_expected": len(keys),
        "all_sent": len(set(keys) & set(counted)),
        "all_lost": len(set(keys) - set(counted)),
        "all_duplicated": sum(1 for k in keys if counted[k] > 1),
        "strangers": len(set(counted) - set(keys)),
        "torn": torn,
        "states": states,
        "late_alerts": late,
        # Handed over more than a lease (30 s) after due: a killed worker held it until its lease ran out.
        "held": sum(1 for w in waited if w > LEASE_SECONDS),
        "killed": killed,
        "caught": caught,
        "when": args.when,
        "stream": stream_end - began,
        "drain": drained - stream_end,
        "total": drained - began,
        "two_workers": second != (-1, -1),
    }


def stream_crises(port: int, token: str, team: str, count: int, seconds: float, sent: list[int]) -> None:
    """`count` crises evenly over `seconds`, from four clients."""
    began = time.monotonic()
    lock = threading.Lock()
    queue = iter(range(count))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                break
            time.sleep(max(0.0, began + index * seconds / count - time.monotonic()))
            for _attempt in range(5):
                try:
                    status = post_crisis(connection, token, team, f"stream-{index}", index)
                except (OSError, http.client.HTTPException):
                    connection.close()
                    continue
                if status in (200, 201):
                    with lock:
                        sent.append(index)
                    break
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def fault_report(engine: str, run: dict, base: dict | None) -> None:
    print(machine())
    workers_note = "two workers for the middle third of the kills" if run["two_workers"] else "one worker"
    print(
        f"{engine}: {run['crises']} crises over the stream, worker killed with SIGKILL {run['kills']} times "
        f"({'mid-work' if run['when'] == 'busy' else 'busy or idle'}; {run['starts']} worker starts; "
        f"{workers_note})"
    )
    if run["unexpected"]:
        print(f"  workers that stopped by themselves: {run['unexpected']}")
    print(f"  pages expected (Page rows)                 {run['pages']:6}")
    print(f"  first-channel page messages expected       {run['expected']:6}")
    print(f"  sent (distinct keys in the outbox)         {run['sent']:6}")
    print(f"  lost (expected, never in the outbox)       {run['lost']:6}   goal 0")
    print(f"  duplicated (a key in the outbox twice+)    {run['duplicated']:6}   goal 0")
    print(
        f"  every message (pages and alerts): expected {run['all_expected']}, sent {run['all_sent']}, "
        f"lost {run['all_lost']}, duplicated {run['all_duplicated']}; torn outbox lines {run['torn']}; "
        f"outbox keys with no row {run['strangers']}"
    )
    print(f"  message states {run['states']}; auditor's late-work alerts {run['late_alerts']}")
    print(f"  messages handed over more than a lease after due (held by a killed worker): {run['held']}")
    if run["killed"]:
        print(
            f"  kills at (s from the start; * the second worker; rows the dead worker had claimed): "
            f"{', '.join(run['killed'])}"
        )
        print(f"  kills that caught a worker with claimed rows in hand: {run['caught']} of {run['kills']}")
    print(
        f"  stream and kills {run['stream']:.0f} s, then {run['drain']:.0f} s until all was handed over "
        f"({run['total']:.0f} s from the start)"
    )
    if base:
        print(
            f"  baseline (same stream, no kills): pages {base['pages']}, expected {base['expected']}, "
            f"sent {base['sent']}, lost {base['lost']}, duplicated {base['duplicated']}; "
            f"all handed over {base['total']:.0f} s from the start"
        )
        print(
            f"  ratio (time from the start until all was handed over, kills / none): "
            f"{run['total'] / max(base['total'], 0.1):.2f}"
        )


# --- Main --------------------------------------------------------------------------------------------------
def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "_setup":
        django_setup(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    common.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "") or DEFAULT_SERVER,
        help=f"PostgreSQL server to create {BENCH_DATABASE} on (default: DATABASE_URL or {DEFAULT_SERVER})",
    )
    common.add_argument("--keep", action="store_true", help="keep the data directory (logs, outbox)")
    a = commands.add_parser(
        "first-page", parents=[common], help="(a) POST returned -> first page handed over"
    )
    a.add_argument("--crises", type=int, default=100, help="crises POSTed together (default 100)")
    a.add_argument("--bursts", type=int, default=3, help="how many times (default 3)")
    b = commands.add_parser("lateness", parents=[common], help="(b) escalation lateness")
    b.add_argument("--escalations", type=int, default=1000, help="escalations (default 1000)")
    b.add_argument(
        "--spread", type=float, default=60, help="seconds their due times spread over (default 60)"
    )
    b.add_argument("--lead", type=float, default=10, help="seconds from the start to the first due time")
    c = commands.add_parser("faults", parents=[common], help="(c) fault run with kill -9")
    c.add_argument("--crises", type=int, default=500, help="crises in the stream (default 500)")
    c.add_argument("--stream", type=float, default=100, help="seconds the stream lasts (default 100)")
    c.add_argument("--kills", type=int, default=20, help="SIGKILLs (default 20)")
    c.add_argument("--seed", type=int, default=1, help="when the kills come")
    c.add_argument(
        "--when",
        choices=["busy", "any"],
        default="busy",
        help="busy (default): at each random moment, wait (up to 5 s) until the worker has rows claimed, "
        "then kill it mid-work; any: kill at the moment itself, busy or idle",
    )
    c.add_argument("--no-baseline", action="store_true", help="skip the run without kills")
    c.add_argument(
        "--one-worker", dest="two_workers", action="store_false", help="no second worker on PostgreSQL"
    )
    args = parser.parse_args()
    limits = {"crises": 10_000, "bursts": 20, "escalations": 20_000, "kills": 200}
    for name, top in limits.items():
        if not 1 <= getattr(args, name, 1) <= top:
            parser.error(f"--{name} must be 1..{top}")

    def one(label: str, body) -> object:
        data = Path(tempfile.mkdtemp(prefix=f"crisisline-bench-{label}-"))
        try:
            if args.database == "postgres":
                if not args.database_url.startswith(("postgres://", "postgresql://")):
                    parser.error("--database postgres needs a postgres:// --database-url")
                with postgres_database(args.database_url) as url:
                    return body(data, url)
            return body(data, f"sqlite:///{data / 'crisisline.sqlite3'}")
        except BaseException:
            for log in sorted(data.glob("*.log")):
                print(f"--- {log.name}\n{log_tail(log)}", file=sys.stderr)
            raise
        finally:
            if args.keep:
                print(f"data directory kept: {data}")
            else:
                shutil.rmtree(data, ignore_errors=True)

    engine = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    if args.command == "first-page":
        one("first-page", lambda data, url: first_page(args, data, url))
    elif args.command == "lateness":
        one("lateness", lambda data, url: lateness(args, data, url))
    else:
        run = one("faults", lambda data, url: faults(args, data, url, kills=args.kills))
        base = None if args.no_baseline else one("clean", lambda data, url: faults(args, data, url, kills=0))
        fault_report(engine, run, base)


if __name__ == "__main__":
    main()
