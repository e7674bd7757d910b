"""The directory of help ("Help near you"): what an entry holds, and how long it is trusted.

Pure: no database, no Telegram. Each association writes its own entry (it is the source); the
operator's entries come from their data file, each with its source (read_entries). An entry not
verified for CHECK_AFTER is flagged to its owner, and after HIDE_AFTER it is no longer shown: an
address or opening hours nobody confirmed for a year may send someone to a closed door.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.domain.prefectures import DepartmentError, find_department

# What kind of help a place gives (the values are stored). A GUDA (the prefecture's asylum
# desk) comes only from the operator's file: /prefecture shows the competent prefecture's.
ASSOCIATION_KINDS = ("spada", "legal", "association", "domiciliation", "health")
KINDS = (*ASSOCIATION_KINDS, "guda")
# The fields an admin types, with their longest length (characters).
TEXT_FIELDS = {
    "address": 300,
    "hours": 200,
    "languages": 200,
    "services": 500,
    "contact": 200,
}
CHECK_AFTER = relativedelta(months=6)
HIDE_AFTER = relativedelta(months=12)
SHOWN_AT_MOST = 5  # entries listed for one department
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_shown(verified_on: date | None, today: date) -> bool:
    """Tell whether an entry verified on that day is still shown to people."""
    return verified_on is not None and verified_on + HIDE_AFTER > today


def needs_check(verified_on: date | None, today: date) -> bool:
    """Tell whether the association should confirm its entry (6 months or more without)."""
    return verified_on is None or verified_on + CHECK_AFTER <= today


def valid_location(latitude: float, longitude: float) -> bool:
    """Tell whether a point is plausibly in France (metropolitan or overseas): a location sent
    by mistake from elsewhere is refused."""
    metropolitan = 41.0 <= latitude <= 51.5 and -5.5 <= longitude <= 10.0
    overseas = -22.0 <= latitude <= 17.0 and (
        -63.5 <= longitude <= -51.0 or 44.0 <= longitude <= 56.0
    )
    return metropolitan or overseas


@dataclass(frozen=True)
class OperatorEntry:
    """A place from the operator's data file: every entry names its source and the day it was
    last verified against it."""

    key: str
    name: str
    kind: str
    department: str
    address: str
    source: str
    verified_on: date
    hours: str | None = None
    languages: str | None = None
    services: str | None = None
    contact: str | None = None
    latitude: float | None = None
    longitude: float | None = None


REQUIRED = ("name", "kind", "department", "address", "source", "verified_on")
OPTIONAL = ("hours", "languages", "services", "contact", "latitude", "longitude")


def read_entries(text: str) -> list[OperatorEntry]:
    """Read the operator's data file (TOML: one `[places.<key>]` table per place).

    Raise ValueError naming the entry and the field when one is missing or wrong: an entry
    without a source or a verification date is refused, never shown.
    """
    data = tomllib.loads(text)
    unknown = set(data) - {"places"}
    if unknown:
        raise ValueError(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    entries = []
    for key, fields in data.get("places", {}).items():
        entries.append(_entry(key, fields))
    return entries


def _entry(key: str, fields: dict[str, object]) -> OperatorEntry:
    """Check and build one entry of the file."""
    where = f"places.{key}"
    if not _KEY.fullmatch(key):
        raise ValueError(f"{where}: keys are 1-64 letters, digits, '-' or '_'")
    extra = set(fields) - set(REQUIRED) - set(OPTIONAL)
    if extra:
        raise ValueError(f"{where}: unknown fields {', '.join(sorted(extra))}")
    missing = [name for name in REQUIRED if not fields.get(name)]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    if fields["kind"] not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if not isinstance(fields["verified_on"], date):
        raise ValueError(f"{where}: verified_on must be a date such as 2026-11-30")
    try:
        department = find_department(str(fields["department"])).department_code
    except DepartmentError as error:
        raise ValueError(f"{where}: {error}") from None
    latitude, longitude = fields.get("latitude"), fields.get("longitude")
    if (latitude is None) != (longitude is None):
        raise ValueError(f"{where}: give both latitude and longitude, or neither")
    if latitude is not None and not valid_location(float(latitude), float(longitude)):  # type: ignore[arg-type]
        raise ValueError(f"{where}: the location is not in France")
    texts = {name: str(fields[name]).strip() for name in OPTIONAL[:4] if fields.get(name)}
    for name, value in texts.items():
        if len(value) > TEXT_FIELDS[name]:
            raise ValueError(f"{where}: {name} is longer than {TEXT_FIELDS[name]} characters")
    return OperatorEntry(
        key,
        str(fields["name"]).strip()[:120],
        str(fields["kind"]),
        department,
        str(fields["address"]).strip(),
        str(fields["source"]).strip(),
        fields["verified_on"],
        latitude=float(latitude) if latitude is not None else None,  # type: ignore[arg-type]
        longitude=float(longitude) if longitude is not None else None,  # type: ignore[arg-type]
        **texts,
    )
