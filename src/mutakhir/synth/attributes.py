"""Per-member codes (education, work, disability, chronic illness, pregnancy), drawn from age and wealth."""

import numpy as np

EDUCATION_SHARES = (0.12, 0.33, 0.20, 0.25, 0.03, 0.065, 0.005)  # adults, codes 0-6
# Highest diploma reachable by age: under 13 none, under 16 primary, under 19 junior, ...
EDUCATION_AGE_CAPS = ((13, 0), (16, 1), (19, 2), (21, 3), (23, 4))
POOR_SECTORS = ((3, 0.30), (1, 0.08), (4, 0.15), (7, 0.22), (10, 0.12), (11, 0.13))  # pepper, rubber, tin...
RICH_SECTORS = ((11, 0.30), (18, 0.20), (16, 0.10), (17, 0.05), (13, 0.08), (8, 0.07), (15, 0.03), (12, 0.07),
                (3, 0.10))
WORK_STATUS_LADDER = ((5, 6, 1, 2, 4, 3), (0.18, 0.10, 0.32, 0.06, 0.30, 0.04))
CHRONIC_WEIGHTS = np.array((0.35, 0.15, 0.08, 0.10, 0.12, 0.04, 0.05, 0.03, 0.08))


def _choice(rng, table, n):
    codes, probs = zip(*table, strict=True)
    return np.asarray(codes, dtype=np.int16)[rng.choice(len(codes), n, p=np.asarray(probs) / sum(probs))]


def _ranked(rng, score, codes, shares):
    cuts = np.quantile(score, np.cumsum(shares)[:-1]) if len(score) else np.array([])
    return np.asarray(codes, dtype=np.int16)[np.searchsorted(cuts, score)]


def draw_attributes(rng, *, age, male, w, is_head, is_spouse, birth_year) -> dict[str, np.ndarray]:
    """Return education, work_status, work_sector (-1 where not working), disability, illness, pregnant."""
    n = len(age)
    score = 0.7 * w + 0.025 * (birth_year - 1975) + 0.8 * rng.standard_normal(n)
    edu = _ranked(rng, score, range(7), EDUCATION_SHARES)
    for limit, cap in EDUCATION_AGE_CAPS:
        edu = np.where(age < limit, np.minimum(edu, cap), edu)

    p_work = np.select(
        [age < 15, age < 18, age >= 65, is_head & male, male, is_head],
        [0.0, 0.15, np.where(male, 0.35, 0.15), 0.93, 0.85, 0.70], default=0.45)
    works = rng.random(n) < p_work
    status = _ranked(rng, 0.8 * w + rng.standard_normal(n), *WORK_STATUS_LADDER)
    status = np.where(is_head & (status == 6), 1, status)
    rich = rng.random(n) < 1 / (1 + np.exp(-(1.2 * w - 0.5)))
    sector = np.where(rich, _choice(rng, RICH_SECTORS, n), _choice(rng, POOR_SECTORS, n))

    disabled = rng.random(n) < 0.02 + 0.10 * (age >= 65)
    ill = rng.random(n) < 0.03 + 0.20 * (age >= 45)
    pregnant = ~male & is_spouse & (age >= 18) & (age < 43) & (rng.random(n) < 0.06)
    return {
        "education": edu.astype(np.int8),
        "work_status": np.where(works, status, 0).astype(np.int8),
        "work_sector": np.where(works, sector, -1).astype(np.int8),
        "disability": np.where(disabled, rng.integers(1, 9, n), 0).astype(np.int8),
        "chronic_illness": np.where(ill, 1 + rng.choice(9, n, p=CHRONIC_WEIGHTS / CHRONIC_WEIGHTS.sum()), 0
                                    ).astype(np.int8),
        "pregnant": pregnant.astype(np.int8),
    }
