"""Import and export of the registry in the exchange format (../shared/FORMAT.md, version 1).

- `columns`: the two tables' columns, as data (shared by reader and exporter);
- `dataset`: open a folder or a .zip, check manifest.json, hash and pre-check the files;
- `reader`: parse and validate rows (pure: no database);
- `importer`: write validated rows (upsert, history, import batches);
- `exporter`: write a dataset from the database;
- `errors`: the row-level issue report.
"""
