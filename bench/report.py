"""Markdown tables from the latest results in bench/results/ (for docs/performance.md).

`python -m bench.report` prints them; the numbers are copied from the JSON, never retyped.
"""

from __future__ import annotations

import json

from bench.common import RESULTS_DIR

COLUMNS = ("ours", "ours_fix", "naive", "bare")
TITLES = {"ours": "QiaoCamp", "ours_fix": "QiaoCamp + fix", "naive": "naive Channels", "bare": "bare websockets"}


def latest(name: str) -> dict | None:
    path = RESULTS_DIR / f"{name}.jsonl"
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def steady_table(record: dict) -> str:
    rows = [
        ("p50 latency (ms)", "p50_ms"), ("p95 latency (ms)", "p95_ms"), ("p99 latency (ms)", "p99_ms"),
        ("max latency (ms)", "max_ms"), ("deliveries/s", "deliveries_per_s"), ("messages accepted", "accepted"),
        ("lost", "lost"), ("duplicated", "duplicated"), ("reordered", "reordered"),
        ("gaps resumed", "gaps_resumed"), ("server CPU (% of one core)", "server_cpu_pct"),
        ("RSS per idle connection (KiB)", "rss_per_conn_kib"), ("server RSS (MiB)", "server_rss_mib"),
    ]
    present = [c for c in COLUMNS if record.get(c)]
    out = ["| | " + " | ".join(TITLES[c] for c in present) + " |", "|---" * (len(present) + 1) + "|"]
    for label, key in rows:
        out.append(f"| {label} | " + " | ".join(_fmt(record[c].get(key)) for c in present) + " |")
    out.append("| connect: all clients (s) | " + " | ".join(
        _fmt(record[c]["connect"]["connect_all_s"]) for c in present) + " |")
    out.append("| connect: p50 / p99 per client (ms) | " + " | ".join(
        f"{_fmt(record[c]['connect']['connect']['p50_ms'])} / {_fmt(record[c]['connect']['connect']['p99_ms'])}"
        for c in present) + " |")
    if record.get("storm") or any((record[c] or {}).get("storm") for c in present):
        for key, label in (("resumed_within_15s_share", "resumed within 15 s (share)"),
                           ("resume_p50_s", "resume p50 (s)"), ("resume_p99_s", "resume p99 (s)"),
                           ("resume_max_s", "resume max (s)"), ("dropped", "clients dropped")):
            out.append(f"| {label} | " + " | ".join(_fmt((record[c].get("storm") or {}).get(key)) for c in present)
                       + " |")
    return "\n".join(out)


def max_table(record: dict) -> str:
    present = [c for c in COLUMNS if record.get(c)]
    out = ["| | " + " | ".join(TITLES[c] for c in present) + " |", "|---" * (len(present) + 1) + "|"]
    out.append("| best deliveries/s with p99 ≤ 250 ms, 0 lost | " + " | ".join(
        _fmt(record[c]["best_deliveries_per_s"]) for c in present) + " |")
    out.append("| at messages/s in the room | " + " | ".join(_fmt(record[c]["best_rate"]) for c in present) + " |")
    out.append("| p99 there (ms) | " + " | ".join(_fmt(record[c]["best_p99_ms"]) for c in present) + " |")
    out.append("| steps (rate → p99 ms, lost) | " + " | ".join(
        "; ".join(f"{_fmt(s['rate'])} → {_fmt(s['p99_ms'])}, {s['lost']}" for s in record[c]["steps"])
        for c in present) + " |")
    return "\n".join(out)


def growth_table(record: dict) -> str:
    present = [c for c in COLUMNS if record.get(c)]
    out = ["| clients | " + " | ".join(f"{TITLES[c]} p99 ms / deliv/s / lost" for c in present) + " |",
           "|---" * (len(present) + 1) + "|"]
    for i, size in enumerate(record["sizes"]):
        cells = []
        for c in present:
            row = record[c][i] if i < len(record[c]) else {}
            cells.append(f"{_fmt(row.get('p99_ms'))} / {_fmt(row.get('deliveries_per_s'))} / {_fmt(row.get('lost'))}")
        out.append(f"| {size} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    for name in ("live-class", "live-camp-hour", "live-storm", "live-idle"):
        record = latest(name)
        if record:
            print(f"## {name} ({record['date']}, {record['git_commit']})\n\n{steady_table(record)}\n")
    record = latest("live-max")
    if record:
        print(f"## live-max ({record['date']})\n\n{max_table(record)}\n")
    record = latest("live-growth")
    if record:
        print(f"## live-growth ({record['date']})\n\n{growth_table(record)}\n")


if __name__ == "__main__":
    main()
