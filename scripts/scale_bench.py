#!/usr/bin/env python3
"""Response times of the dashboard and the assessment on a running server (issue 8).

Usage: scripts/scale_bench.py http://127.0.0.1:8080 LOGIN [PASSWORD] [--runs N] [--today D]

Signs in, then asks each page N times in turn (one client, after one warm-up request) and
prints p50 and p95 in milliseconds: the dashboard page, the assessment ranking of this month
and of the last three months (JSON), the XLSX export, one org's drill-down, and the lists the
dashboard's tiles open (open leads, cases in hand, clocks due soon and breached, open
supervision orders, transfers awaiting acceptance, joint operations). Load the data first
with `xiezhi demo --scale county|province --seed N` (docs/performance.md). `--today
YYYY-MM-DD` ends the periods on that day instead of today (for a history generated only up to
it).
"""

import datetime
import http.cookiejar
import json
import statistics
import sys
import time
import urllib.request


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = 20
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
        args = [a for a in args if a != str(runs)]
    if "--today" in sys.argv:
        given = sys.argv[sys.argv.index("--today") + 1]
        today = datetime.date.fromisoformat(given)
        args = [a for a in args if a != given]
    base, login = args[0].rstrip("/"), args[1]
    password = args[2] if len(args) > 2 else "demo"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(
        base + "/api/v1/session",
        data=json.dumps({"login": login, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    opener.open(req).read()
    month = today.replace(day=1)
    quarter = (today - datetime.timedelta(days=91)).isoformat()
    ranking = json.loads(
        opener.open(f"{base}/api/v1/assessment?from={quarter}&to={today}").read()
    )
    orgs = ranking["ranked"] + ranking["small"]
    busiest = max(orgs, key=lambda o: o["handling"]["denominator"])["org_id"]
    pages = [
        ("dashboard", "/dashboard"),
        ("assessment (month)", f"/api/v1/assessment?from={month}&to={today}"),
        ("assessment (3 months)", f"/api/v1/assessment?from={quarter}&to={today}"),
        ("assessment XLSX (3 months)", f"/api/v1/assessment?from={quarter}&to={today}&format=xlsx"),
        ("drill-down (3 months)", f"/api/v1/assessment/orgs/{busiest}?from={quarter}&to={today}"),
        # The lists behind the dashboard's figures (the pages its tiles open, first page).
        ("list: open leads", "/leads?open=true"),
        ("list: cases in hand", "/cases?open=true"),
        ("list: clocks due soon", "/clocks?soon=true"),
        ("list: breached clocks", "/clocks?state=breached"),
        ("list: supervision orders", "/clocks?rule=supervision_order.respond"),
        ("list: transfers waiting", "/transfers?status=sent"),
        ("list: joint operations", "/operations"),
    ]
    print(f"{len(orgs)} orgs assessed; {runs} runs each")
    for name, path in pages:
        opener.open(base + path).read()
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            body = opener.open(base + path).read()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(
            f"{name:<28} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms"
            f"   ({len(body)} bytes)"
        )


if __name__ == "__main__":
    main()
