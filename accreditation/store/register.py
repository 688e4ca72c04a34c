"""The public register of awardees: which companies agreed to be listed, and award rounds."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS
