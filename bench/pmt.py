"""PMT benchmark: targeting accuracy against the oracle, and speed of fitting and of scoring 10M households.

Until `mutakhir synth` lands, the population is generated here with a known welfare model: latent
wealth drives housing, assets and household size; log per-capita consumption is linear in them with
district-specific intercepts and slopes (three of them vary by district), an urban x log(floor area)
interaction, and N(0, 0.7²) noise independent of everything else. The ORACLE is that linear part,
E[log c | x], the best any ranking on these characteristics can do. A stratified survey of 50,000
households (weights N/n per district) is drawn from the population; the models are fitted on it and
score the whole population. Exclusion error at quota q: the share of the truly poorest q of households
(by realised consumption) that the poorest q by score misses.

    .venv/bin/python bench/pmt.py [--population 500000] [--survey 50000] [--speed-rows 10000000]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
os.environ.setdefault("DEBUG", "1")
import django  # noqa: E402

django.setup()
from mutakhir.ranking.fit import fit_pmt  # noqa: E402
from mutakhir.ranking.metrics import exclusion_error, spearman  # noqa: E402
from mutakhir.ranking.score import score_households  # noqa: E402
from mutakhir.ranking.survey import FitSettings  # noqa: E402

DISTRICTS = ["1901", "1902", "1903", "1904", "3201", "3202", "3203", "3204", "3271", "9401", "9402", "9403"]
EFFECT = dict(zip(DISTRICTS, [0.0, -0.05, 0.05, -0.1, 0.15, 0.1, 0.0, 0.05, 0.3, -0.35, -0.3, -0.4], strict=True))
WEALTH = dict(zip(DISTRICTS, [0.0, -0.1, 0.1, -0.2, 0.3, 0.2, 0.0, 0.1, 0.6, -0.7, -0.6, -0.8], strict=True))
# Ordered categories, poorest first, with their welfare coefficients.
LADDERS = {
    "floor_material": ((8, 7, 5, 6, 4, 2, 1), (-0.20, -0.15, -0.08, 0.0, 0.03, 0.08, 0.15)),
    "wall_material": ((6, 4, 3, 2, 1), (-0.15, -0.10, -0.05, 0.0, 0.05)),
    "roof_material": ((7, 5, 4, 3, 2, 1), (-0.12, -0.08, -0.03, 0.0, 0.03, 0.06)),
    "water_source": ((9, 6, 5, 4, 3, 2, 1), (-0.10, -0.06, -0.03, 0.0, 0.03, 0.05, 0.10)),
    "lighting": ((4, 3, 2, 1), (-0.15, -0.10, -0.06, 0.0)),
    "cooking_fuel": ((10, 7, 4, 3, 2), (-0.12, -0.06, 0.0, 0.08, 0.10)),
    "toilet": ((6, 4, 3, 2, 1), (-0.12, -0.08, -0.05, -0.03, 0.0)),
    "head_education": ((0, 1, 2, 3, 4, 5, 6), (-0.10, -0.06, 0.0, 0.05, 0.10, 0.20, 0.30)),
}
ASSETS = {"has_gas_cylinder": (-1.5, 1.2, 0.06), "has_refrigerator": (0.2, 1.3, 0.08), "has_ac": (-2.8, 1.5, 0.18),
          "has_motorcycle": (1.8, 1.0, 0.07), "has_car": (-3.2, 1.5, 0.28), "has_gold": (-1.0, 1.0, 0.08),
          "owns_land": (-0.8, 0.6, 0.05)}
CATEGORICAL = list(LADDERS)
QUOTAS = (0.10, 0.20, 0.40)


def population(n: int, rng: np.random.Generator) -> tuple[dict, np.ndarray, np.ndarray]:
    """Return household columns, realised log consumption and the oracle E[log c | x]."""
    region = rng.choice(DISTRICTS, n, p=np.linspace(1.5, 0.5, len(DISTRICTS)) / 12)
    w = rng.standard_normal(n) + np.vectorize(WEALTH.get)(region)
    cols = {"region": region}
    slope = {d: 1 + 0.5 * rng.standard_normal(3) for d in DISTRICTS}  # district-specific slopes
    k = np.stack([slope[d] for d in DISTRICTS])[np.searchsorted(DISTRICTS, region)]
    oracle = 13.0 + np.vectorize(EFFECT.get)(region)
    for name, (codes, coefs) in LADDERS.items():
        s = 0.7 * w + 0.7 * rng.standard_normal(n)
        idx = np.clip(np.searchsorted(np.quantile(s, np.linspace(0, 1, len(codes) + 1)[1:-1]), s), 0, len(codes) - 1)
        cols[name] = np.asarray(codes)[idx]
        oracle += np.asarray(coefs)[idx] * (k[:, 0] if name == "floor_material" else 1)
    for name, (a, b, coef) in ASSETS.items():
        cols[name] = (rng.random(n) < 1 / (1 + np.exp(-(a + b * w)))).astype(np.int8)
        oracle += coef * cols[name] * (k[:, 1] if name == "has_motorcycle" else 1)
    cols["hh_size"] = np.clip(rng.poisson(np.exp(1.4 - 0.15 * w)), 1, 15)
    cols["n_children"] = rng.binomial(cols["hh_size"] - 1, 0.4)
    cols["urban"] = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * w - 0.3)))).astype(np.int8)
    cols["floor_area_m2"] = np.clip(np.round(np.exp(3.8 + 0.25 * w + 0.2 * np.log(cols["hh_size"])
                                                    + 0.3 * rng.standard_normal(n))), 9, 600)
    cols["livestock"] = rng.poisson(np.where(cols["urban"] == 1, 0.1, 0.8))
    oracle += (-0.30 * k[:, 2] * np.log(cols["hh_size"]) - 0.04 * cols["n_children"]
               + 0.10 * np.log(cols["floor_area_m2"]) + 0.05 * cols["urban"] * np.log(cols["floor_area_m2"])
               + 0.02 * np.minimum(cols["livestock"], 5))
    return cols, oracle + 0.7 * rng.standard_normal(n), oracle


def write_csv(path: Path, cols: dict) -> None:
    pacsv.write_csv(pa.table(cols), path)


def fit_and_score(survey: Path, pop: Path, out: Path, region: str | None) -> tuple[np.ndarray, tuple, dict]:
    settings = FitSettings(target="log_consumption_pc", weight="weight", categorical=CATEGORICAL,
                           log=["floor_area_m2", "hh_size"], interactions=[["urban", "floor_area_m2"]],
                           region_column=region)
    started, cpu = time.perf_counter(), time.process_time()
    model = fit_pmt(survey, settings)  # reading the CSV, 5-fold CV over the λ grid, final fit
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    model.save(out.with_suffix(".json"))
    score_households(model, pop, out, region_column="region_code" if region else None, persons_column="hh_size")
    scores = duckdb.sql(f"SELECT score FROM read_parquet('{out}') ORDER BY CAST(household_id AS BIGINT)").fetchnumpy()
    return scores["score"], seconds, model


def speed(model_path: Path, rows: int, folder: Path) -> tuple[float, float]:
    """Score and rank `rows` generated households (parquet made by DuckDB); return wall and CPU seconds."""
    from mutakhir.ranking.model import PmtModel

    model = PmtModel.load(model_path)
    parts = ["CAST(i AS VARCHAR) AS household_id",
             f"list_element({[d + '011001' for d in DISTRICTS]}, 1 + CAST(floor(random() * 12) AS INT)) AS region_code"]
    for v in model.variables:
        if v.kind == "categorical":
            pick = f"list_element({v.levels}, 1 + CAST(floor(random() * {len(v.levels)}) AS INT))"
            parts.append(f"CAST({pick} AS INT) AS {v.name}" if v.numeric_levels else f"{pick} AS {v.name}")
        else:
            parts.append(f"CAST(floor(random() * 2 * {max(v.fill, 1.0)}) + 1 AS INT) AS {v.name}")
    data = folder / "speed.parquet"
    duckdb.sql(f"COPY (SELECT {', '.join(parts)} FROM range({rows}) t(i)) TO '{data}' (FORMAT PARQUET)")
    started, cpu = time.perf_counter(), time.process_time()
    result = score_households(model, data, folder / "speed-scores.parquet", region_column="region_code",
                              persons_column="hh_size")
    assert result["households"] == rows
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=500_000)
    parser.add_argument("--survey", type=int, default=50_000)
    parser.add_argument("--speed-rows", type=int, default=10_000_000, help="0 skips the speed test")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    cols, y, oracle = population(args.population, rng)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sample = np.sort(rng.choice(args.population, args.survey, replace=False))
        survey = {"household_id": sample.astype(str)} | {k: v[sample] for k, v in cols.items()}
        share = {d: (cols["region"] == d).sum() / (survey["region"] == d).sum() for d in DISTRICTS}
        survey["weight"] = np.vectorize(share.get)(survey["region"])
        survey["log_consumption_pc"] = y[sample]
        write_csv(folder / "survey.csv", survey)
        people = {"household_id": np.arange(args.population).astype(str),
                  "region_code": np.char.add(cols["region"].astype(str), "011001")}
        pq.write_table(pa.table(people | {k: v for k, v in cols.items() if k != "region"}), folder / "pop.parquet")
        regional, fit_seconds, model = fit_and_score(folder / "survey.csv", folder / "pop.parquet",
                                                     folder / "regional.parquet", "region")
        pooled, _, _ = fit_and_score(folder / "survey.csv", folder / "pop.parquet", folder / "pooled.parquet", None)
        ones = np.ones(args.population)
        print(f"population {args.population:,} households, survey {args.survey:,}, seed {args.seed}; "
              f"{sum(m.fitted and m.level == 'region' for m in model.models)} regional models, "
              f"ridge λ {model.validation['ridge_lambda']}")
        print(f"{'model':<16}" + "".join(f"{'EE@' + format(q, '.0%'):>9}" for q in QUOTAS) + f"{'Spearman':>10}")
        rows = {}
        for name, score in (("regional PMT", regional), ("pooled OLS", pooled), ("oracle", oracle)):
            rows[name] = [exclusion_error(y, score, ones, q) for q in QUOTAS]
            print(f"{name:<16}" + "".join(f"{100 * e:>8.2f}%" for e in rows[name]) + f"{spearman(score, y):>10.4f}")
        gap = max(a - b for a, b in zip(rows["regional PMT"], rows["oracle"], strict=True))
        print(f"largest gap regional PMT - oracle: {100 * gap:.2f} pp (target <= 1 pp)")
        print(f"fit (12 regional models + provinces + pooled, 5-fold CV): {fit_seconds[0]:.1f} s (target < 10 s);"
              f" CPU {fit_seconds[1]:.1f} s")
        if args.speed_rows:
            seconds, cpu = speed(folder / "regional.json", args.speed_rows, folder)
            print(f"score and rank {args.speed_rows:,} households (DuckDB, parquet): {seconds:.1f} s (target < 30 s);"
                  f" CPU {cpu:.1f} s over {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
