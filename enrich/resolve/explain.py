"""Readable explanations of pair scores: 'name 0.93 + same phone + same domain; weight 11.2'."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich.normalise import join_skip_nulls
from enrich.resolve.settings import Comparison

_LABELS = {
    "street": ["same street", "same house number", "street differs"],
    "city": ["same city", "city differs"],
    "legal_form": ["same legal form", "legal form differs"],
}


def level_labels(comp: Comparison) -> list[str]:
    if comp.field in _LABELS and len(_LABELS[comp.field]) == len(comp.levels):
        return _LABELS[comp.field]
    field = comp.field.replace("_", " ")
    return [
        f"same {field}" if lv.label == "same" else
        f"{field} differs" if lv.label == "different" else f"{field} {lv.label}"
        for lv in comp.levels
    ]


def explain_pairs(
    comparisons: tuple[Comparison, ...],
    levels: dict[str, np.ndarray],
    sim: np.ndarray,
    weight: np.ndarray,
    sel: np.ndarray,
) -> pa.Array:
    """Explanation strings for the pairs at positions ``sel``."""
    joined = None  # joined one part at a time, so only two string columns live at once
    null = pa.scalar(None, pa.string())
    for comp in comparisons:
        lv = levels[comp.field][sel].astype(np.int64)
        missing = pa.array(lv < 0)
        if comp.method == "name":
            score = pc.cast(pa.array(np.round(sim[sel].astype(np.float64), 2)), pa.string())
            txt = pc.binary_join_element_wise("name ", score, "")
            labels = [x.label for x in comp.levels]
            other_words = lv == (labels.index("other words") if "other words" in labels
                                 else -99)
            txt = pc.if_else(pa.array(other_words),
                             pc.binary_join_element_wise(txt, " but other words", ""), txt)
            txt = pc.if_else(pa.array(lv == 0), "name exact", txt)
        else:
            table = pa.array(level_labels(comp), pa.string())
            txt = pc.take(table, pa.array(np.maximum(lv, 0)))
        txt = pc.if_else(missing, null, txt)
        joined = txt if joined is None else join_skip_nulls([joined, txt], " + ")
        joined = pc.if_else(pc.equal(joined, ""), null, joined)
    if joined is None:
        joined = pa.nulls(len(sel), pa.string())
    joined = pc.fill_null(joined, "no field to compare")
    w = weight[sel]
    wtxt = pc.cast(pa.array(np.round(np.where(np.isfinite(w), w, 0.0), 1)), pa.string())
    out = pc.binary_join_element_wise(joined, wtxt, "; weight ")
    manual_l = pa.array(np.isposinf(w))
    manual_c = pa.array(np.isneginf(w))
    out = pc.if_else(manual_l, "manual decision: must-link", out)
    return pc.if_else(manual_c, "manual decision: cannot-link", out)
