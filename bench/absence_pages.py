"""The officers' pages of children who miss school (issue 15), at the scale of a state: 20
officers viewing while phones upload roll calls. On PostgreSQL, through gunicorn, driven by
locust, with the dashboards' benchmark's harness (bench/dashboards.py). The figures go into
docs/benchmarks.md, "Absence pages".

    .venv/bin/python bench/absence_pages.py [--generate] [--skip-rebuild] [--viewers 20]
        [--phones 8] [--uploads 2.5] [--seconds 120] [--offset 62000] [--config gthread:2x4]

The database is the roll-call rush's (hazari_bench_rush_roll: the full state with its student
register, built by `bench/morning_rush.py --roll-call --keep`):

1. --generate: the session's marks up to yesterday for every child on the register
   (`generate_student_marks`, PostgreSQL's own INSERT … SELECT), timed.
2. The officers' figures from scratch (`refresh_absence --rebuild`), and the dashboards'
   rollups of today (`refresh_dashboards --rebuild --since today`: the pages are kept and
   re-rendered by its runs), timed; --skip-rebuild keeps both. Then VACUUM ANALYZE and the
   sizes of the tables.
3. bench/dash_prepare.py absence: a session per viewer, the five pages in turn (the state's
   and a district's chronic absentees, the state's and a district's causes, a cluster's
   named list), for the session so far.
4. Both refreshers (`refresh_dashboards --loop --every 5`, `refresh_absence --loop --every
   30`) and gunicorn start; locust runs the viewers (each reloading as soon as a page comes)
   and --phones phones each uploading --uploads roll calls a second, from the captures' line
   --offset on (schools that have not sent today).

Targets: the state's and a district's pages p95 ≤ 50 ms, the causes pages the same, the
cluster's named list p95 ≤ 100 ms (server time).
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time

import dashboards as dash
import psycopg
from common import ROOT, database_url, manage, migrate, run_child

DATABASE = "hazari_bench_rush_roll"
CAPTURES = dash.WORK / "rush_roll_captures.jsonl"
VIEWS = ("state-absence", "district-absence", "state-causes", "district-causes")
NAMED = ("cluster-named-list",)
TARGETS_MS = {**dict.fromkeys(VIEWS, 50), **dict.fromkeys(NAMED, 100)}
TABLES = ("students_markmonth", "students_absence", "students_causecount", "registers_student")


def sizes() -> dict:
    out = {}
    with psycopg.connect(database_url(DATABASE)) as conn:
        for name in TABLES:
            rows, total = conn.execute(
                f"SELECT (SELECT count(*) FROM {name}), pg_total_relation_size('{name}')"  # noqa: S608
            ).fetchone()
            out[name] = {"rows": rows, "mb": round(total / 2**20)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="draw the session's marks")
    parser.add_argument("--skip-rebuild", action="store_true", help="keep the figures there")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--pace", type=float, default=0, help="seconds between a viewer's pages")
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("--uploads", type=float, default=2.5, help="per phone per second")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--offset", type=int, default=62000, help="first school to upload")
    parser.add_argument("--config", default="gthread:2x4")
    parser.add_argument("--load-nice", type=int, default=0)
    args = parser.parse_args()
    dash.DATABASE = DATABASE  # the harness's server, refresher and queries use this database
    dash.WORK.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": platform.node(), "load_before": os.getloadavg()}
    result["args"] = vars(args)
    print(f"{os.cpu_count()} CPUs, load {result['load_before']}")
    migrate(DATABASE)
    today = datetime.datetime.now(dash.IST).date()
    if args.generate:
        gen = run_child(manage("generate_student_marks", "--seed", "1"), database=DATABASE,
                        label="marks")  # fmt: skip
        print(gen.output.strip())
        result["generate_s"] = round(gen.seconds, 1)
    if not args.skip_rebuild:
        for label, command in (
            ("absence rebuild", manage("refresh_absence", "--rebuild")),
            # Today only: the absence pages read none of the dashboards' rollups, but they are
            # kept and re-rendered by the dashboards' refresher's runs, so it must run.
            (
                "dashboards rebuild",
                manage("refresh_dashboards", "--rebuild", "--since", today.isoformat()),
            ),
        ):
            child = run_child(command, database=DATABASE, label=label)
            print(child.output.strip().splitlines()[-1:])
            result[label.replace(" ", "_") + "_s"] = round(child.seconds, 1)
            result[label.replace(" ", "_") + "_peak_rss_mb"] = round(child.peak_rss_mb)
    with psycopg.connect(database_url(DATABASE), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    result["sizes"] = sizes()
    print(json.dumps(result["sizes"], indent=1))
    viewers = dash.WORK / "absence_viewers.json"
    prep = run_child(
        [sys.executable, str(ROOT / "bench" / "dash_prepare.py"), str(viewers),
         str(args.viewers), "absence"],
        database=DATABASE,
        label="prepare viewers",
    )  # fmt: skip
    print(prep.output.strip())
    run_child(manage("collectstatic", "--noinput", "-v", "0"), database=DATABASE, label="static")
    os.environ["DASH_OFFSET"] = str(args.offset)
    os.environ["DASH_ROLL"] = "1"
    absence = dash.Refresher(
        ("refresh_absence", "--loop", "--every", "30"), log_name="absence_refresher.log"
    )
    with dash.Refresher() as refresher, absence, dash.Server(args.config) as server:
        dash.warm_up(viewers)
        started = time.time()
        result["load"] = dash.run_load(server, args, viewers, CAPTURES)
        result["refresher"] = refresher.ticks()
    result["absence_refresher"] = (dash.WORK / "absence_refresher.log").read_text()[-2000:]
    result["seconds"] = round(time.time() - started, 1)
    result["load_after"] = os.getloadavg()
    out = dash.WORK / "absence_result.json"
    out.write_text(json.dumps(result, indent=1, default=str))
    report(result)
    print(f"→ {out}")
    return 0


def report(result: dict) -> None:
    load = result["load"]
    print()
    print("kind | requests | per s | errors | server p50 | server p95 | server p99 | client p95")
    for kind in (*VIEWS, *NAMED, "upload"):
        if kind in load:
            x = load[kind]
            print(
                f"{kind} | {x['requests']} | {x['per_s']} | {x['errors']} | "
                f"{x['server'].get('p50_ms')} | {x['server'].get('p95_ms')} | "
                f"{x['server'].get('p99_ms')} | {x['client'].get('p95_ms')}"
            )
    for kind, target in TARGETS_MS.items():
        if kind in load:
            p95 = load[kind]["server"].get("p95_ms", 1e9)
            print(f"target p95 ≤ {target} ms, {kind}: {'met' if p95 <= target else 'NOT met'}")
    print("dashboards' refresher:", result["refresher"])
    print("today:", datetime.date.today())


if __name__ == "__main__":
    sys.exit(main())
