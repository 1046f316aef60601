"""The non-linear alternative, reported beside the linear PMT: gradient boosting (scikit-learn)."""

import numpy as np

from mutakhir.ranking.survey import FitSettings, Survey


def boosting_inputs(survey: Survey, settings: FitSettings) -> tuple[np.ndarray, list[bool]]:
    """Return raw inputs (categories and region as integer codes, missing as NaN) and the categorical mask."""
    columns, categorical = [], []
    named = [(name, name in settings.categorical) for name in survey.columns]
    if settings.region_column:
        named.append((None, True))
    for name, is_cat in named:
        values = survey.region if name is None else survey.columns[name]
        if is_cat:
            levels = sorted({v for v in values if v is not None})
            if len(levels) > 250:  # too many levels for categorical splits: leave the column out
                continue
            index = {level: i for i, level in enumerate(levels)}
            values = np.array([np.nan if v is None else index[v] for v in values], dtype=float)
        columns.append(np.asarray(values, dtype=float))
        categorical.append(is_cat)
    return np.column_stack(columns), categorical


def boosting_cv(survey: Survey, folds: np.ndarray, settings: FitSettings) -> np.ndarray:
    """Return out-of-fold predictions of a HistGradientBoostingRegressor on the same folds."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    X, categorical = boosting_inputs(survey, settings)
    pred = np.empty(len(survey.y))
    for f in range(settings.folds):
        test = folds == f
        booster = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.1, categorical_features=categorical,
                                                early_stopping=False, random_state=settings.seed)
        booster.fit(X[~test], survey.y[~test], sample_weight=survey.w[~test])
        pred[test] = booster.predict(X[test])
    return pred
