"""Compare NIKs by their parts: region (digits 1-6), birth date (7-12, day +40 for women), serial (13-16).

Plain edit distance calls two NIKs one digit apart "nearly equal". But people born on the same day in
the same sub-district get NIKs that differ only in the serial (twins, neighbours), so a serial
difference with equal region and birth parts means another person: that level gets a fixed, strongly
negative weight that training cannot turn around (among random pairs such a coincidence is rare, so
EM alone would score it as evidence *for* a match). A typo outside the serial keeps the serial.

A KK number typed in place of the NIK is recognised before comparison (`kk_as_nik_sql`): the NIK
equals a KK number of the person's household, or is shared by two people of one household (a NIK
is personal, a KK is not). Such a NIK is set to unknown rather than compared. Looking for the
number among *all* KK numbers would be wrong: a KK is region + issue date + serial, so it equals the
NIK of any man born on that date with that serial (5% of a synthetic civil registry).
"""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from mutakhir.core.nik import LENGTH

# Where the parts are (1-based, SQL substr), as in mutakhir.core.nik.parse_nik.
PARTS = {"nik_region": (1, 6), "nik_birth": (7, 6), "nik_serial": (13, 4)}
# Another person: m and u fixed so the level's Bayes factor is 1/100 (-6.6 bits).
SERIAL_DIFFERS_M, SERIAL_DIFFERS_U = 0.0001, 0.01

NIK_PATTERN = rf"^[0-9]{{{LENGTH}}}$"


def valid_nik_sql(column: str) -> str:
    """Return SQL (DuckDB) keeping a 16-digit number, NULL otherwise."""
    return f"CASE WHEN regexp_matches({column}, '{NIK_PATTERN}') THEN {column} END"


def kk_as_nik_sql(table: str) -> str:
    """Return SQL (DuckDB) adding `kk_as_nik` to `table` (household_id, nik_valid, kk)."""
    return f"""
        SELECT t.*, coalesce(k.kk IS NOT NULL OR count(*) OVER (PARTITION BY t.household_id, t.nik_valid) > 1
                             AND t.nik_valid IS NOT NULL, false) AS kk_as_nik
        FROM {table} t
        LEFT JOIN (SELECT DISTINCT household_id, kk FROM {table} WHERE kk IS NOT NULL) k
          ON k.household_id = t.household_id AND k.kk = t.nik_valid"""


def parts_sql(nik: str) -> str:
    """Return the SELECT list of the NIK's parts."""
    return ", ".join(f"substr({nik}, {start}, {length}) AS {name}" for name, (start, length) in PARTS.items())


def nik_comparison() -> cl.CustomComparison:
    """Return the NIK comparison by parts."""
    same_place_day = cll.And(cll.ExactMatchLevel("nik_region"), cll.ExactMatchLevel("nik_birth"))
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik"),
            cll.ExactMatchLevel("nik"),
            same_place_day.configure(
                label_for_charts="same region and birth date, serial differs: another person",
                m_probability=SERIAL_DIFFERS_M, u_probability=SERIAL_DIFFERS_U,
                fix_m_probability=True, fix_u_probability=True),
            cll.And(cll.ExactMatchLevel("nik_serial"), cll.DamerauLevenshteinLevel("nik", 1)).configure(
                label_for_charts="one typo outside the serial"),
            cll.And(cll.ExactMatchLevel("nik_serial"), cll.ExactMatchLevel("nik_region")).configure(
                label_for_charts="same region and serial, birth part differs"),
            cll.And(cll.ExactMatchLevel("nik_serial"), cll.ExactMatchLevel("nik_birth")).configure(
                label_for_charts="same birth part and serial, region differs"),
            cll.ElseLevel(),
        ],
    )


def nik_edit_distance_comparison() -> cl.CustomComparison:
    """Return the plain NIK comparison by edit distance (the baseline's)."""
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[cll.NullLevel("nik"), cll.ExactMatchLevel("nik"), cll.LevenshteinLevel("nik", 1),
                           cll.LevenshteinLevel("nik", 2), cll.ElseLevel()],
    )
