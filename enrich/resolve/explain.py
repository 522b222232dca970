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


def _patterns(
    comparisons: Sequence[Comparison], levels: dict[str, np.ndarray],
    scores: dict[str, np.ndarray], weight: np.ndarray, sel: np.ndarray,
    name_only: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """What an explanation is made of, per selected pair, as one integer: every level, every
    score and the weight as printed (rounded), and the name-only flag. Returns a
    representative position of each distinct pattern and the pattern of each pair."""
    parts: list[np.ndarray] = []
    for comp in comparisons:
        parts.append(levels[comp.name][sel].astype(np.int64) + 1)
        if comp.name in scores:
            sc = np.rint(scores[comp.name][sel].astype(np.float64) * 100)
            parts.append(np.where(np.isfinite(sc), sc, -1).astype(np.int64) + 1)
    w = weight[sel].astype(np.float64)
    finite = np.where(np.isfinite(w), w, 0.0)
    parts.append(np.rint(finite * 10).astype(np.int64))
    # the sign of a weight that rounds to zero shows in the text ("-0")
    parts.append(np.isposinf(w) + 2 * np.isneginf(w) + 4 * np.signbit(np.round(finite, 1)))
    if name_only is not None:
        parts.append(name_only[sel].astype(np.int64))
    code = np.zeros(len(sel), np.int64)
    for part in parts:
        part = part - part.min(initial=0)
        width = int(part.max(initial=0)) + 1
        if (int(code.max(initial=0)) + 1) * width >= 2**62:  # renumber the codes so far
            code = _group(code)[1]
        code = code * width + part.astype(np.int64)
    first, inverse = _group(code)
    return sel[first], inverse


def _group(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first position of each distinct value and the dense group number of each value
    (by one sort: ``np.unique`` hashes integers first, slower on millions)."""
    order = np.argsort(code, kind="stable")
    sc = code[order]
    head = np.r_[True, sc[1:] != sc[:-1]] if len(sc) else np.zeros(0, bool)
    inverse = np.empty(len(code), np.int64)
    inverse[order] = np.cumsum(head) - 1
    return order[head], inverse


def explain_pairs(
    comparisons: Sequence[Comparison],
    levels: dict[str, np.ndarray],
    scores: dict[str, np.ndarray],
    weight: np.ndarray,
    sel: np.ndarray,
    name_only: np.ndarray | None = None,
) -> pa.Array:
    """Explanation strings for the pairs at positions ``sel``; pairs flagged in ``name_only``
    say that the name alone linked them.

    The strings are built once per distinct pattern (levels, rounded scores and weight) and
    spread to the pairs: millions of pairs share a few hundred thousand patterns, and
    building a string costs far more than looking one up."""
    sel = np.asarray(sel, np.int64)
    if len(sel) > 1000:
        reps, inverse = _patterns(comparisons, levels, scores, weight, sel, name_only)
        if len(reps) < len(sel) // 2:
            return pc.take(_explain(comparisons, levels, scores, weight, reps, name_only),
                           pa.array(inverse))
    return _explain(comparisons, levels, scores, weight, sel, name_only)


def _explain(
    comparisons: Sequence[Comparison],
    levels: dict[str, np.ndarray],
    scores: dict[str, np.ndarray],
    weight: np.ndarray,
    sel: np.ndarray,
    name_only: np.ndarray | None = None,
) -> pa.Array:
    """The explanation strings of the pairs at ``sel``, one by one (see ``explain_pairs``)."""
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
