#!/usr/bin/env python3
"""Which panels of deploy/grafana/lora-dashboard.json have data in a running Prometheus.

    python3 deploy/prometheus/dashboard-data.py [--prometheus http://127.0.0.1:9090] [--minutes 15]

Evaluates every query of every panel over the last minutes (a range query at the scrape interval) and
prints each panel with the number of series that had at least one sample; exits 1 when a panel has none.
Run it after `./lora demo` with Prometheus scraping the stack (prometheus-embedded.yml).
"""
import argparse
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[1] / "grafana" / "lora-dashboard.json"


def series(base, expr, minutes):
    now = time.time()
    query = urllib.parse.urlencode(
        {"query": expr, "start": now - 60 * minutes, "end": now, "step": "5s"}
    )
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{query}", timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    return [s for s in body["data"]["result"] if s.get("values")]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--prometheus", default="http://127.0.0.1:9090")
    p.add_argument("--minutes", type=float, default=15)
    a = p.parse_args()
    panels = json.loads(DASHBOARD.read_text())["panels"]
    empty = []
    for panel in panels:
        exprs = [t["expr"] for t in panel.get("targets", []) if t.get("expr")]
        if not exprs:
            continue
        n = sum(len(series(a.prometheus, e, a.minutes)) for e in exprs)
        print(f"{n:4d} series  {panel.get('title')}")
        if n == 0:
            empty.append(panel.get("title"))
    if empty:
        print(f"{len(empty)} panel(s) without data: {', '.join(empty)}", file=sys.stderr)
        sys.exit(1)
    print("every panel has data")


if __name__ == "__main__":
    main()
