"""Column types shared by the models and the migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime stored in UTC; naive datetimes are refused on write.

    SQLite has no time zone type and hands back naive values: they were written in UTC, so UTC is
    attached on read. PostgreSQL returns aware values in the session's zone: converted to UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Refuse a naive datetime and convert an aware one to UTC."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: pass an aware datetime (e.g. in UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class StrEnumType(sa.types.TypeDecorator[E]):
    """A StrEnum stored as its plain text value (VARCHAR, checked by a CHECK constraint).

    Rows come back as enum members, and a value that is not a member is refused on write, so a
    misspelt status fails at once instead of being stored. Not SQLAlchemy's Enum type: that
    would create a PostgreSQL ENUM and change the schema the migrations made.
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum, self.length = enum, length

    def process_bind_param(self, value: E | str | None, dialect: sa.Dialect) -> str | None:
        """Write the member's value (a plain string is accepted when it names a member)."""
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> E | None:
        """Return the stored value as a member."""
        return None if value is None else self.enum(value)

    def copy(self, **kw: Any) -> StrEnumType[E]:
        """Copy with the enum (SQLAlchemy copies column types for table copies)."""
        return StrEnumType(self.enum, self.length)
