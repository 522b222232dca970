"""Fellegi–Sunter weights: u measured on random pairs, m and the match share by EM.

u (how often a level occurs between two records of *different* companies) comes from random
record pairs, and for exact keys from the value counts themselves (P(two random records share a
value) = sum of squared value shares). m (how often it occurs between records of the *same*
company) and the share of matches among candidate pairs are estimated by EM on the candidate
pairs, run on the distinct comparison patterns (a few hundred) instead of millions of pairs. The
declared priors act as pseudo-counts so a small file cannot push m to absurd values.
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

    def weights(self, name: str) -> np.ndarray:
        return np.log2(self.m[name] / self.u[name])

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.lam / (1 - self.lam)))

    def as_dict(self) -> dict:
        return {
            "lambda": self.lam,
            "comparisons": {
                k: {"m": self.m[k].round(5).tolist(), "u": self.u[k].round(7).tolist(),
                    "weight": self.weights(k).round(2).tolist()}
                for k in self.m
            },
        }


def code_column(field: str) -> str:
    return {"name": "name_clean", "street": "street_key"}.get(field, field)


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
        lv = levels[comp.field]
        nl = len(comp.levels)
        prior = np.array([lv_.u for lv_ in comp.levels], float)
        prior = prior / prior.sum()
        present = lv[lv != MISSING]
        counts = np.bincount(present, minlength=nl).astype(float)
        u_k = _blend(counts / max(len(present), 1), len(present), prior, beta)
        if comp.method in ("exact", "city", "name"):
            codes = feats.codes(code_column(comp.field))
            vc = np.bincount(codes[codes >= 0]) if (codes >= 0).any() else np.zeros(1, int)
            nn = int(vc.sum())
            if nn > 1:
                # exact agreement between two random records: sum of squared value shares
                exact = float((vc * (vc - 1.0)).sum() / (nn * (nn - 1.0)))
                u_k[0] = _blend(exact, nn * (nn - 1) / 2, prior[0], beta)
            if comp.tf:
                tf_counts[comp.field] = vc
                tf_total[comp.field] = nn
        u_k = np.maximum(u_k, _EPS)
        if nl > 1:
            tail = u_k[1:]
            u_k[1:] = tail / tail.sum() * max(1.0 - u_k[0], _EPS)
        u[comp.field] = u_k
    return u, tf_counts, tf_total


def _pattern_table(levels: dict[str, np.ndarray], names: list[str], sizes: list[int]):
    code = np.zeros(len(levels[names[0]]) if names else 0, np.int64)
    for name, size in zip(names, sizes, strict=True):
        code = code * (size + 1) + (levels[name].astype(np.int64) + 1)
    uniq, counts = np.unique(code, return_counts=True)
    cols = {}
    rem = uniq.copy()
    for name, size in reversed(list(zip(names, sizes, strict=True))):
        cols[name] = (rem % (size + 1)) - 1
        rem //= size + 1
    return cols, counts.astype(float)


def estimate(
    feats: Features, levels: dict[str, np.ndarray], settings: ResolveSettings
) -> Parameters:
    u, tf_counts, tf_total = estimate_u(feats, settings)
    comps = settings.comparisons
    names = [c.field for c in comps]
    sizes = [len(c.levels) for c in comps]
    prior_m = {c.field: np.array([lv.m for lv in c.levels], float) for c in comps}
    u_prior = {c.field: c.levels[0].u / sum(lv.u for lv in c.levels) for c in comps}
    for k in prior_m:
        prior_m[k] /= prior_m[k].sum()
    m = {k: v.copy() for k, v in prior_m.items()}
    lam = settings.prior_match_share
    if len(levels[names[0]]) == 0:
        return Parameters(m, u, 1e-4, tf_counts, tf_total, u_prior)
    cols, counts = _pattern_table(levels, names, sizes)
    alpha = settings.em_prior_strength
    for _ in range(settings.em_iterations):
        logm = np.zeros(len(counts))
        logu = np.zeros(len(counts))
        for k in names:
            lv = cols[k]
            ok = lv >= 0
            logm[ok] += np.log(m[k][lv[ok]])
            logu[ok] += np.log(u[k][lv[ok]])
        a = np.log(lam) + logm
        b = np.log(1 - lam) + logu
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        wm = post * counts
        lam_new = float(np.clip((wm.sum() + alpha * settings.prior_match_share)
                                / (counts.sum() + alpha), 1e-6, 0.999))
        for k, size in zip(names, sizes, strict=True):
            lv = cols[k]
            ok = lv >= 0
            mk = np.bincount(lv[ok], weights=wm[ok], minlength=size) + alpha * prior_m[k]
            m[k] = np.maximum(mk / mk.sum(), 1e-6)
        if abs(lam_new - lam) < 1e-7:
            lam = lam_new
            break
        lam = lam_new
    return Parameters(m, u, lam, tf_counts, tf_total, u_prior)


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
        lv = levels[comp.field]
        w = params.weights(comp.field)
        ok = lv >= 0
        contrib = np.zeros(len(i))
        contrib[ok] = w[lv[ok]]
        if comp.tf and comp.field in params.tf_counts:
            codes = feats.codes(code_column(comp.field))[i]
            exact = (lv == 0) & (codes >= 0)
            nn = max(params.tf_total[comp.field], 2)
            # chance that another record carries this very value
            freq = (params.tf_counts[comp.field][codes[exact]] - 1.0) / (nn - 1.0)
            freq = np.maximum(freq, 1.0 / nn**2)
            u_tf = _blend(freq, nn * (nn - 1) / 2, params.u_prior[comp.field],
                          settings.u_prior_pairs)
            contrib[exact] = np.log2(params.m[comp.field][0] / u_tf)
        total += contrib
        parts[comp.field] = contrib
    return total, parts
