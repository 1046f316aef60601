"""`match`: read the datasets, link people, decide households, check the civil registry, write results."""

import math
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from . import civil as civil_check
from .features import features_table, prepare, release
from .households import REVIEW_BAND, Decision, Pair, decide, link_probability
from .io import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, InputError, read_table, write_csv, write_json
from .model import link
from .normalize import normalize_address

STEPS = ("read", "prepare", "link", "decide", "civil", "write")
Progress = Callable[[int, int, str], None]
# The run's memory budget (peak RSS). DuckDB gets what the Arrow tables read into Python leave of it, never
# less than DUCKDB_MIN_MEMORY nor than the tables themselves: beyond its limit DuckDB spills to a temporary folder.
MEMORY_BUDGET = 3.5 * 2**30
DUCKDB_MIN_MEMORY = 768 * 2**20  # below this DuckDB spills nearly everything (4x registry: 1 GB spilled 6 GB)
ARROW_OVERHEAD = 2.0  # RSS per byte of Arrow held: memory-pool slack and the arrays derived while preparing


def duckdb_memory_limit(tables: dict[str, pa.Table]) -> str:
    """Return DuckDB's memory limit: the Django setting LINKAGE_MEMORY_LIMIT (e.g. "3GB") where set, else
    the budget (LINKAGE_MEMORY_BUDGET bytes, default 3.5 GiB) less what the tables read hold.

    Without a limit DuckDB takes up to 80% of the machine's memory: at twice the district's size the run
    peaked at 5.3 GB though nothing needed that much at once. A registry too large for the budget gets at
    least the size of what was read: DuckDB copies it into its own tables, and at ten districts a limit of
    768 MB failed to pin a single 732 MB block.
    """
    limit, budget = _setting("LINKAGE_MEMORY_LIMIT", None), _setting("LINKAGE_MEMORY_BUDGET", MEMORY_BUDGET)
    if limit:
        return str(limit)
    held = sum(t.nbytes for t in tables.values())
    return f"{max(DUCKDB_MIN_MEMORY, budget - held * ARROW_OVERHEAD, held) / 2**20:.0f}MB"


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default) if settings.configured else default


@contextmanager
def connection(memory_limit: str, temp_root: str | Path | None = None):
    """Yield a DuckDB connection limited to `memory_limit`, spilling beyond it to a temporary folder (in
    `temp_root`, else the Django setting LINKAGE_TEMP_DIR, else the system's) removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mutakhir-linkage-",
                                     dir=temp_root or _setting("LINKAGE_TEMP_DIR", None)) as spill:
        con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
        try:
            yield con
        finally:
            con.close()


def _group(rows: list[dict], key: str = "household_id") -> dict[str, list[dict]]:
    out = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def read_inputs(registrations, registry, civil) -> dict[str, pa.Table]:
    tables = {}
    for side, source in (("reg", registrations), ("bdt", registry)):
        for table in ("households", "members"):
            tables[f"{side}_{table}"], name = read_table(source, table)
            if tables[f"{side}_{table}"].num_rows == 0:
                raise InputError(f"{name}: no rows (only a header)")
    if civil is not None:
        tables["civil_members"], _name = read_table(civil, "members", "civil")
    return tables


def _to_pairs(table: pa.Table, prior: float) -> list[Pair]:
    cols = [table[c].to_pylist() for c in ("record_id_l", "record_id_r", "household_id_l", "household_id_r",
                                           "match_probability")]
    prior_weight = math.log2(prior / (1 - prior))
    evidence = [w - prior_weight for w in table["match_weight"].to_pylist()]
    return [Pair(*row) for row in zip(*cols, evidence, strict=True)]


def _warnings(stats, decisions, pairs, civil_empty: bool) -> list[str]:
    """Say what the inputs lacked, in the language of the page or the job (stored with the run)."""
    out = []
    for side, label in (("reg", _("registrations")), ("bdt", _("registry")), ("civil", _("civil registry"))):
        if side not in stats:
            continue
        s = stats[side]
        if s.orphan_members:
            out.append(_("%(source)s: %(n)s member(s) name a household_id missing from households.csv (skipped), "
                         "e.g. %(examples)s") % {"source": label, "n": s.orphan_members,
                                                 "examples": ", ".join(s.orphan_examples)})
        if s.kk_as_nik:
            out.append(_("%(source)s: %(n)s NIK(s) equal a KK number (KK typed as NIK), not compared")
                       % {"source": label, "n": s.kk_as_nik})
        if s.invalid_nik:
            out.append(_("%(source)s: %(n)s NIK(s) are not 16 digits, not compared")
                       % {"source": label, "n": s.invalid_nik})
        if s.invalid_birth_date:
            out.append(_("%(source)s: %(n)s birth date(s) are not YYYY-MM-DD, not compared")
                       % {"source": label, "n": s.invalid_birth_date})
    if not any(d.links for d in decisions.values()):
        out.append(_("no registered person matches anybody in the registry: is it the registry of the same area?")
                   if not pairs else _("no registered person was linked to the registry"))
    if civil_empty:
        out.append(_("civil registry: members.csv has no rows; every person is not found"))
    return out


def match(registrations: str | Path, registry: str | Path, out: str | Path, *, civil: str | Path | None = None,
          engine: str = "duckdb", variant: str = "indonesian", progress: Progress | None = None,
          forced: dict[str, str] | None = None, forbidden=frozenset()) -> dict:
    """Run the initial identification and write households.csv, members.csv, summary.json; return the summary.

    `forced` and `forbidden` carry clerical-review decisions by household id (see `households.decide`).
    """
    progress = progress or (lambda done, total, note: None)
    total = len(STEPS)
    timings, marks = {}, [time.perf_counter()]

    def step(index: int, note: str):
        marks.append(time.perf_counter())
        timings[STEPS[index - 1]] = round(marks[-1] - marks[-2], 2)
        progress(index, total, note)

    progress(0, total, "reading")
    tables = read_inputs(registrations, registry, civil)
    pa.default_memory_pool().release_unused()  # what reading and trimming freed goes back to the system
    step(1, "preparing")
    with connection(duckdb_memory_limit(tables)) as con:
        summary = _match(con, tables, out, civil=civil, engine=engine, variant=variant, progress=progress,
                         step=step, forced=forced, forbidden=forbidden)
    step(6, "done")
    summary["timings"] = {**timings, "total": round(marks[-1] - marks[0], 2)}
    write_json(Path(out) / "summary.json", summary)
    return summary


def _match(con, tables, out, *, civil, engine, variant, progress, step, forced, forbidden) -> dict:
    total = len(STEPS)
    sides = {"reg": (tables["reg_members"], tables["reg_households"]),
             "bdt": (tables["bdt_members"], tables["bdt_households"])}
    if civil is not None:
        sides["civil"] = (tables["civil_members"], None)
    stats = prepare(con, sides, variant)
    release(con, sides)
    del sides
    civil_empty = civil is not None and tables.pop("civil_members").num_rows == 0  # only its features are used
    pa.default_memory_pool().release_unused()
    step(2, "linking")
    if engine == "duckdb":  # the linker reads the prepared tables in place
        left, right = "features_reg", "features_bdt"
    else:
        left, right = features_table(con, "reg"), features_table(con, "bdt")
    scored, prior, notes = link(left, right, engine=engine, variant=variant,
                                con=con if engine == "duckdb" else None, progress=lambda note: progress(2, total, note))
    del left, right
    con.execute("DROP TABLE features_bdt")
    pairs = _to_pairs(scored, prior)
    step(3, "deciding households")
    decisions = decide_households(tables, pairs, forced=forced, forbidden=forbidden)
    step(4, "civil registry" if civil else "writing")
    civil_status = civil_check.check(con) if civil is not None else {}
    step(5, "writing")
    summary = write_results(Path(out), tables, decisions, pairs, civil_status, engine)
    summary["warnings"] = _warnings(stats, decisions, pairs, civil_empty) + notes
    return summary


def _rows(households: pa.Table) -> dict[str, dict]:
    """Return household rows by id, addresses normalised (vectorised: once per table, not per pair)."""
    if "address" in households.column_names:
        index = households.column_names.index("address")
        households = households.set_column(index, "address", normalize_address(households["address"].combine_chunks()))
    return {r["household_id"]: r for r in households.to_pylist()}


def decide_households(tables: dict[str, pa.Table], pairs: list[Pair], *, forced: dict[str, str] | None = None,
                      forbidden=frozenset()) -> dict[str, Decision]:
    """Return the decision of every registration household, given the scored pairs and review decisions."""
    wanted = {p.registry_household_id for p in pairs} | set((forced or {}).values())
    candidates = pa.array(sorted(wanted), pa.string())
    bdt_hh = tables["bdt_households"].filter(pc.is_in(tables["bdt_households"]["household_id"], candidates))
    bdt_members = tables["bdt_members"].filter(pc.is_in(tables["bdt_members"]["household_id"], candidates))
    households = _rows(tables["reg_households"])
    return decide(pairs, households, _group(tables["reg_members"].to_pylist()),
                  _rows(bdt_hh), _group(bdt_members.to_pylist()), forced=forced, forbidden=forbidden)


def write_results(out: Path, tables, decisions: dict[str, Decision], pairs: list[Pair], civil_status: dict,
           engine: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "households.csv", [
        {"household_id": d.household_id, "registry_household_id": d.registry_household_id or "",
         "category": d.category, "match_probability": f"{d.probability:.4f}", "changes": ";".join(d.changes),
         "review": int(d.review)} for d in decisions.values()], HOUSEHOLD_COLUMNS)
    best = {}
    for pair in pairs:
        if pair.probability > best.get(pair.record_id, 0.0):
            best[pair.record_id] = pair.probability
    links = {k: (p, link_probability(d, p)) for d in decisions.values() for k, p in d.links.items()}
    rows = []
    for record_id in tables["reg_members"]["record_id"].to_pylist():
        pair, probability = links.get(record_id, (None, best.get(record_id)))
        civil_id, status = civil_status.get(record_id, (None, "not_found" if civil_status else ""))
        rows.append({"record_id": record_id, "registry_record_id": pair.registry_record_id if pair else "",
                     "match_probability": "" if probability is None else f"{probability:.4f}",
                     "civil_record_id": civil_id or "", "civil_status": status})
    write_csv(out / "members.csv", rows, MEMBER_COLUMNS)
    categories = {c: 0 for c in ("new", "unchanged", "changed")}
    for d in decisions.values():
        categories[d.category] += 1
    lo, hi = REVIEW_BAND
    summary = {"categories": categories, "review": sum(d.review for d in decisions.values()), "engine": engine,
               "households": len(decisions), "members": len(rows), "members_linked": len(links),
               "member_links_in_review_band": sum(lo <= p < hi for _pair, p in links.values())}
    if civil_status:
        summary["civil_status"] = {s: sum(1 for r in rows if r["civil_status"] == s) for s in civil_check.STATUSES}
    return summary
