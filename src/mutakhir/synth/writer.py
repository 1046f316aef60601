"""Write tables as exchange-format CSV (UTF-8, header row) with a manifest.json per dataset folder."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from mutakhir.core.digests import file_sha256

FORMAT_VERSION = 1


def write_dataset(folder: Path, kind: str, tables: dict[str, pa.Table], extra: dict | None = None) -> dict:
    """Write each table as `<name>.csv` into `folder` and a manifest; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(batch_size=65536))
        files[path.name] = {"rows": table.num_rows, "sha256": file_sha256(path)}
    manifest = {"format_version": FORMAT_VERSION, "kind": kind, "files": files, **(extra or {})}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
