"""Deduplicate the registry itself: people linked to people of the same dataset, then households by shared people.

Reuses the linkage model (features, comparisons, blocking) with Splink's `dedupe_only` link type, and
writes `people.csv` and `households.csv` (cluster_id, the record ids, probability) for a person to review.
"""

import dataclasses
from collections import defaultdict
from pathlib import Path

import duckdb
from splink import Linker

from .linkage.features import features_table, prepare
from .linkage.io import read_table, write_csv
from .linkage.model import SEED, TRAINING_RULES, U_MAX_PAIRS, _quiet_splink, train_m, train_prior
from .linkage.settings import settings

THRESHOLD = 0.95  # a pair at or above this joins a cluster
PEOPLE_COLUMNS = ["cluster_id", "record_id", "household_id", "probability"]
HOUSEHOLD_COLUMNS = ["cluster_id", "household_id", "probability"]
STEPS = ("reading", "preparing", "training and scoring pairs", "clustering")


def score_pairs(con: duckdb.DuckDBPyConnection, people) -> list[tuple[str, str, float]]:
    """Return (record id, record id, match probability) of the likely duplicate pairs among people."""
    from splink.backends.duckdb import DuckDBAPI

    model = dataclasses.replace(settings(), link_type="dedupe_only")
    with _quiet_splink():
        linker = Linker(DuckDBAPI(connection=con).register(people), model, log_level=None)
        train_prior(linker, people.num_rows * (people.num_rows - 1) // 2)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
        # Not the linkage's no-NIK sessions: in a registry without duplicates they learn from strangers alone.
        if not [rule for rule in TRAINING_RULES if train_m(linker, rule)]:
            return []  # nobody shares a NIK, nor a name and birth date: Splink's default m would join families
        scored = linker.inference.predict(threshold_match_probability=THRESHOLD, warning_mode="never")
        sql = f"SELECT record_id_l, record_id_r, match_probability FROM {scored.physical_name}"  # noqa: S608
        return con.sql(sql).fetchall()


def _clusters(pairs) -> dict[str, str]:
    """Return the cluster (its smallest id) of every id that appears in a pair (union-find)."""
    parent = {}

    def root(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


def find_duplicates(registry: str | Path, out: str | Path, progress=None) -> dict:
    """Write people.csv and households.csv of duplicate clusters in a registry dataset; return counts.

    `progress(done, total, note)` is told of each of the STEPS.
    """
    progress = progress or (lambda done, total, note: None)
    progress(0, len(STEPS), STEPS[0])
    households, _name = read_table(registry, "households")
    members, _name = read_table(registry, "members")
    progress(1, len(STEPS), STEPS[1])
    con = duckdb.connect()
    prepare(con, {"reg": (members, households)})
    people = features_table(con, "reg")
    home = dict(zip(people["record_id"].to_pylist(), people["household_id"].to_pylist(), strict=True))
    progress(2, len(STEPS), STEPS[2])
    pairs = score_pairs(con, people)
    progress(3, len(STEPS), STEPS[3])
    best = defaultdict(float)
    for a, b, p in pairs:
        best[a], best[b] = max(best[a], p), max(best[b], p)
    person_cluster = _clusters((a, b) for a, b, _p in pairs)
    shared = defaultdict(list)  # household pair -> probabilities of the people they share
    for a, b, p in pairs:
        if home[a] != home[b]:
            shared[tuple(sorted((home[a], home[b])))].append(p)
    size = defaultdict(int)
    for household in home.values():
        size[household] += 1
    linked = {pair: ps for pair, ps in shared.items() if len(ps) >= min(2, *(size[h] for h in pair))}
    household_cluster = _clusters(linked)
    household_best = defaultdict(float)
    for (a, b), ps in linked.items():
        household_best[a], household_best[b] = max(household_best[a], *ps), max(household_best[b], *ps)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "people.csv", [
        {"cluster_id": c, "record_id": r, "household_id": home[r], "probability": f"{best[r]:.4f}"}
        for r, c in sorted(person_cluster.items(), key=lambda x: (x[1], x[0]))], PEOPLE_COLUMNS)
    write_csv(out / "households.csv", [
        {"cluster_id": c, "household_id": h, "probability": f"{household_best[h]:.4f}"}
        for h, c in sorted(household_cluster.items(), key=lambda x: (x[1], x[0]))], HOUSEHOLD_COLUMNS)
    con.close()
    return {"people": len(person_cluster), "people_clusters": len(set(person_cluster.values())),
            "households": len(household_cluster), "household_clusters": len(set(household_cluster.values()))}
