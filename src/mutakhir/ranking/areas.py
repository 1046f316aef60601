"""Small-area effects for the PMT: empirical-Bayes random effects per area from the survey's residuals.

Why: household characteristics do not see what an area shares (prices, jobs, remoteness), and a district model
has one intercept for all its sub-districts. Small-area estimation's answer (Fay-Herriot, Battese-Harter-Fuller,
the World Bank's poverty maps) is a random area effect: the mean residual of the area's survey households,
shrunk toward 0 by how noisy that mean is. With between-area variance s2_u and within-area variance s2_e,

    u_a = gamma_a * mean residual_a,    gamma_a = s2_u / (s2_u + s2_e / n_a),

so an area with many survey households keeps most of its mean residual and one with few keeps little. The
variance components are the one-way analysis-of-variance estimators for unbalanced groups (method of moments):

    s2_e = sum_i w_i (r_i - rbar_a(i))² / (N - m)
    s2_u = max(0, (sum_a n_a (rbar_a - rbar)² - (m - 1) s2_e) / (N - sum_a n_a² / N))

with N survey rows in m areas, survey weights w (mean 1) in the means, plain counts n_a elsewhere.
"""

import numpy as np
from django.utils.translation import gettext as _

from mutakhir.ranking.model import AreaEffects, AreaOffset
from mutakhir.ranking.survey import FitError

DECIMALS = 6


def estimate_areas(areas: np.ndarray, residual: np.ndarray, w: np.ndarray | None = None, *,
                   digits: int | None = None, column: str | None = None) -> AreaEffects:
    """Return the empirical-Bayes offsets of the areas (None entries have no area and are left out)."""
    known = np.array([a is not None for a in areas], dtype=bool)
    codes, index = np.unique(np.asarray(areas, dtype=object)[known].astype(str), return_inverse=True)
    r = np.asarray(residual, dtype=float)[known]
    weight = np.ones(len(r)) if w is None else np.asarray(w, dtype=float)[known]
    rows, m = len(r), len(codes)
    if m < 2 or rows <= m:
        raise FitError(_("Area effects need at least 2 areas and more survey rows than areas: %(rows)s rows with "
                         "an area in %(areas)s areas") % {"rows": rows, "areas": m})
    weight = weight / weight.mean()
    n = np.bincount(index, minlength=m).astype(float)
    mean = np.bincount(index, weights=weight * r, minlength=m) / np.bincount(index, weights=weight, minlength=m)
    within = float(np.sum(weight * (r - mean[index]) ** 2) / (rows - m))
    grand = float(np.average(r, weights=weight))
    between = max(0.0, float((np.sum(n * (mean - grand) ** 2) - (m - 1) * within) / (rows - np.sum(n**2) / rows)))
    gamma = between / (between + within / n) if between + within > 0 else np.zeros(m)
    offsets = []
    for code, count, g, mr in zip(codes.tolist(), n.tolist(), np.round(gamma, DECIMALS).tolist(),
                                  np.round(mean, DECIMALS).tolist(), strict=True):
        offsets.append(AreaOffset(area=code, offset=round(g * mr, DECIMALS), n=int(count), mean_residual=mr, gamma=g))
    return AreaEffects(digits=digits, offsets=offsets, column=column, between=round(between, 8),
                       within=round(within, 8))
