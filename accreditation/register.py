"""The public register of awardees and the award rounds.

**Who is listed** is derived on every read, never stored: a company that agreed to be listed (`set_listed`, from
its sharing page) AND whose current document (`store.certificates.current`) is a *verified* certificate that is
*active* on the day: not a self-assessment statement, not suspended, revoked, superseded or expired. So an opt-out,
a suspension, a revocation or an expiry takes the company off the register on the next page view, with nothing to
clean up.

**Award rounds**: the administrator opens a round (name, year, the period it covers); its candidates are the
register's pioneers and champions (`ROUND_TIERS`) whose certificate is in force during the round's period; the
administrator publishes it, which copies the candidates (name, province, sector, tier, certificate) into the round
once and for all.

**Withdrawing after publication**: a published round is a record of what was announced on a date, like a gazette:
it is not rewritten when a company later withdraws, is renamed or loses its certificate. The live register respects
an opt-out at once; a round's entries keep their certificate id, and the verify link shows that certificate's
status today. (The company is told so before it agrees: see the sharing page.)"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from sqlite_utils import Database

from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import write_tx
from criteria.folding import fold
from criteria.schema import Criteria

# The tiers an award round lists: the scheme's "pioneers and champions" (band ids of criteria/award/bands.csv).
ROUND_TIERS: tuple[str, ...] = ("pioneer", "champion")
# Why a company's certificate does not put it on the register (the sharing page says which); "listed" when it does.
Reason = str  # listed | no_certificate | self_assessed | suspended | expired | revoked | superseded


@dataclass(frozen=True)
class Entry:
    """One line of the public register: only what the company agreed to show."""

    organisation_id: int
    company_name: str  # as on the certificate (what its verify link confirms)
    province: str  # the current province (34 units) the certificate's address is in
    sector: str  # the company's sector code ("" when not given)
    tier: str  # band id
    issued: date
    expires: date  # the last day of validity
    certificate_id: str
    verify_url: str


@dataclass(frozen=True)
class ListingStatus:
    """What the company's sharing page says: has it agreed, does its certificate qualify (`reason` "listed") or
    why not, and so is it shown now."""

    opted_in: bool
    reason: Reason  # about the certificate, agreed or not: the page can say what agreeing would do
    entry: Entry | None = None  # what the register shows (or would show) for it

    @property
    def shown(self) -> bool:
        return self.opted_in and self.entry is not None


# ------------------------------------------------------------------------------------------------ consent


def is_listed(db: Database, organisation_id: int) -> bool:
    """Has the company agreed to be on the public register (and not withdrawn since)?"""
    row = db.execute("SELECT listed FROM register_listings WHERE organisation_id = ?", [organisation_id]).fetchone()
    return bool(row and row[0])


def set_listed(db: Database, actor: Actor, organisation_id: int, listed: bool) -> bool:
    """Agree (`listed` True) or stop agreeing to be on the public register. Takes effect on the next read of the
    register. Setting what is already set changes nothing and records nothing. Returns the new setting."""
    require(actor, "listing.manage", {"organisation_id": organisation_id})
    listed = bool(listed)
    with write_tx(db):
        rows = db.execute_returning_dicts("SELECT * FROM register_listings WHERE organisation_id = ?",
                                          [organisation_id])
        before = bool(rows and rows[0]["listed"])
        if rows and before == listed:
            return listed
        if not rows and not listed:
            return listed
        when = audit.now()
        first = (rows[0]["first_listed_at"] if rows else None) or (when if listed else None)
        db["register_listings"].upsert({"organisation_id": organisation_id, "listed": int(listed),
                                        "changed_at": when, "changed_by": actor.id, "first_listed_at": first},
                                       pk="organisation_id")
        audit.record(db, actor=actor.as_dict(), action="listing.opt_in" if listed else "listing.opt_out",
                     entity="organisation", entity_id=organisation_id, before={"listed": before},
                     after={"listed": listed})
    return listed


# ----------------------------------------------------------------------------------------------- register


def _province(text: str) -> str:
    """The current unit (after the 2025 reorganisation) a province name refers to; the text itself otherwise."""
    from criteria.provinces import provinces_if_valid

    table = provinces_if_valid()
    found = table.match(text) if table and text else None
    return found.name if found else (text or "").strip()


def verify_url(certificate_id: str) -> str:
    """The public verify page for a certificate id, at this installation's public address (settings.public_url)."""
    from accreditation.settings import public_url

    return f"{public_url().rstrip('/')}/?verify={certificate_id}"


def _shown(db: Database, org: dict[str, Any], as_of: date) -> tuple[Entry | None, Reason]:
    cert = registry.current(db, org.get("tax_code"), org["id"])
    if cert is None:  # none current: never had one, or the last one was revoked (say so on its page)
        subject = registry.subject_of(org.get("tax_code"), org["id"])
        last = db.execute(f"SELECT revoked_at FROM {registry.TABLE} WHERE subject = ? ORDER BY year DESC, seq DESC "
                          "LIMIT 1", [subject]).fetchone()
        return None, "revoked" if last and last[0] else "no_certificate"
    if not cert.verified:
        return None, "self_assessed"
    status = cert.status(as_of)
    if status != "active":
        return None, status
    entry = Entry(organisation_id=org["id"], company_name=cert.company_name or org["name"],
                  province=_province(cert.province or org.get("province") or ""), sector=org.get("sector") or "",
                  tier=cert.tier, issued=cert.issued, expires=cert.expires, certificate_id=cert.id,
                  verify_url=verify_url(cert.id))
    return entry, "listed"


def listing_status(db: Database, organisation_id: int, as_of: date | None = None) -> ListingStatus:
    """Whether the company agreed, and whether (and why not) it is on the register on `as_of` (default today)."""
    org = db["organisations"].get(organisation_id)
    entry, reason = _shown(db, org, as_of or date.today())
    return ListingStatus(is_listed(db, organisation_id), reason, entry)


def _sort_key(entry: Entry) -> tuple[str, str]:
    return fold(entry.company_name), entry.company_name


def entries(db: Database, as_of: date | None = None) -> list[Entry]:
    """The public register on `as_of` (default today): every company that agreed and holds an active verified
    certificate, by name (accents ignored)."""
    day = as_of or date.today()
    orgs = db.execute_returning_dicts(
        """SELECT o.id, o.name, o.tax_code, o.province, o.sector FROM register_listings l
           JOIN organisations o ON o.id = l.organisation_id WHERE l.listed = 1""")
    found = [entry for entry, _ in (_shown(db, org, day) for org in orgs) if entry is not None]
    return sorted(found, key=_sort_key)


def search(found: Iterable[Entry], text: str = "", *, provinces: Iterable[str] = (), sectors: Iterable[str] = (),
           tiers: Iterable[str] = ()) -> list[Entry]:
    """Register entries matching `text` (in the name, accents and case ignored, so "thuan an" finds "Thuận An"; or
    a certificate id) and every non-empty filter (province names, sector codes, tier ids)."""
    wanted = fold(text or "")
    cert_text = (text or "").strip().upper()
    provinces, sectors, tiers = set(provinces), set(sectors), set(tiers)
    return [e for e in found
            if (not wanted or wanted in fold(e.company_name) or (cert_text and cert_text in e.certificate_id))
            and (not provinces or e.province in provinces) and (not sectors or e.sector in sectors)
            and (not tiers or e.tier in tiers)]


def tier_label(criteria: Criteria, tier: str, lang: str) -> str:
    band = criteria.band(tier)
    return band.label.get(lang) if band else tier


def sector_label(criteria: Criteria, sector: str, lang: str) -> str:
    lst = criteria.lists.get("sector")
    choice = lst.get(sector) if lst and sector else None
    return choice.label.get(lang) if choice else sector


def tier_rank(criteria: Criteria, tier: str) -> int:
    """Higher for a better tier (the bands' order); -1 for a tier the criteria no longer have."""
    ids = [b.id for b in criteria.bands]
    return ids.index(tier) if tier in ids else -1


COLUMNS = ("company_name", "province", "sector", "tier", "expires", "certificate_id", "verify_url")


def rows_for_people(found: Iterable[Entry], lang: str, criteria: Criteria) -> list[dict[str, Any]]:
    """The entries as the page's table and the CSV show them: labels instead of codes, headers in `lang`."""
    from accreditation.i18n import catalog_text

    heads = {c: catalog_text(f"register.col.{c}", lang) for c in COLUMNS}
    return [{heads["company_name"]: e.company_name, heads["province"]: e.province,
             heads["sector"]: sector_label(criteria, e.sector, lang), heads["tier"]: tier_label(criteria, e.tier, lang),
             heads["expires"]: e.expires, heads["certificate_id"]: e.certificate_id, heads["verify_url"]: e.verify_url}
            for e in found]


def register_csv(found: Iterable[Entry], lang: str = "vi", criteria: Criteria | None = None) -> bytes:
    """The register (or the part a search kept) as CSV: UTF-8 with a byte-order mark so Excel reads Vietnamese,
    dates as dd/mm/yyyy, and a name a spreadsheet could run as a formula neutralised."""
    from accreditation.display import day
    from accreditation.i18n import catalog_text
    from accreditation.portfolio.export import neutralise
    from criteria.datafiles import default_criteria

    crit = criteria or default_criteria()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([catalog_text(f"register.col.{c}", lang) for c in COLUMNS])
    for row in rows_for_people(found, lang, crit):
        writer.writerow([day(v) if isinstance(v, date) else neutralise(v) for v in row.values()])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# -------------------------------------------------------------------------------------------- award rounds


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def get_round(db: Database, round_id: int) -> dict[str, Any]:
    rows = db.execute_returning_dicts("SELECT * FROM award_rounds WHERE id = ?", [round_id])
    if not rows:
        raise UserError.from_key("register.no_round", id=round_id)
    return rows[0]


def rounds(db: Database, status: str | None = None) -> list[dict[str, Any]]:
    """Award rounds, newest first; optionally only `open` or `published` ones."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return db.execute_returning_dicts(
        f"SELECT * FROM award_rounds {where} ORDER BY year DESC, closes_on DESC, id DESC", params)


def open_round(db: Database, actor: Actor, name: str, year: int, opens_on: date, closes_on: date) -> dict[str, Any]:
    """Open an award round: a name people will read ("Đợt 1 năm 2026"), its year and the period it covers."""
    require(actor, "round.manage")
    name = " ".join((name or "").split())
    if not name:
        raise UserError.from_key("register.round_needs_name")
    if not 2000 <= int(year) <= 2100:
        raise UserError.from_key("register.round_bad_year", year=year)
    opens_on, closes_on = _day(opens_on), _day(closes_on)
    if closes_on < opens_on:
        raise UserError.from_key("register.round_bad_dates")
    with write_tx(db):
        if any(fold(other) == fold(name) for (other,) in db.execute("SELECT name FROM award_rounds").fetchall()):
            raise UserError.from_key("register.round_exists", name=name)
        round_id = db["award_rounds"].insert({
            "name": name, "year": int(year), "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
            "status": "open", "created_at": audit.now(), "created_by": actor.id}).last_pk
        audit.record(db, actor=actor.as_dict(), action="round.open", entity="award_round", entity_id=round_id,
                     after={"name": name, "year": int(year), "opens_on": opens_on.isoformat(),
                            "closes_on": closes_on.isoformat()})
    return get_round(db, round_id)


def cancel_round(db: Database, actor: Actor, round_id: int) -> dict[str, Any]:
    """Remove a round that is still open (a mistyped name, a round opened by mistake); its name can then be used
    again. A published round is history and is never removed. Returns the round as it was."""
    require(actor, "round.manage")
    with write_tx(db):
        found = get_round(db, round_id)
        if found["status"] != "open":
            raise UserError.from_key("register.round_published", name=found["name"],
                                     date=(found["published_at"] or "")[:10])
        db["award_rounds"].delete(round_id)
        audit.record(db, actor=actor.as_dict(), action="round.cancel", entity="award_round", entity_id=round_id,
                     before={k: found[k] for k in ("name", "year", "opens_on", "closes_on", "status")})
    return found


def candidates(db: Database, round_id: int, as_of: date | None = None,
               criteria: Criteria | None = None) -> list[Entry]:
    """Who a round would list if published on `as_of` (default today): the register's pioneers and champions
    whose certificate is in force during the round (issued by its closing date, valid until its opening date or
    later); best tier first, then by name."""
    from criteria.datafiles import default_criteria

    crit = criteria or default_criteria()
    found_round = get_round(db, round_id)
    opens, closes = (date.fromisoformat(found_round[k]) for k in ("opens_on", "closes_on"))
    # in force during the round: issued by its end (a later one is the next round's), valid at its start or after
    found = [e for e in entries(db, as_of) if e.tier in ROUND_TIERS and e.issued <= closes and e.expires >= opens]
    return sorted(found, key=lambda e: (-tier_rank(crit, e.tier), *_sort_key(e)))


def publish_round(db: Database, actor: Actor, round_id: int, as_of: date | None = None,
                  criteria: Criteria | None = None) -> dict[str, Any]:
    """Publish a round: its candidates on `as_of` are copied into it and it is frozen (published once; what was
    announced is not rewritten later). A round with no candidate is not published."""
    require(actor, "round.manage")
    with write_tx(db):
        found = get_round(db, round_id)
        if found["status"] != "open":
            raise UserError.from_key("register.round_published", name=found["name"],
                                     date=(found["published_at"] or "")[:10])
        listed = candidates(db, round_id, as_of, criteria)
        if not listed:
            raise UserError.from_key("register.round_empty", name=found["name"])
        db["award_round_entries"].insert_all(
            {"round_id": round_id, "position": n, "organisation_id": e.organisation_id,
             "company_name": e.company_name, "province": e.province, "sector": e.sector, "tier": e.tier,
             "certificate_id": e.certificate_id, "expires": e.expires.isoformat()}
            for n, e in enumerate(listed, start=1))
        when = audit.now()
        db["award_rounds"].update(round_id, {"status": "published", "published_at": when,
                                             "published_by": actor.id})
        audit.record(db, actor=actor.as_dict(), action="round.publish", entity="award_round", entity_id=round_id,
                     before={"status": "open"},
                     after={"status": "published", "entries": [[e.organisation_id, e.certificate_id, e.tier]
                                                               for e in listed]})
    return get_round(db, round_id)


def round_entries(db: Database, round_id: int) -> list[dict[str, Any]]:
    """A published round's awardees as they were published, in their order (best tier first)."""
    return db.execute_returning_dicts(
        "SELECT * FROM award_round_entries WHERE round_id = ? ORDER BY position", [round_id])


def round_rows_for_people(found: Iterable[dict[str, Any]], lang: str, criteria: Criteria) -> list[dict[str, Any]]:
    """A published round's entries for the public page: labels in `lang`, and the verify link of each
    certificate (which shows its status today)."""
    from accreditation.i18n import catalog_text

    heads = {c: catalog_text(f"register.col.{c}", lang) for c in COLUMNS}
    return [{heads["company_name"]: r["company_name"], heads["province"]: r["province"],
             heads["sector"]: sector_label(criteria, r["sector"] or "", lang),
             heads["tier"]: tier_label(criteria, r["tier"], lang), heads["certificate_id"]: r["certificate_id"],
             heads["verify_url"]: verify_url(r["certificate_id"])} for r in found]
