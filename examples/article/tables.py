#!/usr/bin/env python3
"""Prints this folder's README tables from the sweeps' reports (reports/*/report.json).

    python3 examples/article/tables.py > /tmp/tables.md

The output is the README's "The reports" section and the memory estimate's summary line; paste both
over the old ones after examples/article/run.sh has pulled new reports. Nothing here measures: every
figure is read from a report.json that the sweep-service wrote.
"""
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["seeds", "qlora", "optimizer-schedule", "epochs", "targets", "rank-alpha", "per-layer-ranks"]
SETS = ["stories", "alpaca"]
MIB = 1 << 20
MARKS = {"best": " **best**", "within-spread": " ≈", "beyond-spread": ""}


def mark(value):
    return MARKS.get(value or "", "")


def mean_sd(stat, digits):
    return f"{stat['mean']:.{digits}f} ± {stat['sd']:.{digits}f}"


def evaluation(setting, task, metric):
    for e in setting["evaluation"]:
        if e["task"] == task and e["metric"] == metric:
            return e
    return None


def table(report):
    pass_rate = any(m["metric"] == "pass_rate" for m in report["metrics"])
    head = ["setting", "validation loss", "perplexity (Δ vs base ± SE)"]
    if pass_rate:
        head.append("held-out pass rate (Δ ± SE)")
    head += ["peak MiB (predicted)", "tokens/s", "time s", "trainable"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in report["settings"]:
        t = s["training"]
        row = [s["label"], mean_sd(t["validationLoss"], 3) + mark(t.get("validationLossMark"))]
        ppl = evaluation(s, "perplexity", "perplexity")
        row.append(
            f"{mean_sd(ppl['tuned'], 3)}{mark(ppl.get('mark'))}"
            f" ({ppl['difference']['mean']:+.3f} ± {ppl['pairedStderr']:.3f})"
        )
        if pass_rate:
            pr = evaluation(s, "held-out-pairings", "pass_rate")
            row.append(
                f"{mean_sd(pr['tuned'], 2)}{mark(pr.get('mark'))}"
                f" ({pr['difference']['mean']:+.2f} ± {pr['pairedStderr']:.2f})"
            )
        row += [
            f"{t['peakRssBytes']['mean'] / MIB:.0f} ({t['predictedPeakBytes']['mean'] / MIB:.0f})",
            f"{t['tokensPerSecond']['mean']:.0f} ± {t['tokensPerSecond']['sd']:.0f}",
            f"{t['durationMs']['mean'] / 1000:.1f} ± {t['durationMs']['sd'] / 1000:.1f}",
            f"{t['trainableParameters']['mean']:,.0f}",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main():
    reports = []
    for comparison in ORDER:
        for data in SETS:
            path = HERE / "reports" / f"article-{comparison}-{data}" / "report.json"
            if not path.is_file():
                sys.exit(f"missing {path}: run examples/article/run.sh first")
            reports.append(json.loads(path.read_text()))
    for r in reports:
        sid = r["sweepId"]
        print(
            f"### {r['title']} ([`{sid}`](reports/{sid}/report.md): {r['runsTotal']} runs,"
            f" {r['runsTrained']} trained, {r['runsFailed']} failed)\n"
        )
        print(table(r))
        print()
    errors = []
    for r in reports:
        for run in r["runs"]:
            if run.get("peakRssBytes") and run.get("predictedPeakBytes"):
                e = (run["predictedPeakBytes"] - run["peakRssBytes"]) / run["peakRssBytes"]
                errors.append((e, run["requestId"]))
    absolute = [abs(e) for e, _ in errors]
    print(
        f"The memory estimate against the measured peak, for every run of these sweeps: "
        f"{sum(a <= 0.15 for a in absolute)} of the {len(errors)} runs within 15%"
        f" ({sum(a <= 0.10 for a in absolute)} within 10%; median error {100 * statistics.median(absolute):.1f}%,"
        f" mean signed error {100 * statistics.mean(e for e, _ in errors):+.1f}%, widest"
        f" {100 * min(e for e, _ in errors):+.1f}% and {100 * max(e for e, _ in errors):+.1f}%)."
    )
    for e, rid in sorted(errors):
        if abs(e) > 0.15:
            print(f"- outside 15%: {rid} {100 * e:+.1f}%")


if __name__ == "__main__":
    main()
