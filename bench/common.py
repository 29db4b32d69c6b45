"""Shared plumbing: percentiles, machine facts, the result file, the one-JSON-line contract."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def summarize_ms(values_ms: list[float]) -> dict:
    """p50/p95/p99/max of millisecond values, rounded for humans."""

    def r(v):
        return None if v is None else round(v, 2)

    return {
        "p50_ms": r(percentile(values_ms, 50)),
        "p95_ms": r(percentile(values_ms, 95)),
        "p99_ms": r(percentile(values_ms, 99)),
        "max_ms": r(max(values_ms) if values_ms else None),
        "samples": len(values_ms),
    }


def machine() -> dict:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True,
            timeout=10,
        )
        # Other people's uncommitted work may be in the tree: say so rather than claim a clean commit.
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def emit(command: str, result: dict) -> dict:
    """Stamp the result, append it to bench/results/<command>.jsonl and print it as the last line."""
    now = datetime.datetime.now(datetime.UTC)
    record = {
        "command": command,
        "date": now.isoformat(timespec="seconds"),
        "machine": machine(),
        "git_commit": git_commit(),
        **result,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with (RESULTS_DIR / f"{command}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
    sys.stdout.flush()
    print(json.dumps(record, ensure_ascii=False), flush=True)
    return record


def ratio(ours: float | None, other: float | None) -> float | None:
    if ours is None or other in (None, 0):
        return None
    return round(ours / other, 3)


def log(*parts) -> None:
    """Progress goes to stderr so that stdout ends with exactly one JSON line."""
    print("[bench]", *parts, file=sys.stderr, flush=True)
