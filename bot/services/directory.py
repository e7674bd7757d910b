"""Use cases of the directory of help: an association's admins keep its own entry; people see
the entries of their department ("Help near you").

Only an association's admins write its entry (checked at each step); every change is audited
(which field, never its text) and counts as a verification of the whole entry that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import associations as associations_db
from bot.db.models import Association, StaffMember
from bot.db.models_threads import Place
from bot.domain.directory import (
    ASSOCIATION_KINDS,
    SHOWN_AT_MOST,
    TEXT_FIELDS,
    OperatorEntry,
    is_shown,
    needs_check,
    valid_location,
)
from bot.domain.permissions import Action, allowed
from bot.domain.prefectures import DepartmentError, find_department
from bot.services.associations import Refused, audit
from bot.services.unit import Sessions

# What the operator's file gives of each entry (bot.domain.directory.OperatorEntry).
OPERATOR_FIELDS = (
    "name",
    "kind",
    "department",
    "address",
    "source",
    "verified_on",
    "hours",
    "languages",
    "services",
    "contact",
    "latitude",
    "longitude",
)
DEPARTMENT, LOCATION = "department", "location"


@dataclass(frozen=True)
class PlaceView:
    """An entry as people and its owner see it (an association's, or the operator's)."""

    id: int
    association_id: int | None
    name: str
    department: str | None
    kind: str | None
    address: str | None
    hours: str | None
    languages: str | None
    services: str | None
    contact: str | None
    latitude: float | None
    longitude: float | None
    verified_on: date | None
    source: str | None = None  # the operator's entries: where the information comes from

    @property
    def complete(self) -> bool:
        """Tell whether people can be shown it (a department, a kind and an address)."""
        return bool(self.department and self.kind and self.address)


class Invalid(ValueError):
    """What an admin typed does not fit the field (too long, not a department, not France)."""


@dataclass
class DirectoryService:
    """The associations' entries in the directory."""

    sessions: Sessions
    clock: Clock
    zone: ZoneInfo

    def _today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    async def entry(self, user_id: int, association_id: int) -> PlaceView | None:
        """Return the association's entry for one of its admins (None: not written yet)."""
        async with self.sessions.begin() as session:
            await _admin(session, user_id, association_id)
            place = await _own_place(session, association_id)
            return None if place is None else await _view(session, place)

    async def start_editing(self, user_id: int, association_id: int, field: str) -> None:
        """The admin's next message (within routes.PRESS_LASTS) fills in `field` of the entry."""
        if field not in (*TEXT_FIELDS, DEPARTMENT, LOCATION):
            raise Refused(field)
        async with self.sessions.begin() as session:
            member = await _admin(session, user_id, association_id)
            member.editing, member.replying_to = field, None
            member.replying_at = self.clock.now()
            session.add(member)

    async def stop_editing(self, user_id: int) -> None:
        """Forget a pressed "edit" (every association of the user)."""
        async with self.sessions.begin() as session:
            for member in await associations_db.staff_rows(session=session, user_id=user_id):
                if member.editing is not None:
                    member.editing = None
                    session.add(member)

    async def save_text(self, user_id: int, association_id: int, field: str, text: str) -> None:
        """Fill in a text field (or the department, typed); raise Invalid when it does not fit."""
        value = " ".join(text.split()) if field != "services" else text.strip()
        if field == DEPARTMENT:
            try:
                value = find_department(text).department_code
            except DepartmentError as error:
                raise Invalid("department") from error
        elif field not in TEXT_FIELDS:
            raise Refused(field)
        elif not value or len(value) > TEXT_FIELDS[field]:
            raise Invalid("length")
        await self._change(user_id, association_id, field, {field: value})

    async def save_location(
        self, user_id: int, association_id: int, latitude: float, longitude: float
    ) -> None:
        """Set the entry's point on the map (its door)."""
        if not valid_location(latitude, longitude):
            raise Invalid("location")
        values = {"latitude": latitude, "longitude": longitude}
        await self._change(user_id, association_id, LOCATION, values)

    async def set_kind(self, user_id: int, association_id: int, kind: str) -> None:
        """Set what kind of help the place gives."""
        if kind not in ASSOCIATION_KINDS:
            raise Refused(kind)
        await self._change(user_id, association_id, "kind", {"kind": kind})

    async def verify(self, user_id: int, association_id: int) -> None:
        """ "Everything is still correct": the entry counts as verified today."""
        await self._change(user_id, association_id, "verified", {})

    async def remove(self, user_id: int, association_id: int) -> None:
        """Take the association out of the directory."""
        async with self.sessions.begin() as session:
            await _admin(session, user_id, association_id)
            found = await _own_place(session, association_id)
            if found is not None:
                await session.delete(found)
            audit(session, user_id, association_id, "place_remove", {})

    async def near(self, department: str | None) -> list[PlaceView]:
        """Return the entries shown to people of a department (complete, verified within 12
        months), by name, at most SHOWN_AT_MOST."""
        if not department:
            return []
        today = self._today()
        async with self.sessions.begin() as session:
            query = select(Place).where(Place.department == department)
            views = [await _view(session, place) for place in (await session.exec(query)).all()]
        shown = [v for v in views if v.complete and is_shown(v.verified_on, today)]
        return sorted(shown, key=lambda v: v.name.casefold())[:SHOWN_AT_MOST]

    async def guda(self, department: str) -> PlaceView | None:
        """Return the GUDA listed for a department (the operator's entry), if people may see it."""
        today = self._today()
        async with self.sessions.begin() as session:
            query = select(Place).where(Place.department == department, Place.kind == "guda")
            views = [await _view(session, place) for place in (await session.exec(query)).all()]
        return next((v for v in views if v.complete and is_shown(v.verified_on, today)), None)

    async def shown(self, place_id: int) -> PlaceView | None:
        """Return one entry if people may see it (a forged button names another)."""
        async with self.sessions.begin() as session:
            place = await session.get(Place, place_id)
            view = None if place is None else await _view(session, place)
        if view is None or not view.complete or not is_shown(view.verified_on, self._today()):
            return None
        return view

    async def to_check(self) -> list[tuple[int, str, str, date | None]]:
        """Return (admin user id, their language, association name, verified on) for every
        entry unverified for 6 months (its admins are told, once a month, by the digest job)."""
        today = self._today()
        async with self.sessions.begin() as session:
            rows = await session.exec(
                select(Place.association_id, Association.name, col(Place.verified_on)).join(
                    Association, col(Association.id) == Place.association_id
                )
            )
            found = []
            for association_id, name, verified_on in rows.all():
                if association_id is None or not needs_check(verified_on, today):
                    continue
                for user_id, language in await associations_db.admins(
                    session=session, association_id=association_id
                ):
                    found.append((user_id, language or "fr", name, verified_on))
            return found

    async def import_entries(self, entries: list[OperatorEntry]) -> tuple[int, int, int]:
        """Make the operator's entries those of the file: add the new keys, update the others,
        remove the keys no longer in it. Return (added, updated, removed)."""
        added = updated = 0
        async with self.sessions.begin() as session:
            rows = await session.exec(select(Place).where(col(Place.key).is_not(None)))
            existing = {place.key: place for place in rows.all()}
            for entry in entries:
                place = existing.pop(entry.key, None)
                if place is None:
                    place, added = Place(key=entry.key), added + 1
                else:
                    updated += 1
                for field in OPERATOR_FIELDS:
                    setattr(place, field, getattr(entry, field))
                place.updated_at = self.clock.now()
                session.add(place)
            for place in existing.values():
                await session.delete(place)
        return added, updated, len(existing)

    async def operator_entries(self) -> list[PlaceView]:
        """Return the operator's entries, by department and name (for `places list`)."""
        async with self.sessions.begin() as session:
            rows = await session.exec(select(Place).where(col(Place.key).is_not(None)))
            views = [await _view(session, place) for place in rows.all()]
        return sorted(views, key=lambda v: (v.department or "", v.name.casefold()))

    async def _change(
        self, user_id: int, association_id: int, field: str, values: Mapping[str, object]
    ) -> None:
        """Write some fields of the entry (created if need be), verified today; audited."""
        async with self.sessions.begin() as session:
            member = await _admin(session, user_id, association_id)
            place = await session.get(Place, association_id) or Place(association_id=association_id)
            for key, value in values.items():
                setattr(place, key, value)
            place.verified_on, place.updated_at = self._today(), self.clock.now()
            session.add(place)
            member.editing = None
            session.add(member)
            audit(session, user_id, association_id, "place_edit", {"field": field})


async def _admin(session: AsyncSession, user_id: int, association_id: int) -> StaffMember:
    """Return the user's staff row if they are an admin of the association, else raise."""
    member = await associations_db.staff_member(
        session=session, association_id=association_id, user_id=user_id
    )
    if member is None or not allowed(member.role, Action.EDIT_PLACE):
        raise Refused(Action.EDIT_PLACE.value)
    return member


async def _own_place(session: AsyncSession, association_id: int) -> Place | None:
    """Return an association's own entry, if it wrote one."""
    query = select(Place).where(Place.association_id == association_id)
    return (await session.exec(query)).first()


async def _view(session: AsyncSession, place: Place) -> PlaceView:
    """Return an entry with its name (the association's, or the one the operator gave)."""
    association = (
        await session.get(Association, place.association_id) if place.association_id else None
    )
    assert place.id is not None
    return PlaceView(
        place.id,
        place.association_id,
        association.name if association else (place.name or ""),
        place.department,
        place.kind,
        place.address,
        place.hours,
        place.languages,
        place.services,
        place.contact,
        place.latitude,
        place.longitude,
        place.verified_on,
        place.source,
    )
