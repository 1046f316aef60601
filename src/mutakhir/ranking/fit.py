"""Fit the PMT: weighted least squares per region, shrunk toward the province and pooled models.

Each region's coefficients solve (X'WX + λD) b = X'Wy + λD b_parent, where D holds each feature's pooled
variance (not the intercept's): λ counts pseudo-observations of the parent model. The pooled model
shrinks toward zero with λ = 1 (plain OLS in practice). λ is chosen by k-fold cross-validation.
A region with fewer rows than max(min_obs, coefficients) is not fitted: it uses its parent.
With an area column, each small area (e.g. sub-district) then gets an empirical-Bayes offset estimated from
the final models' survey residuals (ranking/areas.py); the cross-validation report adds the area term's
out-of-fold error, offsets estimated on the training folds only.
"""

import time
from datetime import UTC, datetime

import numpy as np
from django.utils.translation import gettext as _

from mutakhir.ranking.areas import estimate_areas
from mutakhir.ranking.design import encode
from mutakhir.ranking.metrics import summary
from mutakhir.ranking.model import POOLED, PmtModel, RegionModel
from mutakhir.ranking.survey import FitError, FitSettings, Survey, make_variables, read_survey

POOLED_RIDGE = 1.0


def fit_pmt(path, settings: FitSettings, progress=None) -> PmtModel:
    """Read the survey at `path`, fit the models, cross-validate, and return the model."""
    step = progress or (lambda done, total, note: None)
    started = time.perf_counter()
    if settings.folds < 2:
        raise FitError(_("Cross-validation needs at least 2 folds"))
    step(0, 4, "read")
    survey = read_survey(path, settings)
    variables, dropped = make_variables(survey, settings)
    model = PmtModel(target=settings.target, variables=variables, models=[],
                     region_column=settings.region_column, interactions=settings.interactions)
    enc = encode(model, survey.columns, len(survey.y))
    X = np.column_stack([np.ones(len(survey.y)), enc.X])
    model.survey = survey.info | {
        "dropped_variables": dropped,
        "imputed": {name: int(mask.sum()) for name, mask in enc.missing.items() if mask.any()},
        "target_mean": round(float(np.average(survey.y, weights=survey.w)), 6),
        "created": datetime.now(UTC).isoformat(timespec="seconds")}
    step(1, 4, "plan")
    entries, row_group, groups = plan_regions(survey.region, X.shape[1], settings.min_obs)
    folds = np.random.default_rng(settings.seed).permutation(len(survey.y)) % settings.folds
    stats = group_stats(X, survey.y, survey.w, row_group, len(groups), folds, settings.folds)
    scale = penalty_scale(enc.X, survey.w)
    step(2, 4, "cross-validate")
    model.validation = cross_validate(X, survey, entries, groups, row_group, stats, folds, scale, settings)
    step(3, 4, "fit")
    full = (stats[0].sum(axis=1), stats[1].sum(axis=1))
    coefs = solve_tree(entries, groups, full, model.validation["ridge_lambda"], scale)
    names = model.features()
    applied = applied_index(entries)
    pred = predict(X, coefs, applied[row_group])
    for k, entry in enumerate(entries):
        if entry.fitted:
            entry.intercept = float(coefs[k][0])
            entry.coefficients = {name: float(c) for name, c in zip(names, coefs[k][1:], strict=True)}
        own = row_group == groups.index(entry.region) if entry.level == "region" else None
        if own is not None and own.sum() > 1:
            entry.stats = summary(survey.y[own], pred[own], survey.w[own])
    model.models = entries
    if survey.area is not None:
        model.areas = estimate_areas(survey.area, survey.y - pred, survey.w, digits=settings.area_digits,
                                     column=settings.area_column)
        model.validation["with_areas"] = area_cv(survey, pred_cv=model.validation.pop("_pred"), folds=folds,
                                                 settings=settings)
    model.validation.pop("_pred", None)
    model.validation["seconds"] = round(time.perf_counter() - started, 2)
    step(4, 4, "done")
    return model


def plan_regions(region: np.ndarray, n_coef: int, min_obs: int):
    """Return (model entries, each row's group index, group codes): pooled, provinces, survey regions."""
    codes = sorted({r for r in region if r is not None})
    groups = [*codes, None]
    index = {code: i for i, code in enumerate(groups)}
    row_group = np.array([index[r] for r in region])
    counts = np.bincount(row_group, minlength=len(groups))
    need = max(min_obs, n_coef)
    entries = [RegionModel(POOLED, level="pooled", n=int(len(region)))]
    provinces = sorted({c[:2] for c in codes if c.isdigit() and len(c) > 2} - set(codes))
    for prov in provinces:
        n = int(sum(counts[index[c]] for c in codes if c.startswith(prov)))
        entries.append(_entry(prov, "province", n, POOLED, need))
    fitted = {e.region for e in entries if e.fitted}
    for code in sorted(codes, key=lambda c: (len(c), c)):
        parent = code[:2] if code[:2] in fitted and code != code[:2] else POOLED
        entries.append(_entry(code, "region", int(counts[index[code]]), parent, need))
        fitted |= {code} if entries[-1].fitted else set()
    return entries, row_group, groups


def _entry(code: str, level: str, n: int, parent: str, need: int) -> RegionModel:
    if n >= need:
        return RegionModel(code, level=level, n=n, parent=parent)
    return RegionModel(code, level=level, n=n, uses=parent,
                       reason=_("%(n)s observations, fewer than the %(need)s needed (coefficients or --min-obs)")
                       % {"n": n, "need": need})


def group_stats(X, y, w, row_group, n_groups: int, folds, k: int):
    """Return X'WX and X'Wy per (group, fold): arrays (groups, folds, p, p) and (groups, folds, p)."""
    p = X.shape[1]
    G, h = np.zeros((n_groups, k, p, p)), np.zeros((n_groups, k, p))
    for g in range(n_groups):
        for f in range(k):
            rows = (row_group == g) & (folds == f)
            Xw = X[rows] * w[rows, None]
            G[g, f], h[g, f] = Xw.T @ X[rows], Xw.T @ y[rows]
    return G, h


def members(entry: RegionModel, groups: list) -> list[int]:
    """Return the groups whose rows an entry's model is fitted on."""
    if entry.region == POOLED:
        return list(range(len(groups)))
    if entry.level == "province":
        return [i for i, c in enumerate(groups) if c is not None and c.startswith(entry.region)]
    return [groups.index(entry.region)]


def penalty_scale(features: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Return D's diagonal: 0 for the intercept, then each feature's weighted variance."""
    if not features.shape[1]:
        return np.zeros(1)
    mean = np.average(features, axis=0, weights=w)
    var = np.average((features - mean) ** 2, axis=0, weights=w)
    return np.concatenate([[0.0], np.maximum(var, 1e-12)])


def solve_tree(entries, groups, totals, lam: float, scale: np.ndarray) -> list:
    """Return coefficient vectors per entry (None where not fitted), parents before children."""
    G_all, h_all = totals
    keys = {e.region: k for k, e in enumerate(entries)}
    coefs = [None] * len(entries)
    for k, entry in enumerate(entries):
        if not entry.fitted:
            continue
        rows = members(entry, groups)
        G, h = G_all[rows].sum(axis=0), h_all[rows].sum(axis=0)
        prior = np.zeros(len(scale)) if entry.parent is None else coefs[keys[entry.parent]]
        strength = (POOLED_RIDGE if entry.parent is None else lam) * np.diag(scale)
        try:
            coefs[k] = np.linalg.solve(G + strength, h + strength @ prior)
        except np.linalg.LinAlgError:
            coefs[k] = np.linalg.lstsq(G + strength, h + strength @ prior, rcond=None)[0]
    return coefs


def applied_index(entries) -> np.ndarray:
    """Return, per group (survey region order, then the no-region group), the entry index applied."""
    keys = {e.region: k for k, e in enumerate(entries)}
    regions = sorted((e for e in entries if e.level == "region"), key=lambda e: e.region)
    out = []
    for entry in regions:
        while not entry.fitted:
            entry = entries[keys[entry.uses]]
        out.append(keys[entry.region])
    return np.array([*out, keys[POOLED]])


def predict(X, coefs, entry_of_row) -> np.ndarray:
    pred = np.empty(len(X))
    for k in np.unique(entry_of_row):
        rows = entry_of_row == k
        pred[rows] = X[rows] @ coefs[k]
    return pred


def cross_validate(X, survey: Survey, entries, groups, row_group, stats, folds, scale, settings: FitSettings):
    """Return k-fold errors of the regional model per λ (choosing the best), the pooled model and boosting."""
    G, h = stats
    applied = applied_index(entries)[row_group]
    pooled_only = [entries[0]]
    preds = {lam: np.empty(len(X)) for lam in settings.ridge}
    pooled = np.empty(len(X))
    for f in range(settings.folds):
        train = (G.sum(axis=1) - G[:, f], h.sum(axis=1) - h[:, f])
        test = folds == f
        for lam in settings.ridge:
            preds[lam][test] = predict(X[test], solve_tree(entries, groups, train, lam, scale), applied[test])
        pooled[test] = X[test] @ solve_tree(pooled_only, groups, train, 0.0, scale)[0]
    y, w = survey.y, survey.w
    by_lam = {lam: summary(y, preds[lam], w) for lam in settings.ridge}
    best = min(settings.ridge, key=lambda lam: by_lam[lam]["rmse"])
    report = {"folds": settings.folds, "ridge_lambda": best, "regional": by_lam[best], "_pred": preds[best],
              "pooled": summary(y, pooled, w), "rmse_by_lambda": {str(k): v["rmse"] for k, v in by_lam.items()}}
    if settings.boosting:
        from mutakhir.ranking.boosting import boosting_cv

        report["boosting"] = summary(y, boosting_cv(survey, folds, settings), w)
    return report


def area_cv(survey: Survey, pred_cv: np.ndarray, folds: np.ndarray, settings: FitSettings) -> dict:
    """Return the k-fold errors of the regional models plus area offsets, both estimated without the test fold."""
    y, w = survey.y, survey.w
    out = pred_cv.copy()
    for f in range(settings.folds):
        test, train = folds == f, folds != f
        effects = estimate_areas(survey.area[train], (y - pred_cv)[train], w[train])
        out[test] += np.array([effects.offset(a) or 0.0 for a in survey.area[test]])
    return summary(y, out, w)
