"""The store: the only room where SQL lives (tables, views, full-text index, the analyst's queries)."""
# The upload tables are declared on the same metadata, so that every store creates them.
from parksum.store import uploads  # noqa: F401
from parksum.store.database import (
    DEFAULT_DB,
    SCHEMA_VERSION,
    IngestResult,
    Store,
    StoreError,
    StoreMissing,
    database_url,
    sqlite_file,
)

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "IngestResult", "Store", "StoreError", "StoreMissing", "database_url",
           "sqlite_file"]
