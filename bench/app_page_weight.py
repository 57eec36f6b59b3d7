"""Page weight of the head masters' app: bytes over the wire, compressed, on the first load
and on a later open. The issue's budget: the first load at most 150 KB, fonts excluded.

The app is served as in production: DEBUG off, `collectstatic` with the hashed, compressed
storage (WhiteNoise), gunicorn, a scratch SQLite database with one school and its head
master. Debian's Chromium (through Playwright, at 360×640) opens /app/, logs in, and waits
until the service worker has cached the app; every response the page and the service worker
received is counted with Playwright's `request.sizes()` (headers plus the body as
transferred, i.e. compressed). Then the app is opened again in a new tab.

    .venv/bin/python bench/app_page_weight.py [--json OUT.json]

WhiteNoise serves the static files brotli-compressed (written by collectstatic); the shell,
manifest and service worker are gzipped by their views. The API's JSON is counted as the
application server sends it, uncompressed: a TLS proxy that compresses JSON makes it smaller.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BUDGET_KB = 150
SW = "/app/sw.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "bench-page-weight-42"  # noqa: S105 (a scratch database)

SEED = f"""
import datetime
from hazari.accounts.roles import Role
from hazari.orgunits.categories import Category
from hazari.registers.models import Enrolment
from hazari.schooldays.services import session_ensure
from hazari.staff.models import Posting
from hazari.testing import person, school, unit
from django.utils import timezone

state = unit("23", "Madhya Pradesh", "मध्य प्रदेश", None)
district = unit("396", "Bhopal", "भोपाल", state)
block = unit("3778", "Phanda", "फंदा", district)
cluster = unit("3778-01", "Phanda cluster 1", "फंदा संकुल 1", block)
s = school("23320200101", "GMS Berasia", "शा.मा.शा. बैरसिया", cluster, Category.PRIMARY_MIDDLE)
person("23320200101", "Hari Patel", Role.HEAD_MASTER, s.unit).set_password({PASSWORD!r})
from hazari.accounts.models import User
u = User.objects.get(username="23320200101"); u.set_password({PASSWORD!r}); u.save()
today = timezone.localdate()
session_ensure(start_year=today.year if today.month >= 4 else today.year - 1, state=state)
from hazari.registers.models import academic_year_of
for c in s.classes:
    Enrolment.objects.create(school=s, academic_year=academic_year_of(today), class_no=c,
                             boys=30 + c, girls=28 + c, third_gender=0)
for i in range(8):
    Posting.objects.create(employee_code=f"EMP{{9000 + i}}", name=f"Teacher {{i}}",
                           designation="Teacher", school=s, start_date=datetime.date(2020, 7, 1),
                           source="hrmis")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(var: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hazari.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "HAZARI_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'bench.sqlite3'}",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    if path.endswith(".woff2"):
        return "font"
    if path.startswith("/api/"):
        return "api"
    return "app"


class Meter:
    """Every response of the context (page and service worker) with its sizes."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def on_finished(self, request) -> None:
        response = request.response()
        if response is None:
            return
        sizes = request.sizes()
        self.rows.append(
            {
                "url": request.url,
                "path": urlsplit(request.url).path,
                "kind": kind_of(request.url),
                "status": response.status,
                "encoding": response.headers.get("content-encoding", ""),
                "from_service_worker": response.from_service_worker,
                "by_service_worker": request.service_worker is not None,
                "headers": sizes["responseHeadersSize"],
                "body": sizes["responseBodySize"],
                "request": sizes["requestHeadersSize"] + sizes["requestBodySize"],
            }
        )

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows


def server_log(path: Path, start: int) -> tuple[list[dict], int]:
    """The requests gunicorn answered since byte `start` of its access log: path, status and
    the body bytes it counted ("-", so 0, for the static files WhiteNoise streams)."""
    text = path.read_text()
    rows = []
    for line in text[start:].splitlines():
        _method, url, status, sent = line.split()
        rows.append({"path": url, "status": int(status), "body": 0 if sent == "-" else int(sent)})
    return rows, len(text)


def wire(rows: list[dict], served: list[dict]) -> list[dict]:
    """The responses that crossed the network, as Chromium counts them (headers, and the body
    as transferred), leaving out what the service worker or the HTTP cache answered (Chromium
    reports those with a body of minus the headers). One correction: Chromium reports no body
    for the service worker's own script, so its size is taken from the server's log."""
    out = [r for r in rows if not r["from_service_worker"] and r["headers"] + r["body"] > 0]
    script = [s["body"] for s in served if s["path"] == SW and s["status"] == 200]
    for r in out:
        if r["path"] == SW and r["status"] == 200 and r["body"] == 0 and script:
            r["body"] = script.pop(0)
            r["note"] = "body from the server's log"
    return out


def totals(rows: list[dict]) -> dict:
    out: dict = defaultdict(int)
    for r in rows:
        out[r["kind"]] += r["headers"] + r["body"]
        out[f"{r['kind']}_requests"] += 1
    return dict(out)


def measure(base: str, log: Path, start: int) -> dict:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 640}, locale="hi-IN")
        meter = Meter()
        context.on("requestfinished", meter.on_finished)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and print("console:", m.text))
        page.goto(f"{base}/app/")
        page.wait_for_selector("[data-testid=login]")
        page.fill("#user-id", "23320200101")
        page.fill("#password", PASSWORD)
        page.click("[data-testid=login] button[type=submit]")
        # Today's screen (its form only inside the day's window; the requests are the same).
        page.wait_for_selector("[data-testid=today]")
        page.wait_for_selector("[data-testid=offline-ready]")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(1500)  # let the service worker's precache requests finish
        served, start = server_log(log, start)
        first = wire(meter.take(), served)

        again = context.new_page()
        again.goto(f"{base}/app/")
        again.wait_for_selector("[data-testid=today]")
        again.wait_for_timeout(1500)
        served_later, start = server_log(log, start)
        later = wire(meter.take(), served_later)
        browser.close()
    return {"first": first, "later": later, "served": served, "served_later": served_later}


def report(result: dict) -> dict:
    first, later = result["first"], result["later"]
    print(f"\nFirst load: {len(first)} responses over the network")
    print(f"{'kind':5} {'code':4} {'enc':5} {'headers':>8} {'body':>8}  path")
    for r in sorted(first, key=lambda r: (r["kind"], r["path"])):
        by = " (service worker)" if r["by_service_worker"] else ""
        by += f" ({r['note']})" if r.get("note") else ""
        print(
            f"{r['kind']:5} {r['status']:4} {r['encoding'] or '-':5} {r['headers']:8} "
            f"{r['body']:8}  {r['path']}{by}"
        )
    codes = defaultdict(int)
    for s in result["served"]:
        codes[s["status"]] += 1
    print(f"The server's log: {dict(codes)} (status: requests)")
    print(f"\nLater open: {len(later)} responses over the network")
    print(f"The server's log: {[(s['path'], s['status']) for s in result['served_later']]}")
    for r in later:
        print(f"{r['kind']:5} {r['status']:4} {r['headers']:8} {r['body']:8}  {r['path']}")
    t1, t2 = totals(first), totals(later)
    app_kb = t1.get("app", 0) / 1024
    summary = {
        "first_load_app_kb": round(app_kb, 1),
        "first_load_app_requests": t1.get("app_requests", 0),
        "first_load_api_kb": round(t1.get("api", 0) / 1024, 1),
        "first_load_fonts_kb": round(t1.get("font", 0) / 1024, 1),
        "later_open_app_kb": round(t2.get("app", 0) / 1024, 1),
        "later_open_api_kb": round(t2.get("api", 0) / 1024, 1),
        "later_open_fonts_kb": round(t2.get("font", 0) / 1024, 1),
        "later_open_requests": len(later),
        "budget_kb": BUDGET_KB,
    }
    print("\n" + json.dumps(summary, indent=2))
    verdict = "within" if app_kb <= BUDGET_KB else "OVER"
    print(f"\nFirst load of the app, fonts excluded: {app_kb:.1f} KB ({verdict} {BUDGET_KB} KB)")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write every response and the summary here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hazari-page-weight-") as tmp:
        var = Path(tmp)
        env = production_env(var)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "migrate", "--noinput", "-v", "0")
        subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{SEED}"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        log = var / "access.log"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "hazari.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--log-level",
                "warning",
                "--access-logfile",
                str(log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(B)s",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/app/", timeout=1)  # noqa: S310 (local)
                    break
                except OSError:
                    time.sleep(0.1)
            time.sleep(1)  # gunicorn writes the readiness check's line, which does not count
            _, start = server_log(log, 0)
            result = measure(base, log, start)
        finally:
            server.terminate()
            server.wait(timeout=10)
        summary = report(result)
        if args.json:
            Path(args.json).write_text(json.dumps({"summary": summary, **result}, indent=1))


if __name__ == "__main__":
    main()
