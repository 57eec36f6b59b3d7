"""Faults, tested as the anchors test them: captures sent through the real HTTP API while the
network, the server and the database fail, then the store compared with the receipts.

The pieces, each a context manager that leaves no process and no file behind:

* PrivatePostgres: a PostgreSQL cluster of the test's own (initdb in a temporary folder, a
  free port), which the test may restart mid-load. The machine's main cluster is never used.
* Server: gunicorn serving the application (production settings, DEBUG off) from a database
  made for this run only (a temporary SQLite file, or a new database on the private cluster),
  migrated and given a small demo state by tests/faults/prepare.py.
* Load: phones (client threads) that each keep an outbox, as the app does: every capture is
  sent until it has a receipt, whatever happens to the request. Faults are drawn with a fixed
  seed: the connection cut (closed, or reset) right after the request is sent, the same bytes
  sent twice at once on two connections, the same bytes sent again later; beside the phones,
  gunicorn workers killed with SIGKILL while they hold a request, and the database restarted.
* verify(): reads the stored captures, versions, class and staff rows and day records
  straight from the database and compares them with every receipt the phones got.

The figures of a run (tests/faults/test_faults_*.py prints them; `pytest -s` shows them) are in
docs/benchmarks.md, "Faults".
"""

import contextlib
import datetime
import heapq
import itertools
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("HAZARI_PG_BIN", "/usr/lib/postgresql/15/bin"))
HOST = "127.0.0.1"
# How long a run may take before the harness gives up on the captures still without a receipt:
# this, and a twentieth of a second a capture.
DEADLINE_S = 150


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def postgres_missing() -> str | None:
    """Why a private PostgreSQL cluster cannot be started here, or None."""
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / name).exists():
            return f"no PostgreSQL server binaries in {PG_BIN} ({name} is missing)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and no runuser to start PostgreSQL as the postgres user"
    return None


# --- A private PostgreSQL cluster ----------------------------------------------------------


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, with trust authentication.

    As root, PostgreSQL refuses to run: the cluster then belongs to the `postgres` OS user
    (runuser). Its socket goes in its own folder, never in /var/run/postgresql."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hazari-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.restarts: list[tuple[float, float]] = []  # (began, ended), time.monotonic()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def __enter__(self) -> "PrivatePostgres":
        try:
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres", "postgres")
            self._run(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
            options = (
                f"-c port={self.port} -c listen_addresses={HOST} "
                f"-c unix_socket_directories={self.dir} -c fsync=off -c full_page_writes=off "
                "-c max_connections=50"
            )
            self._pg_ctl("start", "-o", options)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", action, *args
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def restart(self, mode: str = "fast") -> None:
        began = time.monotonic()
        self._pg_ctl("restart", "-m", mode)
        self.restarts.append((began, time.monotonic()))

    def __exit__(self, *exc) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "stop", "-m", "immediate",
                check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


# --- The server ---------------------------------------------------------------------------


SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "hazari.settings",
    "DEBUG": "false",
    "SECRET_KEY": "faults-only-" + "f" * 50,
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}


class Server:
    """gunicorn (gthread, as in production: docs/benchmarks.md) on a free port, serving a
    database made for this run. `database_url` None: a new SQLite file in the run's folder."""

    def __init__(
        self, *, database_url: str | None = None, schools: int = 6, workers: int = 2
    ) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="hazari-faults-"))
        self.sqlite = None if database_url else self.dir / "hazari.sqlite3"
        self.database_url = database_url or f"sqlite:///{self.sqlite}"
        self.port = free_port()
        self.schools = schools
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            **SERVER_ENV,
            "DATABASE_URL": self.database_url,
            "HAZARI_VAR_DIR": str(self.dir / "var"),
        }

    def __enter__(self) -> "Server":
        try:
            prepared = subprocess.run(
                [sys.executable, str(ROOT / "tests" / "faults" / "prepare.py"), str(self.schools)],
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=180,
            )
            if prepared.returncode:
                raise RuntimeError(f"prepare.py failed:\n{prepared.stdout}\n{prepared.stderr}")
            self.state = json.loads(prepared.stdout.strip().splitlines()[-1])
            self.log = (self.dir / "gunicorn.log").open("w")
            self.proc = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "hazari.wsgi",
                    "-k",
                    "gthread",
                    "-w",
                    str(self.workers),
                    "--threads",
                    "2",
                    "-b",
                    f"{HOST}:{self.port}",
                    "--graceful-timeout",
                    "5",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as one at the end
            )
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            with contextlib.suppress(Broken):
                status, _ = http(self.port, "GET", "/api/v1/sync/bootstrap", timeout=5)
                if status == 401:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def workers_now(self) -> list[psutil.Process]:
        if self.proc is None:
            return []
        try:
            return psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return []

    def log_tail(self, lines: int = 60) -> str:
        with contextlib.suppress(OSError):
            self.log.flush()
            return "\n".join((self.dir / "gunicorn.log").read_text().splitlines()[-lines:])
        return ""

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            # Workers of the group that outlived the master, if any.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- HTTP over raw sockets ----------------------------------------------------------------


class Broken(Exception):
    """The connection failed before a whole answer came: refused, reset, closed, timed out."""


def request_bytes(method: str, path: str, body: bytes = b"", token: str = "") -> bytes:
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}",
        "Connection: close",
        "Accept: application/json",
    ]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def connect_and_send(port: int, raw: bytes, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((HOST, port), timeout=timeout)
    except OSError as e:
        raise Broken(f"connect: {e}") from e
    try:
        sock.sendall(raw)
    except OSError as e:
        sock.close()
        raise Broken(f"send: {e}") from e
    return sock


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """(status, body) of an answer sent with Connection: close."""
    chunks = []
    try:
        with sock:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError as e:
        raise Broken(f"receive: {e}") from e
    data = b"".join(chunks)
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise Broken(f"incomplete answer ({len(data)} bytes)")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = headers.get("Content-Length") or headers.get("content-length")
    if length is not None and len(body) < int(length):
        raise Broken(f"answer cut short ({len(body)} of {length} bytes)")
    return status, body


def http(
    port: int, method: str, path: str, payload: object = None, token: str = "", timeout=30.0
) -> tuple[int, object]:
    body = json.dumps(payload).encode() if payload is not None else b""
    status, raw = read_answer(
        connect_and_send(port, request_bytes(method, path, body, token), timeout)
    )
    return status, json.loads(raw) if raw.startswith((b"{", b"[")) else raw


def cut(port: int, raw: bytes, *, reset: bool) -> None:
    """Send the request whole, then drop the connection without reading the answer: closed
    (FIN, the answer then goes nowhere) or reset (RST, as a phone that loses its network and
    whose next packet meets a forgotten connection)."""
    sock = connect_and_send(port, raw, timeout=10)
    if reset:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# --- Phones -------------------------------------------------------------------------------


@dataclass
class Phone:
    """A head master's phone: its token and what the bootstrap said about its school."""

    token: str
    school_id: int
    classes: list[dict]
    staff: list[dict]
    open_days: list[datetime.date]
    meal_school: bool
    # How far the phone's clock is off. Off by more than the rules allow (15 minutes), its
    # captures are held for an officer's review: versions that do not become current.
    clock_skew: datetime.timedelta = datetime.timedelta(0)


WRONG_CLOCK = datetime.timedelta(hours=-2)


def log_in_phones(server: Server) -> list[Phone]:
    """Each head master's phone logs in and bootstraps; the first phone's clock is wrong."""
    phones = []
    for i, user_id in enumerate(server.state["head_masters"]):
        status, out = http(
            server.port,
            "POST",
            "/api/v1/auth/token",
            {"user_id": user_id, "password": server.state["password"], "device_id": f"p{i}"},
        )
        assert status == 200, (status, out)
        assert isinstance(out, dict)
        token = out["token"]
        status, boot = http(server.port, "GET", "/api/v1/sync/bootstrap", token=token)
        assert status == 200 and isinstance(boot, dict), (status, boot)
        today = datetime.date.fromisoformat(boot["today"])
        max_days = boot["rules"]["max_offline_days"]
        open_days = [
            datetime.date.fromisoformat(d["date"])
            for d in boot["calendar"]
            if d["open"] and 0 <= (today - datetime.date.fromisoformat(d["date"])).days < max_days
        ]
        phones.append(
            Phone(
                token=token,
                school_id=boot["school"]["id"],
                classes=boot["classes"],
                staff=boot["staff"],
                open_days=sorted(open_days),
                meal_school=bool(boot["limits"]["meal_classes"])
                and any(c in boot["limits"]["meal_classes"] for c in boot["school"]["classes"]),
                clock_skew=WRONG_CLOCK if i == 0 else datetime.timedelta(0),
            )
        )
    return phones


@dataclass
class Capture:
    uuid: str
    phone: Phone
    date: datetime.date
    item: dict  # the capture as the API takes it (without sent_at)

    @property
    def totals(self) -> tuple[int, int, int]:
        c = self.item["classes"]
        return (
            sum(x["boys"] for x in c),
            sum(x["girls"] for x in c),
            sum(x["third_gender"] for x in c),
        )


def make_captures(phones: list[Phone], n: int, rng: random.Random) -> list[Capture]:
    """n captures spread over the phones' school-days: a school-day's first report and its
    corrections (most with a reason; one in ten without, which the server rejects as
    reason_required when the day already has a report)."""
    now = datetime.datetime.now(datetime.UTC)
    ist = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    out = []
    for _ in range(n):
        phone = rng.choice(phones)
        day = rng.choice(phone.open_days)
        if day == now.astimezone(ist).date():
            captured = now - datetime.timedelta(seconds=rng.randint(1, 60))
        else:
            captured = datetime.datetime.combine(day, datetime.time(11, 0), ist)
            captured += datetime.timedelta(seconds=rng.randint(0, 3600))
        classes = [
            {
                "class_no": c["class_no"],
                "boys": rng.randint(0, c["boys"]),
                "girls": rng.randint(0, c["girls"]),
                "third_gender": rng.randint(0, c["third_gender"]),
            }
            for c in phone.classes
        ]
        staff = [
            {"posting_id": s["posting_id"], "status": rng.choice("PPPPALD")}
            for s in phone.staff
            if datetime.date.fromisoformat(s["start_date"]) <= day
            and (s["end_date"] is None or day <= datetime.date.fromisoformat(s["end_date"]))
        ]
        item: dict = {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "school_id": phone.school_id,
            "date": day.isoformat(),
            "captured_at": (captured + phone.clock_skew).isoformat(),
            "classes": classes,
            "staff": staff,
            "reason": "" if rng.random() < 0.1 else f"count {rng.randint(1, 10**6)}",
        }
        if phone.meal_school:
            fed = sum(
                c["boys"] + c["girls"] + c["third_gender"] for c in classes if c["class_no"] <= 8
            )
            if fed:
                item["meals_served"] = rng.randint(1, fed)
            else:
                item.update(meals_served=0, meals_reason="no_cook")
        out.append(Capture(item["uuid"], phone, day, item))
    return out


# --- The load and its faults --------------------------------------------------------------


@dataclass
class Faults:
    """The fault probabilities of each send (the rest are sent and answered normally)."""

    cut_closed: float = 0.10
    cut_reset: float = 0.05
    duplicate_at_once: float = 0.08
    duplicate_later: float = 0.08  # after an answered send, the same bytes once more, later
    ask_receipts: float = 0.5  # after a failed send: ask for the receipts before sending again
    # gunicorn workers SIGKILLed while they hold a connection, spread evenly over the run (by
    # the share of the captures with a receipt, so that a fast run gets them all too).
    kills: int = 12
    # Database restarts (PostgreSQL only), when this share of the captures has a receipt.
    restarts_at: tuple[float, ...] = ()


@dataclass(order=True)
class Job:
    due: float
    seq: int
    captures: list[Capture] = field(compare=False)
    single: bool = field(compare=False)  # POST /sync/capture instead of /sync/captures
    # The exact bytes to send again (a duplicate); None: a new request (new sent_at).
    raw: bytes | None = field(default=None, compare=False)
    after_failure: bool = field(default=False, compare=False)


@dataclass
class Tally:
    requests: int = 0
    answered: int = 0
    cut_closed: int = 0
    cut_reset: int = 0
    duplicate_at_once: int = 0
    duplicate_later: int = 0
    broken: int = 0  # requests whose connection failed without a cut of ours (kills mostly)
    server_errors: int = 0  # 5xx answers
    other_status: Counter = field(default_factory=Counter)
    receipt_queries: int = 0
    resends: int = 0
    worker_kills: int = 0  # SIGKILLs of a worker that held a connection at that moment
    db_restarts: int = 0
    # Each 5xx answer: when its request was sent and when the answer came (monotonic), what.
    errors: list[tuple[float, float, str]] = field(default_factory=list)


class Load:
    """Phones sending every capture until each has a receipt, while faults are injected."""

    def __init__(
        self,
        server: Server,
        phones: list[Phone],
        captures: list[Capture],
        *,
        seed: int,
        threads: int = 6,
        faults: Faults | None = None,
        postgres: PrivatePostgres | None = None,
    ) -> None:
        self.server = server
        self.phones = phones
        self.captures = {c.uuid: c for c in captures}
        self.seed = seed
        self.threads = threads
        self.faults = faults or Faults()
        self.postgres = postgres
        self.receipts: dict[str, list[dict]] = defaultdict(list)  # every receipt got, per UUID
        self.final: dict[str, dict] = {}  # the first receipt other than "unknown"
        self.tally = Tally()
        self.lock = threading.Lock()
        self.jobs: list[Job] = []
        self.outstanding = 0
        self.seq = itertools.count()
        self.done = threading.Event()
        self.failures: list[str] = []
        rng = random.Random(seed)
        # Batches of 1–4 captures of one phone; one request in four to the single endpoint.
        by_phone: dict[int, list[Capture]] = defaultdict(list)
        for c in captures:
            by_phone[c.phone.school_id].append(c)
        batches = []
        for items in by_phone.values():
            while items:
                size = 1 if rng.random() < 0.25 else rng.randint(1, 4)
                batches.append((items[:size], size == 1 and rng.random() < 0.8))
                items = items[size:]
        rng.shuffle(batches)
        for batch, single in batches:
            self._push(Job(0.0, 0, batch, single))

    # The outbox: jobs ordered by when they are due.

    def _push(self, job: Job, delay: float = 0.0) -> None:
        with self.lock:
            job.due = time.monotonic() + delay
            job.seq = next(self.seq)
            heapq.heappush(self.jobs, job)
            self.outstanding += 1

    def _pop(self) -> Job | None:
        while not self.done.is_set():
            with self.lock:
                if self.jobs and self.jobs[0].due <= time.monotonic():
                    return heapq.heappop(self.jobs)
                if not self.jobs and self.outstanding == 0:
                    self.done.set()
                    return None
            time.sleep(0.01)
        return None

    def _finished(self) -> None:
        with self.lock:
            self.outstanding -= 1
            if self.outstanding == 0 and not self.jobs:
                self.done.set()

    # Receipts.

    def _record(self, receipt: dict) -> None:
        with self.lock:
            self.receipts[receipt["uuid"]].append(receipt)
            if receipt["status"] != "unknown":
                self.final.setdefault(receipt["uuid"], receipt)

    def _missing(self, captures: list[Capture]) -> list[Capture]:
        with self.lock:
            return [c for c in captures if c.uuid not in self.final]

    # One phone.

    def _body(self, job: Job) -> bytes:
        phone = job.captures[0].phone
        sent_at = (datetime.datetime.now(datetime.UTC) + phone.clock_skew).isoformat()
        if job.single:
            payload: dict = {**job.captures[0].item, "sent_at": sent_at, "device_id": "faults"}
            path = "/api/v1/sync/capture"
        else:
            payload = {"sent_at": sent_at, "captures": [c.item for c in job.captures]}
            path = "/api/v1/sync/captures"
        return request_bytes("POST", path, json.dumps(payload).encode(), phone.token)

    def _server_error(self, started: float, what: str) -> None:
        with self.lock:
            self.tally.server_errors += 1
            self.tally.errors.append((started, time.monotonic(), what))

    def _take_answer(self, job: Job, started: float, status: int, body: bytes) -> bool:
        """Record the receipts of an answer; False when the phone must send again."""
        with self.lock:
            self.tally.answered += 1
        if status >= 500:
            self._server_error(started, f"{status} for {len(job.captures)} captures")
            return False
        try:
            out = json.loads(body)
        except ValueError:
            out = None
        if job.single and isinstance(out, dict) and "uuid" in out and "status" in out:
            self._record(out)
            return True
        if not job.single and status == 200 and isinstance(out, dict):
            for receipt in out["receipts"]:
                self._record(receipt)
            return True
        with self.lock:
            self.tally.other_status[status] += 1
            self.failures.append(f"unexpected answer {status}: {body[:300]!r}")
        return False

    def _ask_receipts(self, job: Job) -> list[Capture]:
        """The captures of the job the server says it does not have (or all, on failure)."""
        with self.lock:
            self.tally.receipt_queries += 1
            self.tally.requests += 1
        started = time.monotonic()
        try:
            status, out = http(
                self.server.port,
                "POST",
                "/api/v1/sync/receipts",
                {"uuids": [c.uuid for c in job.captures]},
                token=job.captures[0].phone.token,
            )
        except Broken:
            with self.lock:
                self.tally.broken += 1
            return job.captures
        if status != 200 or not isinstance(out, dict):
            if status >= 500:
                self._server_error(started, f"{status} for receipts")
            return job.captures
        for receipt in out["receipts"]:
            self._record(receipt)
        return self._missing(job.captures)

    def _send(self, job: Job, rng: random.Random) -> None:
        if job.after_failure and job.raw is None and rng.random() < self.faults.ask_receipts:
            left = self._ask_receipts(job)
            if not left:
                return
            if len(left) < len(job.captures):
                job = Job(0, 0, left, job.single and len(left) == 1)
        raw = job.raw if job.raw is not None else self._body(job)
        r = rng.random()
        f = self.faults
        with self.lock:
            self.tally.requests += 1
            if job.after_failure:
                self.tally.resends += 1
        started = time.monotonic()
        try:
            if job.raw is None and r < f.cut_closed + f.cut_reset:
                reset = r >= f.cut_closed
                cut(self.server.port, raw, reset=reset)
                with self.lock:
                    if reset:
                        self.tally.cut_reset += 1
                    else:
                        self.tally.cut_closed += 1
                self._retry(job, rng)
                return
            if job.raw is None and r < f.cut_closed + f.cut_reset + f.duplicate_at_once:
                # The same bytes on two connections, both sent before either is read.
                with self.lock:
                    self.tally.duplicate_at_once += 1
                    self.tally.requests += 1
                socks = [connect_and_send(self.server.port, raw, 30) for _ in range(2)]
                answers = []
                for sock in socks:
                    try:
                        answers.append(read_answer(sock))
                    except Broken:
                        with self.lock:
                            self.tally.broken += 1
                oks = [self._take_answer(job, started, *a) for a in answers]
                if not any(oks):
                    self._retry(job, rng)
                return
            status, body = read_answer(connect_and_send(self.server.port, raw, 30))
        except Broken:
            with self.lock:
                self.tally.broken += 1
            self._retry(job, rng)
            return
        if not self._take_answer(job, started, status, body):
            if job.raw is None:
                self._retry(job, rng)
            return
        if job.raw is None and rng.random() < f.duplicate_later:
            with self.lock:
                self.tally.duplicate_later += 1
            self._push(Job(0, 0, job.captures, job.single, raw=raw), rng.uniform(0.05, 1.0))

    def _retry(self, job: Job, rng: random.Random) -> None:
        left = self._missing(job.captures)
        if left:
            single = job.single and len(left) == 1
            self._push(Job(0, 0, left, single, after_failure=True), rng.uniform(0.05, 0.5))

    def _phone(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        while (job := self._pop()) is not None:
            try:
                self._send(job, rng)
            except Exception as e:  # a bug of the harness: reported, the run goes on
                with self.lock:
                    self.failures.append(f"phone {index}: {e!r}")
            finally:
                self._finished()

    # Faults beside the phones.

    def _reached(self, share: float) -> bool:
        """Wait until this share of the captures has a receipt; False if the run ended."""
        while not self.done.wait(0.01):
            with self.lock:
                if len(self.final) >= share * len(self.captures):
                    return True
        return False

    def _killer(self) -> None:
        rng = random.Random(self.seed * 1000 + 999)
        n = self.faults.kills
        for share in (i / (n + 1) for i in range(1, n + 1)):
            if not self._reached(share):
                return
            while not self.done.is_set():
                busy = [w for w in self.server.workers_now() if _holds_a_connection(w)]
                if busy:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        rng.choice(busy).send_signal(signal.SIGKILL)
                        with self.lock:
                            self.tally.worker_kills += 1
                        break
                time.sleep(0.005)

    def _restarter(self) -> None:
        assert self.postgres is not None
        for share in self.faults.restarts_at:
            if not self._reached(share):
                return
            mode = "fast" if self.tally.db_restarts % 2 == 0 else "immediate"
            self.postgres.restart(mode)
            with self.lock:
                self.tally.db_restarts += 1

    def run(self) -> float:
        started = time.monotonic()
        workers = [
            threading.Thread(target=self._phone, args=(i,), daemon=True)
            for i in range(self.threads)
        ]
        helpers = [threading.Thread(target=self._killer, daemon=True)]
        if self.postgres is not None and self.faults.restarts_at:
            helpers.append(threading.Thread(target=self._restarter, daemon=True))
        for t in (*workers, *helpers):
            t.start()
        deadline = DEADLINE_S + len(self.captures) / 20
        if not self.done.wait(deadline):
            self.done.set()
            self.failures.append(
                f"gave up after {deadline:.0f} s: {len(self.captures) - len(self.final)} "
                "captures without a receipt"
            )
        for t in (*workers, *helpers):
            t.join(timeout=60)
        return time.monotonic() - started


def _holds_a_connection(worker: psutil.Process) -> bool:
    """Whether the worker has an accepted connection open: it is reading, handling or
    answering a request."""
    try:
        return any(
            c.status == psutil.CONN_ESTABLISHED and c.raddr for c in worker.net_connections("tcp")
        )
    except psutil.Error:
        return False


# --- The store, compared with the receipts --------------------------------------------------


@dataclass
class Findings:
    captures: int = 0
    stored_captures: int = 0
    versions: int = 0
    day_records: int = 0
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str) -> None:
        if kind == "lost":
            self.lost += 1
        elif kind == "duplicated":
            self.duplicated += 1
        if len(self.problems) < 40:
            self.problems.append(f"{kind}: {text}")


STORED = ("accepted", "late", "held")


def _rows(query: Callable[[str], list[tuple]]) -> dict[str, list[tuple]]:
    return {
        "captures": query(
            "SELECT uuid, school_id, date, status, code, message_en, version_id "
            "FROM attendance_capture"
        ),
        "versions": query(
            "SELECT id, record_id, number, status, present_boys, present_girls, "
            "present_third_gender, meals_served, reason FROM attendance_version"
        ),
        "records": query("SELECT id, school_id, date, current_id FROM attendance_dayrecord"),
        "classes": query(
            "SELECT version_id, class_no, boys, girls, third_gender FROM attendance_classpresence"
        ),
        "staff": query("SELECT version_id, posting_id, status FROM attendance_staffpresence"),
    }


def read_store(server: Server) -> dict[str, list[tuple]]:
    if server.sqlite is not None:
        with contextlib.closing(sqlite3.connect(server.sqlite)) as conn:
            return _rows(lambda sql: conn.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(server.database_url.replace("postgres://", "postgresql://")) as conn:
        return _rows(lambda sql: conn.execute(sql).fetchall())


def verify(load: Load, store: dict[str, list[tuple]]) -> Findings:
    """Every capture sent has a receipt; the store holds exactly what the receipts say: each
    capture once, with the status and code of its receipt; each stored capture's version once,
    with the number its receipt gave and the content the phone sent; nothing else."""
    found = Findings(captures=len(load.captures))
    captures = {str(uuid.UUID(str(r[0]))): r for r in store["captures"]}
    versions = {r[0]: r for r in store["versions"]}
    records = {r[0]: r for r in store["records"]}
    found.stored_captures, found.versions, found.day_records = (
        len(captures),
        len(versions),
        len(records),
    )
    classes: dict[int, list[tuple]] = defaultdict(list)
    for r in store["classes"]:
        classes[r[0]].append(r[1:])
    staff: dict[int, list[tuple]] = defaultdict(list)
    for r in store["staff"]:
        staff[r[0]].append(r[1:])

    # 1. Every capture has a receipt, and every receipt of a capture says the same.
    for key in load.captures:
        got = [r for r in load.receipts.get(key, []) if r["status"] != "unknown"]
        if not got:
            found.problem("no receipt", key)
            continue
        if any(r != got[0] for r in got[1:]):
            found.problem("receipts differ", f"{key}: {got}")
    # 2. The store against the receipts.
    version_of_capture: dict[int, str] = {}
    for key, receipt in load.final.items():
        row = captures.get(key)
        if row is None:
            found.problem("lost", f"{key} has receipt {receipt['status']}, nothing stored")
            continue
        _, school_id, date, status, code, message_en, version_id = row
        sent = load.captures[key]
        if (int(school_id), str(date)) != (sent.phone.school_id, sent.item["date"]):
            found.problem("mismatch", f"{key} stored for {school_id} {date}")
        if (status, code, message_en) != (
            receipt["status"],
            receipt["code"],
            receipt["message_en"],
        ):
            found.problem("mismatch", f"{key} stored {status}/{code}, receipt {receipt}")
        if receipt["status"] in STORED:
            version = versions.get(version_id)
            if version is None:
                found.problem("lost", f"{key}: receipt {receipt['status']}, no version stored")
                continue
            version_of_capture[version_id] = key
            _, record_id, number, v_status, boys, girls, third, meals, reason = version
            if number != receipt["version"]:
                found.problem("mismatch", f"{key}: version {number}, receipt {receipt['version']}")
            want_meals = sent.item.get("meals_served")
            if (boys, girls, third, meals, reason, v_status) != (
                *sent.totals,
                want_meals,
                sent.item["reason"].strip(),
                status,
            ):
                found.problem("mismatch", f"{key}: version {version} for {sent.item}")
            want_classes = sorted(
                (c["class_no"], c["boys"], c["girls"], c["third_gender"])
                for c in sent.item["classes"]
            )
            want_staff = sorted((s["posting_id"], s["status"]) for s in sent.item["staff"])
            if sorted(classes[version_id]) != want_classes or (
                sorted(staff[version_id]) != want_staff
            ):
                found.problem("mismatch", f"{key}: class or staff rows differ from the capture")
            record = records.get(record_id)
            if record is None or (int(record[1]), str(record[2])) != (
                sent.phone.school_id,
                sent.item["date"],
            ):
                found.problem("mismatch", f"{key}: version {version_id} on record {record}")
        elif version_id is not None or receipt["version"] is not None:
            found.problem("mismatch", f"{key}: rejected but with a version")
    # 3. Nothing stored without a receipt; no version without its capture.
    for key in captures.keys() - load.final.keys():
        found.problem("duplicated", f"capture {key} stored, the phone has no receipt")
    # (A version of such a capture is the same duplicate, counted once.)
    referenced = {r[6] for r in captures.values() if r[6] is not None}
    for version_id in versions.keys() - version_of_capture.keys():
        kind = "mismatch" if version_id in referenced else "duplicated"
        found.problem(kind, f"version {versions[version_id]} belongs to no receipt")
    # 4. Each school-day: one record, its versions numbered 1..k (k = the receipts with a
    #    version), `current` the last version not held.
    per_day: dict[tuple[int, str], list[int]] = defaultdict(list)
    for r in records.values():
        per_day[(int(r[1]), str(r[2]))].append(r[0])
    receipts_per_day: Counter = Counter()
    for key, receipt in load.final.items():
        if receipt["status"] in STORED:
            sent = load.captures[key]
            receipts_per_day[(sent.phone.school_id, sent.item["date"])] += 1
    for day, ids in per_day.items():
        if len(ids) > 1:
            found.problem("duplicated", f"{len(ids)} day records for {day}")
        mine = sorted(
            (v for v in versions.values() if v[1] in ids),
            key=lambda v: v[2],
        )
        numbers = [v[2] for v in mine]
        if numbers != list(range(1, len(mine) + 1)):
            found.problem("mismatch", f"{day}: version numbers {numbers}")
        if len(mine) != receipts_per_day[day]:  # each version is counted above already
            found.problem(
                "mismatch", f"{day}: {len(mine)} versions, {receipts_per_day[day]} receipts"
            )
        reported = [v for v in mine if v[3] != "held"]
        current = records[ids[0]][3]
        want = reported[-1][0] if reported else None
        if current != want:
            found.problem("mismatch", f"{day}: current {current}, the last report is {want}")
    for day, n in receipts_per_day.items():
        if day not in per_day:
            found.problem("mismatch", f"{day}: {n} receipts with a version, no day record")
    return found


def summary(label: str, load: Load, found: Findings, seconds: float) -> dict:
    t = load.tally
    statuses = Counter(r["status"] for r in load.final.values())
    return {
        "database": label,
        "captures": found.captures,
        "requests": t.requests,
        "faults": {
            "cut_closed": t.cut_closed,
            "cut_reset": t.cut_reset,
            "duplicate_at_once": t.duplicate_at_once,
            "duplicate_later": t.duplicate_later,
            "worker_sigkill": t.worker_kills,
            "db_restart": t.db_restarts,
        },
        "seen": {
            "broken_connections": t.broken,
            "server_errors_5xx": t.server_errors,
            "receipt_queries": t.receipt_queries,
            "resends": t.resends,
        },
        "receipts": dict(statuses),
        "stored": {
            "captures": found.stored_captures,
            "versions": found.versions,
            "day_records": found.day_records,
        },
        "lost": found.lost,
        "duplicated": found.duplicated,
        "problems": len(found.problems),
        "seconds": round(seconds, 1),
    }


def errors_outside(
    windows: list[tuple[float, float]], errors: list[tuple[float, float, str]], grace: float
) -> list[tuple[float, float, str]]:
    """The 5xx answers to requests that were not in flight during any of the windows (a
    database restart, and `grace` seconds after it)."""
    return [
        e
        for e in errors
        if not any(e[0] <= end + grace and e[1] >= began for began, end in windows)
    ]


def run(
    server: Server,
    *,
    label: str,
    n: int,
    seed: int,
    faults: Faults,
    postgres: PrivatePostgres | None = None,
) -> tuple[Load, Findings, dict]:
    """Log the phones in, send n captures with faults, compare the store with the receipts."""
    rng = random.Random(seed)
    phones = log_in_phones(server)
    captures = make_captures(phones, n, rng)
    load = Load(server, phones, captures, seed=seed, faults=faults, postgres=postgres)
    seconds = load.run()
    found = verify(load, read_store(server))
    figures = summary(label, load, found, seconds)
    print(f"\nfaults harness, {label}: {json.dumps(figures)}")
    return load, found, figures


def assert_sound(load: Load, found: Findings, figures: dict, *, n: int, kills: int) -> None:
    """What every run must show, on either database: no request left without its answer,
    nothing lost, nothing doubled, and the faults really happened (no vacuous pass)."""
    assert not load.failures, load.failures[:10]
    assert found.problems == [], found.problems
    assert (found.lost, found.duplicated) == (0, 0)
    f = figures["faults"]
    assert f["cut_closed"] and f["cut_reset"] and f["duplicate_at_once"], figures
    assert f["duplicate_later"] and f["worker_sigkill"] >= min(kills, 10), figures
    # Most captures made a version, and the phone with the wrong clock had some held.
    assert found.versions >= n // 2 and figures["receipts"].get("held"), figures
