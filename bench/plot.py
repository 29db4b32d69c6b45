"""The growth plot: p99 latency, deliveries/s and connect time against clients, ours against the baselines."""

from __future__ import annotations

import math
from pathlib import Path

from bench.common import ROOT

STYLE = {
    "ours": ("tab:blue", "o", "QiaoCamp"),
    "ours-fix": ("tab:green", "D", "QiaoCamp + proposed dispatch fix"),
    "naive": ("tab:red", "s", "naive Channels"),
    "bare": ("tab:gray", "^", "bare websockets"),
}


def _values(points: list[dict], key: str) -> list[float]:
    """A column with the missing figures as NaN (a gap in the line, not an error on a log axis)."""
    return [math.nan if p.get(key) is None else float(p[key]) for p in points]


def growth_plot(rows: dict[str, list[dict]], path: str | None, slopes: dict | None = None) -> str:
    """Three panels: p99 latency, deliveries/s, and connect time. The connect panel shows the cost
    of one more join at each size (connect_marginal_ms: Δ fill time / Δ clients from the previous
    size; flat = a join costs the same in a big room) as solid lines, and the average fill time per
    client (connect_per_join_ms) dashed; `slopes` (live.connect_slopes) go in the legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path) if path else ROOT / "docs" / "performance-growth.png"
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 4.6))
    for target, points in rows.items():
        color, marker, label = STYLE.get(target, ("black", "x", target))
        xs = [p["clients"] for p in points]
        left.plot(xs, _values(points, "p99_ms"), marker=marker, color=color, label=label)
        middle.plot(xs, _values(points, "deliveries_per_s"), marker=marker, color=color, label=label)
        slope = ((slopes or {}).get(target.replace("-", "_")) or {}).get("marginal_ms_per_100_clients")
        fill_label = label if slope is None else f"{label}: slope {slope:+g} ms per 100 clients"
        right.plot(xs, _values(points, "connect_marginal_ms"), marker=marker, color=color, label=fill_label)
        right.plot(
            xs,
            _values(points, "connect_per_join_ms"),
            marker=marker,
            color=color,
            linestyle="--",
            linewidth=0.9,
            alpha=0.6,
            markersize=3,
        )
    left.axhline(150, color="green", linestyle=":", linewidth=1, label="target p99 150 ms")
    left.set(
        xlabel="clients in one room (5 messages/s)",
        ylabel="p99 send→receive latency (ms)",
        xscale="log",
        yscale="log",
        title="p99 latency",
    )
    middle.set(
        xlabel="clients in one room (5 messages/s)",
        ylabel="deliveries per second",
        xscale="log",
        yscale="log",
        title="deliveries per second",
    )
    right.set(
        xlabel="clients in one room (handshakes paced)",
        ylabel="ms per client",
        xscale="log",
        title="connect cost of one more client (solid; flat = target)\naverage fill time per client (dashed)",
    )
    for ax in (left, middle, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return str(out.relative_to(ROOT)) if out.is_relative_to(ROOT) else str(out)
