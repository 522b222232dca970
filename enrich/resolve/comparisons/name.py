"""Company names: exact, similarity bands, one name's words inside the other, other words."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from enrich.resolve.comparisons.base import SCORE, Compared, Comparison, Level, first_hit
from enrich.resolve.features import Features

NAME_KEYS = ("name_sorted", "name_rare1", "name_rare2", "name_prefix", "sorted_prefix")


def name_similarity(
    a: np.ndarray, b: np.ndarray, floor: float = 0.85
) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, subset) for name pairs; similarity in 0..1, subset: one name's words are
    all in the other.

    similarity = max(token-sort ratio, min(Jaro-Winkler, partial ratio)): token-sort forgives
    word order and typos; Jaro-Winkler forgives abbreviation ("arts deli") but alone it rewards
    a long shared prefix ("ritz carlton cafe" vs "ritz carlton dining room"), so it only counts
    as far as one name is also (nearly) contained in the other. The costlier scorers only run
    where they can still lift a pair over ``floor``, the lowest similarity level.
    """
    kw = {"workers": -1, "dtype": np.float32}
    if len(a) == 0:
        return np.zeros(0, np.float32), np.zeros(0, bool)
    sim = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, **kw) / 100.0
    look = np.flatnonzero(sim < 0.999)
    if len(look):
        jw = process.cpdist(a[look], b[look], scorer=JaroWinkler.normalized_similarity,
                            score_cutoff=floor, **kw)
        lift = jw > sim[look]
        if lift.any():
            idx = look[lift]
            part = process.cpdist(a[idx], b[idx], scorer=fuzz.partial_ratio,
                                  score_cutoff=floor * 100, **kw) / 100.0
            sim[idx] = np.maximum(sim[idx], np.minimum(jw[lift], part))
    subset = np.zeros(len(a), bool)
    low = np.flatnonzero(sim < floor)
    if len(low):
        tset = process.cpdist(a[low], b[low], scorer=fuzz.token_set_ratio, score_cutoff=100,
                              **kw)
        subset[low] = tset >= 100
    return sim, subset


def _is_abbreviation(short: str, long: str) -> bool:
    """'hdgs' of 'holdings', 'itnl' of 'international': same first letter, letters in order."""
    if len(short) < 2 or short[0] != long[0]:
        return False
    pos = 0
    for ch in short[1:]:
        pos = long.find(ch, pos + 1)
        if pos < 0:
            return False
    return True


def _word_matches(word: str, others: set[str]) -> bool:
    """A typo, prefix or abbreviation of one of ``others``."""
    for o in others:
        if o.startswith(word) or word.startswith(o):
            return True
        if fuzz.ratio(word, o) >= 70:
            return True
        short, long_ = (word, o) if len(word) < len(o) else (o, word)
        if _is_abbreviation(short, long_):
            return True
    return False


def distinct_words(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where both names keep a word of their own that matches nothing in the other name
    (not a typo, not an abbreviation/prefix): same brand, different business."""
    out = np.zeros(len(a), bool)
    for k, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        ta, tb = set(x.split()), set(y.split())
        la, lb = ta - tb, tb - ta
        if not la or not lb:
            continue
        short, long_ = (la, lb) if len(la) <= len(lb) else (lb, la)
        out[k] = not all(_word_matches(w, long_) for w in short)
    return out


class NameComparison(Comparison):
    """Cleaned names (legal form and noise removed), levels strongest first:

    0 exact (the same words in any order); 1 very similar (similarity >= ``very_similar``);
    2 similar (>= ``similar``);
    3 subset (one name's words all in the other); 4 other words (similar, yet each name keeps a
    word of its own: "Acme Trading" / "Acme Automation" — links only with ``other_words_evidence``
    agreements beyond the name); 5 different (never links on its own evidence).
    Different numbers in the names ("Unit 1 Trading" / "Unit 2 Trading") are different firms.
    The other-words check costs a Python loop, so it only runs where some agreement beyond the
    name could make the pair link.
    """

    tf = True
    required = True
    uses_evidence = True

    def __init__(self, name: str = "name", *, very_similar: float = 0.94,
                 similar: float = 0.85, other_words_evidence: int = 3) -> None:
        self.name = name
        said = f"name {SCORE}"
        self.levels = (
            # min_evidence 0: may link on the name alone (when distinctive and uncontradicted)
            Level("exact", 0.55, 1e-5, says="name exact", min_evidence=0),
            Level("very similar", 0.25, 1e-5, says=said, threshold=very_similar, min_evidence=0),
            Level("similar", 0.12, 1e-4, says=said, threshold=similar),
            Level("subset", 0.05, 5e-4, says=said),
            Level("other words", 0.02, 1e-4, says=f"{said} but other words",
                  min_evidence=other_words_evidence),
            Level("different", 0.03, 1.0, says=said, min_evidence=None),
        )
        self.value_column = "name_sorted"
        self.blocked_by = NAME_KEYS

    def compare(self, feats: Features, i: np.ndarray, j: np.ndarray,
                evidence: np.ndarray | None = None) -> Compared:
        c = feats.codes("name_sorted")  # exact: the same words, in any order
        ca, cb = c[i], c[j]
        n = len(i)
        missing = (ca < 0) | (cb < 0)
        exact = (ca == cb) & ~missing
        todo = np.flatnonzero(~exact & ~missing)
        names = feats.objects("name_clean")
        very, similar = self.levels[1].threshold, self.levels[2].threshold
        sim = np.where(exact, 1.0, 0.0).astype(np.float32)
        subset = np.zeros(n, bool)
        sim[todo], subset[todo] = name_similarity(names[i[todo]], names[j[todo]], similar)
        nums = feats.codes("name_numbers")
        na, nb = nums[i], nums[j]
        numbers_differ = (na >= 0) & (nb >= 0) & (na != nb) & ~exact
        banded = (sim >= similar) & ~exact & ~numbers_differ
        # "Acme Trading" vs "Acme Automation": only where it can matter
        check = banded if evidence is None else banded & evidence
        check = np.flatnonzero(check)
        other_words = np.zeros(n, bool)
        if len(check):
            other_words[check] = distinct_words(names[i[check]], names[j[check]])
        fits = ~numbers_differ & ~other_words
        levels = first_hit(n, (
            exact,
            fits & (sim >= very),
            fits & (sim >= similar),
            subset & ~numbers_differ,
            other_words,
            None,
        ), missing)
        return Compared(levels, sim)
