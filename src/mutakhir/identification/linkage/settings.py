"""The person-linkage model as data: Splink comparisons and blocking rules, dialect-free.

Two variants share the blocking rules and the input columns (see `features.py`):

- `indonesian`: names after Indonesian normalisation with term-frequency adjustment, the NIK compared
  by its parts (`nik_compare.py`), birth dates tolerant of swapped day/month and default dates;
- `plain`: lower-cased raw names and the NIK by edit distance, the baseline the bench compares with.
"""

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from .nik_compare import nik_comparison, nik_edit_distance_comparison

VARIANTS = ("indonesian", "plain")
DEFAULT_DATES = ("01-01", "07-01", "12-31")  # month-day written when only the year is known

# Candidate pairs: each rule is an equi-join, cheap on its own; together they keep recall when the
# NIK is missing or wrong (name rules), the name is mangled (NIK and KK rules) or the household moved.
# Not (first name, village): 11 million pairs for 145,000 people against 810,000, for no recall; nor
# (name, village) for every birth date: 3.5 million more pairs, which only an unknown birth date justifies.
BLOCKING_RULES = [
    block_on("nik"),
    block_on("nik_region", "nik_birth"),  # serial typos and twins: same place and day of birth
    block_on("nik_birth", "nik_serial"),  # region typo
    block_on("kk"),
    block_on("name_sorted", "birth_year"),  # names in any order (given name and surname swapped)
    block_on("birth_date", "village"),
    block_on("name_first", "birth_date"),  # a typo in the last name
    block_on("name_last", "birth_date"),  # a typo in the first name
    "l.name_sorted = r.name_sorted AND l.village = r.village AND (l.birth_date IS NULL OR r.birth_date IS NULL)",
]
# EM sessions: each blocks on some columns and so trains every comparison but those.
TRAINING_RULES = [block_on("nik"), block_on("name_norm", "birth_date")]
# Without a NIK in common (the first session finds no pair) names and birth dates would keep Splink's
# default m probabilities, as every other session blocks on one of them: these sessions train them.
NO_NIK_TRAINING_RULES = [block_on("birth_date"), block_on("name_sorted", "village")]
# Pairs that are matches with high precision, to estimate how many pairs match (the prior).
DETERMINISTIC_RULES = [block_on("nik", "birth_date"), block_on("name_norm", "birth_date", "kk"),
                       block_on("name_norm", "birth_date", "village")]  # the last: sure without NIK nor KK


def _date_part(side: str, start: int, length: int) -> str:
    return f"substr(birth_date_{side}, {start}, {length})"


def birth_date_comparison() -> cl.CustomComparison:
    """Compare ISO birth dates, tolerating swapped day/month, default dates and one-digit typos."""
    year_same = f"{_date_part('l', 1, 4)} = {_date_part('r', 1, 4)}"
    swapped = (f"{year_same} AND {_date_part('l', 6, 2)} = {_date_part('r', 9, 2)}"
               f" AND {_date_part('l', 9, 2)} = {_date_part('r', 6, 2)}")
    defaults = ", ".join(f"'{d}'" for d in DEFAULT_DATES)
    default = f"{year_same} AND ({_date_part('l', 6, 5)} IN ({defaults}) OR {_date_part('r', 6, 5)} IN ({defaults}))"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(swapped, "day and month swapped"),
            cll.CustomLevel(default, "same year, one side a default date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.CustomLevel(year_same, "same year"),
            cll.ElseLevel(),
        ],
    )


def name_comparison(tf: bool) -> cl.CustomComparison:
    """Compare normalised names: exact (term-frequency adjusted), the same names in another order, one
    inside the other, Jaro-Winkler (in the given order, then in sorted order, for swapped names with a
    typo), and a first or last name in common (either way round) when the other is mistyped or missing."""
    contained = "(instr(name_norm_l, name_norm_r) > 0 OR instr(name_norm_r, name_norm_l) > 0)"
    one_shared = ("(name_first_l = name_first_r OR name_last_l = name_last_r"
                  " OR name_first_l = name_last_r OR name_last_l = name_first_r)")
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=tf),
            cll.ExactMatchLevel("name_sorted").configure(label_for_charts="same names in another order"),
            cll.JaroWinklerLevel("name_norm", 0.95),
            cll.CustomLevel(contained, "one name inside the other"),
            cll.JaroWinklerLevel("name_norm", 0.88),
            cll.JaroWinklerLevel("name_sorted", 0.88),
            cll.CustomLevel(one_shared, "first or last name in common"),
            cll.Or(cll.JaroWinklerLevel("name_first", 0.9), cll.JaroWinklerLevel("name_last", 0.9)).configure(
                label_for_charts="first or last name alike"),
            cll.JaroWinklerLevel("name_norm", 0.75),
            cll.ElseLevel(),
        ],
    )


def plain_birth_date_comparison() -> cl.CustomComparison:
    """Compare birth dates exactly, by one edit, or by year: no Indonesian tolerances."""
    year_same = f"{_date_part('l', 1, 4)} = {_date_part('r', 1, 4)}"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[cll.NullLevel("birth_date"), cll.ExactMatchLevel("birth_date"),
                           cll.DamerauLevenshteinLevel("birth_date", 1), cll.CustomLevel(year_same, "same year"),
                           cll.ElseLevel()],
    )


def comparisons(variant: str) -> list:
    """Return the comparisons of a model variant."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown model variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    indonesian = variant == "indonesian"
    common = [
        cl.ExactMatch("sex"),
        cl.ExactMatch("kk"),
        cl.JaroWinklerAtThresholds("birth_place", [0.9]),
        cl.CustomComparison(
            output_column_name="region",
            comparison_levels=[cll.ExactMatchLevel("village"), cll.ExactMatchLevel("subdistrict"),
                               cll.DamerauLevenshteinLevel("village", 1), cll.ElseLevel()],
        ),
    ]
    if indonesian:
        return [name_comparison(tf=True), nik_comparison(), birth_date_comparison(), cl.ExactMatch("clan"), *common]
    return [name_comparison(tf=False), nik_edit_distance_comparison(), plain_birth_date_comparison(), *common]


def settings(variant: str = "indonesian") -> SettingsCreator:
    """Return the Splink settings of a variant: registrations (left) linked to the registry (right)."""
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="record_id",
        comparisons=comparisons(variant),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        additional_columns_to_retain=["household_id"],
        retain_matching_columns=False,
        max_iterations=20,
    )
