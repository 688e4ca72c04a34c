"""Self-service accounts: e-mail confirmations, requests to join a company, password-reset tokens."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS
