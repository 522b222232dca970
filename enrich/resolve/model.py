"""Fellegi–Sunter weights estimated without labels.

u (how often a level occurs between records of *different* companies) is measured on random
record pairs, and for exact keys from the value counts (P(two random records share a value) =
sum of squared value shares). m (how often a level occurs between records of the *same*
company) is estimated by EM in training sessions, one per blocking key, each leaving out the
comparisons that key makes agree (the way Splink trains); the share of matches among the
candidates comes from a last EM pass with m and u fixed. EM runs on the distinct comparison
patterns (a few hundred), not on millions of pairs. Declared priors act as pseudo-counts, so a
small file cannot push the parameters to absurd values. Term-frequency: an exact agreement on a
value is weighed with that value's own frequency, so a rare name or phone counts more and a
switchboard number almost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from enrich.resolve.compare import MISSING, compare_pairs
from enrich.resolve.features import Features
from enrich.resolve.settings import ResolveSettings

_EPS = 1e-9


@dataclass
class Parameters:
    """Learned model: per comparison, m and u of every level; the match share lambda."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    lam: float
    tf_counts: dict[str, np.ndarray]  # value counts per code, for term-frequency adjustment
    tf_total: dict[str, int]
    u_prior: dict[str, float] = field(default_factory=dict)  # prior u of the exact level
    u_random: dict[str, np.ndarray] = field(default_factory=dict)  # u over random pairs

    def weights(self, name: str) -> np.ndarray:
        return np.log2(self.m[name] / self.u[name])

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.lam / (1 - self.lam)))



def fitted_model(params: Parameters, settings: ResolveSettings) -> dict:
    """What a run fitted, as plain data (stored with the run): per comparison its levels with
    label, fitted m and u and the weight log2(m/u); the share of matches among candidates; the
    link and review thresholds; the declaration it was fitted under and its version."""
    comparisons = []
    for comp in settings.comparisons:
        m, u, w = params.m[comp.name], params.u[comp.name], params.weights(comp.name)
        comparisons.append({
            "name": comp.name, "kind": type(comp).__name__, "tf": comp.tf,
            "levels": [{"label": lv.label, "m": float(m[k]), "u": float(u[k]),
                        "weight": float(w[k])} for k, lv in enumerate(comp.levels)],
        })
    return {
        "version": settings.version,
        "link_weight": settings.link_weight,
        "review_weight": settings.review_weight,
        "lambda": params.lam,
        "prior_weight": params.prior_weight,
        "comparisons": comparisons,
        "settings": settings.describe(),
    }


def _random_pairs(n: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    total = n * (n - 1) // 2
    if total <= count:
        i, j = np.triu_indices(n, 1)
        return i.astype(np.int64), j.astype(np.int64)
    i = rng.integers(0, n, count)
    j = rng.integers(0, n, count)
    keep = i != j
    return np.minimum(i, j)[keep], np.maximum(i, j)[keep]


def _blend(observed: np.ndarray | float, pairs: float, prior: np.ndarray | float, beta: float):
    """Observed frequency over ``pairs`` pairs, pulled towards the prior by ``beta`` pseudo-pairs
    (on a handful of records the duplicates themselves would otherwise look like chance)."""
    return (observed * pairs + prior * beta) / (pairs + beta)


def estimate_u(feats: Features, settings: ResolveSettings) -> tuple[dict, dict, dict]:
    i, j = _random_pairs(feats.n, settings.u_sample_pairs, settings.seed)
    levels, _ = compare_pairs(feats, settings.comparisons, i, j)
    beta = settings.u_prior_pairs
    u, tf_counts, tf_total = {}, {}, {}
    for comp in settings.comparisons:
        lv = levels[comp.name]
        nl = len(comp.levels)
        prior = np.array([lv_.u for lv_ in comp.levels], float)
        prior = prior / prior.sum()
        present = lv[lv != MISSING]
        counts = np.bincount(present, minlength=nl).astype(float)
        u_k = _blend(counts / max(len(present), 1), len(present), prior, beta)
        if comp.value_column is not None:
            codes = feats.codes(comp.value_column)
            vc = np.bincount(codes[codes >= 0]) if (codes >= 0).any() else np.zeros(1, int)
            nn = int(vc.sum())
            if nn > 1:
                # exact agreement between two random records: sum of squared value shares
                exact = float((vc * (vc - 1.0)).sum() / (nn * (nn - 1.0)))
                u_k[0] = _blend(exact, nn * (nn - 1) / 2, prior[0], beta)
            if comp.tf:
                tf_counts[comp.name] = vc
                tf_total[comp.name] = nn
        u_k = np.maximum(u_k, _EPS)
        if nl > 1:
            tail = u_k[1:]
            u_k[1:] = tail / tail.sum() * max(1.0 - u_k[0], _EPS)
        u[comp.name] = u_k
    return u, tf_counts, tf_total


def _pattern_table(levels: dict[str, np.ndarray], names: list[str], sizes: list[int]):
    """Distinct comparison patterns and how many pairs show each (mixed-radix codes)."""
    code = np.zeros(len(levels[names[0]]) if names else 0, np.int64)
    total = 1
    for name, size in zip(names, sizes, strict=True):
        code = code * (size + 1) + (levels[name].astype(np.int64) + 1)
        total *= size + 1
    if total <= 4_000_000:
        counts_all = np.bincount(code, minlength=total)
        uniq = np.flatnonzero(counts_all)
        counts = counts_all[uniq]
    else:
        code.sort()
        first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, bool)
        uniq = code[first]
        counts = np.diff(np.r_[np.flatnonzero(first), len(code)])
    cols = {}
    rem = uniq.copy()
    for name, size in reversed(list(zip(names, sizes, strict=True))):
        cols[name] = (rem % (size + 1)) - 1
        rem //= size + 1
    return cols, counts.astype(float)


def _em(
    cols: dict[str, np.ndarray],
    counts: np.ndarray,
    active: list[str],
    sizes: dict[str, int],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    lam: float,
    settings: ResolveSettings,
    prior_m: dict[str, np.ndarray],
    fit_m: bool = True,
) -> tuple[dict[str, np.ndarray], float, float]:
    """EM over a pattern table with u fixed: returns (m, lambda, expected matches)."""
    m = {k: v.copy() for k, v in m.items()}
    alpha = settings.em_prior_strength
    matches = 0.0
    for _ in range(settings.em_iterations):
        logm = np.zeros(len(counts))
        logu = np.zeros(len(counts))
        for k in active:
            lv = cols[k]
            ok = lv >= 0
            logm[ok] += np.log(m[k][lv[ok]])
            logu[ok] += np.log(u[k][lv[ok]])
        post = 1.0 / (1.0 + np.exp(np.clip(np.log(1 - lam) + logu - np.log(lam) - logm,
                                           -700, 700)))
        wm = post * counts
        matches = float(wm.sum())
        lam_new = float(np.clip((matches + alpha * settings.prior_match_share)
                                / (counts.sum() + alpha), 1e-6, 0.999))
        if fit_m:
            for k in active:
                lv = cols[k]
                ok = lv >= 0
                mk = np.bincount(lv[ok], weights=wm[ok], minlength=sizes[k])
                mk = mk + alpha * prior_m[k]
                m[k] = np.maximum(mk / mk.sum(), 1e-6)
        done = abs(lam_new - lam) < 1e-7
        lam = lam_new
        if done:
            break
    return m, lam, matches


def estimate(
    feats: Features,
    levels: dict[str, np.ndarray],
    settings: ResolveSettings,
    sessions: dict[str, np.ndarray] | None = None,
) -> Parameters:
    """u from random pairs; m by EM in training sessions, one per blocking key: the pairs a key
    produced, with the comparisons of that key's own fields left out (they agree by
    construction) — the way Splink trains, which keeps EM from mistaking "shares a phone" for
    "is the same company". m of each comparison is the match-weighted mean over the sessions
    that could see it; lambda comes from one last EM step over all candidates."""
    u, tf_counts, tf_total = estimate_u(feats, settings)
    comps = settings.comparisons
    names = [c.name for c in comps if c.scored]  # unscored comparisons keep their priors
    sizes = {c.name: len(c.levels) for c in comps}
    prior_m = {c.name: np.array([lv.m for lv in c.levels], float) for c in comps}
    u_prior = {c.name: c.levels[0].u / sum(lv.u for lv in c.levels) for c in comps}
    for k in prior_m:
        prior_m[k] /= prior_m[k].sum()
    lam = settings.prior_match_share
    n_pairs = len(levels[names[0]]) if names else 0
    if n_pairs == 0:
        return Parameters(prior_m, u, lam, tf_counts, tf_total, u_prior, u)
    acc = {k: np.zeros(sizes[k]) for k in names}
    acc_w = dict.fromkeys(names, 0.0)
    for key, pos in (sessions or {}).items():
        if key not in settings.training_keys or len(pos) < settings.min_session_pairs:
            continue
        parts = set(key.split("+"))
        active = [c.name for c in comps if c.scored and not parts & set(c.blocked_by)]
        sub = {k: levels[k][pos] for k in names}
        cols, counts = _pattern_table(sub, names, [sizes[k] for k in names])
        m_s, _, matches = _em(cols, counts, active, sizes, prior_m, u, lam, settings, prior_m)
        for k in active:
            acc[k] += m_s[k] * matches
            acc_w[k] += matches
    m = {k: (acc[k] / acc_w[k] if acc_w.get(k, 0) > 0 else prior_m[k]) for k in prior_m}
    cols, counts = _pattern_table(levels, names, [sizes[k] for k in names])
    _, lam, _ = _em(cols, counts, names, sizes, m, u, lam, settings, prior_m, fit_m=False)
    return Parameters(m, u, lam, tf_counts, tf_total, u_prior, u)


def score_pairs(
    params: Parameters,
    settings: ResolveSettings,
    feats: Features,
    levels: dict[str, np.ndarray],
    i: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Posterior log2-odds of each pair (term-frequency adjusted exact agreements), and the
    contribution of each comparison."""
    total = np.full(len(i), params.prior_weight, np.float64)
    parts = {}
    for comp in settings.comparisons:
        lv = levels[comp.name]
        contrib = np.zeros(len(i))
        if not comp.scored:  # a gate for a rule, not evidence of its own
            parts[comp.name] = contrib
            continue
        w = params.weights(comp.name)
        ok = lv >= 0
        contrib[ok] = w[lv[ok]]
        if comp.tf and comp.name in params.tf_counts:
            codes = feats.codes(comp.value_column)[i]
            exact = (lv == 0) & (codes >= 0)
            nn = max(params.tf_total[comp.name], 2)
            # chance that another record carries this very value
            freq = (params.tf_counts[comp.name][codes[exact]] - 1.0) / (nn - 1.0)
            freq = np.maximum(freq, 1.0 / nn**2)
            u_tf = _blend(freq, nn * (nn - 1) / 2, params.u_prior[comp.name],
                          settings.u_prior_pairs)
            # shift the average exact-agreement weight by how rare this very value is
            u_avg = params.u_random[comp.name][0]
            contrib[exact] = w[0] + np.log2(u_avg / u_tf)
        total += contrib
        parts[comp.name] = contrib
    return total, parts
