"""The funnel report as a picture: the funnel on the left, conversion by channel on the right.

One PNG (matplotlib, no display needed), written whole or not at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from sales.export.files import temporary_beside
from sales.funnel import FunnelReport

FUNNEL_STEPS = (  # (label, how the count is read from the report)
    ("companies found", None),
    ("prospects", "prospect"),
    ("contacted", "contacted"),
    ("meeting", "meeting"),
    ("proposal", "proposal"),
    ("won", "won"),
)
CHANNELS_SHOWN = 12


def write_funnel_png(report: FunnelReport, path: Path) -> Path:
    """Draw the report's funnel and conversion by channel into ``path`` (a .png)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5),
                                      gridspec_kw={"width_ratios": [1, 1.25]})
    fig.suptitle(f"Sales funnel: profile {report.profile}", fontsize=15, fontweight="bold")

    counts = [report.total.companies if key is None else report.total.stages[key]
              for _, key in FUNNEL_STEPS]
    widest = max(counts) or 1
    ys = list(range(len(counts)))[::-1]
    for y, n in zip(ys, counts, strict=True):
        left.barh(y, n, left=(widest - n) / 2, height=0.8, color="#2f6db5")
    left.set_yticks(ys, [label for label, _ in FUNNEL_STEPS], fontsize=12)
    for y, n in zip(ys, counts, strict=True):
        left.text(widest / 2, y, f"{n:,}", ha="center", va="center", fontsize=12,
                  color="white" if n > widest * 0.12 else "black", fontweight="bold")
    left.set_xticks([])
    left.set_xlim(0, widest)
    left.set_title("Companies at each stage", fontsize=13)
    for side in ("top", "right", "bottom"):
        left.spines[side].set_visible(False)

    rates = [(name, c) for name, c in report.by_channel.items() if c.conversion is not None]
    rates = sorted(rates, key=lambda kv: (-(kv[1].conversion or 0), kv[0]))[:CHANNELS_SHOWN]
    right.set_title("Won ÷ contacted, by channel", fontsize=13)
    if not rates:
        right.text(0.5, 0.5, "No outcomes imported yet\n(leadpipe outcomes import FILE.csv)",
                   ha="center", va="center", fontsize=12, transform=right.transAxes)
        right.set_axis_off()
    else:
        ys = list(range(len(rates)))[::-1]
        values = [100 * (c.conversion or 0) for _, c in rates]
        right.barh(ys, values, height=0.7, color="#3a9a5b")
        right.set_yticks(ys, [name for name, _ in rates], fontsize=11)
        right.set_xlim(0, 118)
        right.set_xlabel("% of contacted companies won", fontsize=11)
        for y, v, (_, c) in zip(ys, values, rates, strict=True):
            right.text(v + 1.5, y, f"{v:.0f}%  ({c.stages['won']} of {c.stages['contacted']})",
                       va="center", fontsize=11)
        for side in ("top", "right"):
            right.spines[side].set_visible(False)
    fig.tight_layout()
    tmp = temporary_beside(path, ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path
