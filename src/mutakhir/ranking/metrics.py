"""Targeting accuracy: weighted bottom shares, exclusion error, RMSE, R², Spearman correlation."""

import numpy as np


def bottom(values: np.ndarray, weights: np.ndarray, quota: float) -> np.ndarray:
    """Return the mask of the poorest rows that fill `quota` (0–1) of the total weight."""
    order = np.argsort(values, kind="stable")
    start = np.cumsum(weights[order]) - weights[order]  # weight before each row
    mask = np.zeros(len(values), dtype=bool)
    mask[order] = start < quota * weights.sum()
    return mask


def exclusion_error(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray, quota: float) -> float:
    """Return the weighted share of the truly poorest `quota` that the predicted poorest `quota` misses."""
    poor = bottom(truth, weights, quota)
    chosen = bottom(predicted, weights, quota)
    return float(weights[poor & ~chosen].sum() / weights[poor].sum())


def rmse(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sqrt(np.average((truth - predicted) ** 2, weights=weights)))


def r_squared(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> float:
    mean = np.average(truth, weights=weights)
    return float(1 - np.average((truth - predicted) ** 2, weights=weights) / np.average((truth - mean) ** 2,
                                                                                          weights=weights))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Return Spearman's rank correlation (ties broken by position; fine for continuous scores)."""
    ra, rb = np.empty(len(a)), np.empty(len(b))
    ra[np.argsort(a, kind="stable")] = np.arange(len(a))
    rb[np.argsort(b, kind="stable")] = np.arange(len(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def summary(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> dict:
    """Return RMSE, R² and exclusion error at a 40% quota, rounded for the model file."""
    return {"rmse": round(rmse(truth, predicted, weights), 4), "r2": round(r_squared(truth, predicted, weights), 4),
            "exclusion_error_40": round(exclusion_error(truth, predicted, weights, 0.4), 4)}
