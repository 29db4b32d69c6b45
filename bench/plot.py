"""The growth plot: p99 latency and deliveries/s against clients, ours against the baselines."""

from __future__ import annotations

from pathlib import Path

from bench.common import ROOT

STYLE = {"ours": ("tab:blue", "o", "QiaoCamp"), "ours-fix": ("tab:green", "D", "QiaoCamp + proposed dispatch fix"), "naive": ("tab:red", "s", "naive Channels"),
         "bare": ("tab:gray", "^", "bare websockets")}


def growth_plot(rows: dict[str, list[dict]], path: str | None) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path) if path else ROOT / "docs" / "performance-growth.png"
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for target, points in rows.items():
        color, marker, label = STYLE.get(target, ("black", "x", target))
        xs = [p["clients"] for p in points]
        left.plot(xs, [p["p99_ms"] for p in points], marker=marker, color=color, label=label)
        right.plot(xs, [p["deliveries_per_s"] for p in points], marker=marker, color=color, label=label)
    left.axhline(150, color="green", linestyle=":", linewidth=1, label="target p99 150 ms")
    left.set(xlabel="clients in one room (5 messages/s)", ylabel="p99 send→receive latency (ms)", xscale="log",
             yscale="log", title="p99 latency")
    right.set(xlabel="clients in one room (5 messages/s)", ylabel="deliveries per second", xscale="log",
              yscale="log", title="deliveries per second")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return str(out.relative_to(ROOT)) if out.is_relative_to(ROOT) else str(out)
