"""The application's SQLite store: one database, one migration set, registered per module (see `db.py`)."""

from accreditation.store.db import MIGRATIONS, open_db, write_tx

__all__ = ["MIGRATIONS", "open_db", "write_tx"]
