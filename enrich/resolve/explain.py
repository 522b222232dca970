"""Readable explanations of pair scores: 'name 0.93 + same phone + same domain; weight 11.2'.

Each comparison words its own part from its levels (``Level.says``); this module joins the
parts and adds the weight."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich.normalise import join_skip_nulls
from enrich.resolve.comparisons import Comparison

NAME_ONLY = "linked on the name alone: a rare name, nothing else to compare or contradicting"


def explain_pairs(
    comparisons: Sequence[Comparison],
    levels: dict[str, np.ndarray],
    scores: dict[str, np.ndarray],
    weight: np.ndarray,
    sel: np.ndarray,
    name_only: np.ndarray | None = None,
) -> pa.Array:
    """Explanation strings for the pairs at positions ``sel``; pairs flagged in ``name_only``
    say that the name alone linked them."""
    joined = None  # joined one part at a time, so only two string columns live at once
    null = pa.scalar(None, pa.string())
    for comp in comparisons:
        lv = levels[comp.name][sel].astype(np.int64)
        score = scores[comp.name][sel] if comp.name in scores else None
        txt = comp.explain(lv, score)
        joined = txt if joined is None else join_skip_nulls([joined, txt], " + ")
        joined = pc.if_else(pc.equal(joined, ""), null, joined)
    if joined is None:
        joined = pa.nulls(len(sel), pa.string())
    joined = pc.fill_null(joined, "no field to compare")
    if name_only is not None and name_only[sel].any():
        joined = pc.if_else(pa.array(name_only[sel]),
                            pc.binary_join_element_wise(joined, NAME_ONLY, "; "), joined)
    w = weight[sel]
    wtxt = pc.cast(pa.array(np.round(np.where(np.isfinite(w), w, 0.0), 1)), pa.string())
    out = pc.binary_join_element_wise(joined, wtxt, "; weight ")
    manual_l = pa.array(np.isposinf(w))
    manual_c = pa.array(np.isneginf(w))
    out = pc.if_else(manual_l, "manual decision: must-link", out)
    return pc.if_else(manual_c, "manual decision: cannot-link", out)
