"""A migration from the previous schema, with data in it, keeps every row and every value.

For each step of the Alembic chain (down_revision -> revision), on SQLite and on PostgreSQL, a
fresh database is upgraded to down_revision, every table is filled with rows generated from its
reflected schema (NULLs, Arabic and Persian text, 64-bit Telegram ids, microseconds), then it is
upgraded to revision: every table and column still there must hold the same rows, matched by
primary key. The steps, tables, columns and allowed values are read from migrations/versions and
from the database itself, so a migration added later is covered without editing this file. The
project only ever upgrades (`python -m bot migrate`, the demo): downgrades are not tested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlmodel import SQLModel

import bot.db.models  # noqa: F401  (registers the current tables on SQLModel.metadata)
from bot.db.engine import create_sync_engine
from bot.db.migrate import alembic_config

ROWS = 4  # generated rows per table; the last one has NULL in every nullable column
# Edge values, one per generated row: Telegram ids above 2**32, the largest BIGINT, a group chat.
BIG = (7_000_000_001, 2**63 - 1, -1_001_987_654_321, 1)
INT = (1, 2**31 - 1, 0, 42)
TEXTS = ("دادخواست پناهندگی", "موعد الاستئناف", "Récépissé de l'Ofpra", "د پناه غوښتنه")
MOMENTS = (  # aware UTC: the last microsecond before Paris moves to summer time, far future...
    datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
    datetime(2024, 2, 29, 12, 30, 15, 123_456, tzinfo=UTC),
)
DATES = (date(2024, 2, 29), date(2026, 3, 2), date(2099, 12, 31), date(1970, 1, 1))
TIMES = (time(23, 59), time(0, 0), time(9, 30, 15), time(14, 5))


@dataclass(frozen=True)
class Step:
    """One migration: the revision(s) it starts from and the one it brings the database to."""

    down: tuple[str, ...]
    up: str
    name: str


@dataclass(frozen=True)
class Ref:
    """Column `column` of row `index` of `table`, read once that row is inserted."""

    table: str
    index: int
    column: str = "id"


Rows = dict[str, list[dict[str, Any]]]  # table -> rows, each a dict of column values


def _script() -> ScriptDirectory:
    """Return the repository's migration scripts."""
    return ScriptDirectory.from_config(alembic_config())


def migration_steps() -> list[Step]:
    """Return every migration that starts from an earlier revision, oldest first."""
    steps = []
    for script in _script().walk_revisions():
        if script.down_revision is not None:
            down = script.down_revision
            parents = (down,) if isinstance(down, str) else tuple(down)
            steps.append(Step(parents, script.revision, Path(script.path).stem))
    return steps[::-1]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Return the URL of an empty database of each kind."""
    return request.getfixturevalue(f"{request.param}_url")


@contextmanager
def _engine(url: str) -> Iterator[sa.Engine]:
    """Yield an engine on `url` (foreign keys enforced on SQLite), disposed of afterwards."""
    engine = create_sync_engine(url, poolclass=pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def _upgrade(url: str, *revisions: str) -> None:
    """Upgrade the database at `url` to each of `revisions` in turn."""
    for revision in revisions:
        command.upgrade(alembic_config(url), revision)


def _reflect(engine: sa.Engine) -> list[sa.Table]:
    """Return the database's tables, parents before children, without Alembic's own."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    return [table for table in metadata.sorted_tables if table.name != "alembic_version"]


# -- Generating rows from the reflected schema --------------------------------------------------


def allowed_values(table: sa.Table) -> dict[str, list[str]]:
    """Return, per column, the values a `column IN ('a', 'b')` check constraint allows."""
    allowed = {}
    for constraint in table.constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        text = str(constraint.sqltext)  # PostgreSQL: status::text = ANY (ARRAY['a'::varchar...
        literals = re.findall(r"'([^']*)'", text)
        bare = re.sub(r"'[^']*'|::[a-z ]+(\[\])?", "", text)
        named = [c.name for c in table.c if re.search(rf"\b{re.escape(c.name)}\b", bare)]
        if literals and len(named) == 1:
            allowed[named[0]] = literals
    return allowed


def generated(column: sa.Column[Any], i: int, choices: Sequence[str] | None) -> Any:
    """Return the value of `column` in generated row `i`: NULL in the last row when allowed."""
    if column.nullable and i % ROWS == ROWS - 1:
        return None
    kind = column.type
    if choices:
        return choices[i % len(choices)]
    if isinstance(kind, sa.Boolean):
        return i % 2 == 0
    if isinstance(kind, sa.BigInteger):
        return BIG[i] if i < len(BIG) else BIG[0] + i
    if isinstance(kind, sa.Integer):
        return INT[i] if i < len(INT) else INT[0] + i
    if isinstance(kind, sa.Float):  # a point on the map: a latitude or longitude, exact in binary
        return 45.5 + i / 4
    if isinstance(kind, sa.DateTime):
        return MOMENTS[i % len(MOMENTS)] + timedelta(days=i // len(MOMENTS))
    if isinstance(kind, sa.Date):
        return DATES[i % len(DATES)] - timedelta(days=i // len(DATES))
    if isinstance(kind, sa.Time):
        return TIMES[i % len(TIMES)]
    if isinstance(kind, sa.Text):  # JSON in this project (drafts, texts, audiences, details)
        return json.dumps({"n": i, "text": TEXTS[i % len(TEXTS)]}, ensure_ascii=False)
    if isinstance(kind, sa.String):  # the row number first keeps unique columns distinct
        return f"{i}{TEXTS[i % len(TEXTS)]}"[: kind.length or None]
    raise TypeError(f"no value generator for {column.table.name}.{column.name} ({kind!r})")


def _auto_key(table: sa.Table) -> str | None:
    """Return the name of the table's auto-incremented key column, if it has one."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, sa.Integer) and not keys[0].foreign_keys:
        return keys[0].name
    return None


def _row(table: sa.Table, i: int, given: Mapping[str, Any], inserted: Rows) -> dict[str, Any]:
    """Complete row `i` of `table`: given values, then foreign keys, then generated values.

    A foreign key points at parent row `i` (modulo the parent's rows), so combined keys stay
    distinct. Given rows (the realistic dataset) leave the nullable columns they omit NULL, and
    lose the columns the schema does not have yet.
    """
    values = {name: _resolve(value, inserted) for name, value in given.items() if name in table.c}
    choices, auto = allowed_values(table), _auto_key(table)
    for fk in table.foreign_key_constraints:
        parents = inserted[fk.referred_table.name]
        names = [column.name for column in fk.columns]
        if any(name in values for name in names):
            continue
        parent = parents[i % len(parents)]
        for element in fk.elements:
            values[element.parent.name] = parent[element.column.name]
    for column in table.c:
        if column.name in values or column.name == auto:
            continue
        if not given or not column.nullable:
            values[column.name] = generated(column, i, choices.get(column.name))
    return values


def _resolve(value: Any, inserted: Rows) -> Any:
    """Return `value`, or the inserted value a Ref points at."""
    if isinstance(value, Ref):
        return inserted[value.table][value.index][value.column]
    return value


def _allowed(table: sa.Table, row: Mapping[str, Any]) -> bool:
    """Tell whether the schema's check constraints accept the given coded values of `row`."""
    return all(
        row[name] is None or row[name] in values
        for name, values in allowed_values(table).items()
        if name in row
    )


def fill(connection: sa.Connection, tables: Sequence[sa.Table], given: Rows) -> int:
    """Insert rows in every table (the given ones, else ROWS generated); return how many were not.

    Given rows with a coded value the schema does not allow yet (e.g. a reminder kind added by a
    later migration) are left out.
    """
    inserted: Rows = {}
    left_out = 0
    for table in tables:
        rows = given.get(table.name, [{}] * ROWS)
        wanted = [row for row in rows if _allowed(table, row)]
        left_out += len(rows) - len(wanted)
        inserted[table.name] = []
        for i, partial in enumerate(wanted):
            values = _row(table, i, partial, inserted)
            result = connection.execute(table.insert().values(values))
            keys = result.inserted_primary_key or ()
            key_values = dict(zip(table.primary_key.columns.keys(), keys, strict=True))
            inserted[table.name].append(values | key_values)
    return left_out


# -- Comparing before and after -----------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Every row of every table, by table name: the key columns, the columns, the rows' values."""

    keys: dict[str, list[str]]
    columns: dict[str, list[str]]
    rows: dict[str, list[dict[str, Any]]]


def snapshot(engine: sa.Engine) -> Snapshot:
    """Read every row of every table (values through the reflected column types)."""
    tables = _reflect(engine)
    with engine.connect() as connection:
        rows = {
            t.name: [dict(r._mapping) for r in connection.execute(sa.select(t))] for t in tables
        }
    keys = {t.name: t.primary_key.columns.keys() for t in tables}
    return Snapshot(keys, {t.name: t.c.keys() for t in tables}, rows)


def _by_key(rows: list[dict[str, Any]], key: list[str], columns: list[str]) -> dict[Any, Any]:
    """Index `rows` by their key columns (their sorted position without a key), keep `columns`."""
    kept = [{name: row[name] for name in columns} for row in rows]
    if not key:
        return dict(enumerate(sorted(kept, key=repr)))
    return {tuple(row[name] for name in key): row for row in kept}


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """List what the upgrade lost or changed in the tables and columns it kept."""
    found = []
    for table, old_rows in before.rows.items():
        if table not in after.rows:
            continue  # dropped by the migration on purpose
        new_rows = after.rows[table]
        if len(new_rows) != len(old_rows):
            found.append(f"{table}: {len(old_rows)} rows before, {len(new_rows)} after")
        columns = [name for name in before.columns[table] if name in after.columns[table]]
        key = before.keys[table] if set(before.keys[table]) <= set(columns) else []
        old, new = _by_key(old_rows, key, columns), _by_key(new_rows, key, columns)
        for row_key, old_row in old.items():
            new_row = new.get(row_key)
            changed = [c for c in columns if new_row is None or new_row[c] != old_row[c]]
            if changed:
                found.append(f"{table} {row_key}: {old_row} became {new_row} ({changed})")
    return found


def _counts(state: Snapshot) -> tuple[int, int, int]:
    """Return the number of tables, rows and values in `state`."""
    rows = [row for table_rows in state.rows.values() for row in table_rows]
    return len(state.rows), len(rows), sum(len(row) for row in rows)


def _upgrade_keeps(url: str, start: Sequence[str], target: str, given: Rows) -> Snapshot:
    """Fill a database at `start`, upgrade it to `target`, check nothing was lost; return after."""
    _upgrade(url, *start)
    with _engine(url) as engine:
        with engine.begin() as connection:
            left_out = fill(connection, _reflect(engine), given)
        before = snapshot(engine)
    assert all(len(rows) >= 3 for rows in before.rows.values()), before.rows

    _upgrade(url, target)

    with _engine(url) as engine:
        after = snapshot(engine)
    lost = differences(before, after)
    assert not lost, "\n".join(lost)
    tables, rows, values = _counts(before)
    step = f"{url.split(':')[0]} {'+'.join(start)} -> {target}"
    print(f"\n{step}: {tables} tables, {rows} rows, {values} values kept", end="")
    print(f"; {len(after.rows) - tables} new tables; {left_out} given rows left out")
    return after


@pytest.mark.parametrize("step", migration_steps(), ids=lambda step: step.name)
def test_each_migration_keeps_every_row_and_value(database_url: str, step: Step) -> None:
    """Upgrading over one migration keeps every row and value of generated data in each table."""
    _upgrade_keeps(database_url, step.down, step.up, {})


def test_the_comparison_notices_a_lost_row_and_a_changed_value(sqlite_url: str) -> None:
    """The check really compares: a deleted row and a changed value are both reported."""
    _upgrade(sqlite_url, "head")
    with _engine(sqlite_url) as engine:
        with engine.begin() as connection:
            fill(connection, _reflect(engine), {})
        before = snapshot(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM completed_steps WHERE rule_id LIKE '0%'"))
            connection.execute(sa.text("UPDATE persons SET chat_id = 5 WHERE chat_id = 1"))
        after = snapshot(engine)

    found = differences(before, after)

    assert len(found) == 3, found  # the count, the missing row, the changed value
    assert f"completed_steps: {ROWS} rows before, {ROWS - 1} after" in found
    assert any(line.startswith("completed_steps (") and "became None" in line for line in found)
    assert any(line.startswith("persons (") and line.endswith("(['chat_id'])") for line in found)


# -- The previous release's head, with a realistic dataset ---------------------------------------


def _at(days: float, hours: float = 0) -> datetime:
    """Return an aware UTC moment `days` and `hours` after 20 November 2026, 08:00 UTC."""
    return datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(days=days, hours=hours)


def _person(chat_id: int, language: str | None, stage: str | None, **more: Any) -> dict[str, Any]:
    """Return a person row: a chat id, a few coded answers, bookkeeping moments."""
    return {"chat_id": chat_id, "language": language, "stage": stage, "active": True} | {
        "department": "93", "procedure": "normal", "consented_at": _at(-30),
        "created_at": _at(-30), "updated_at": _at(-2, 3.5), **more,
    }  # fmt: skip


DUE = datetime(2026, 12, 11, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Paris


def _reminder(person: int, rule: str, kind: str, status: str, **more: Any) -> dict[str, Any]:
    """Return a reminder row about `rule` for person row `person`."""
    return {
        "person_id": Ref("persons", person), "rule_id": rule, "kind": kind, "status": status,
        "due_at": DUE, "remind_at": _at(18), "attempts": 0, "created_at": _at(-1),
    } | more  # fmt: skip


TEXTS_JSON = json.dumps(
    {"ar": "<b>تذكير</b>: موعد أوفبرا", "fa": "یادآوری: مهلت اوفپرا", "fr": "Rappel : délai"},
    ensure_ascii=False,
)
REALISTIC: Rows = {
    "persons": [
        _person(7_000_000_001, "ar", "certificate_received"),
        _person(2**63 - 1, "fa_AF", "decision_received", department="2A", procedure="dublin"),
        _person(5_123_456_789, "ps", "cnda_appeal", active=False),
        _person(1, None, None, department=None, procedure=None, consented_at=None),
        _person(8_765_432_109, "fr", "protected", department="976"),
    ],
    "key_dates": [
        {"person_id": Ref("persons", 0), "event": "certificate_issued",
         "occurred_on": date(2026, 3, 2), "estimated": False,
         "created_at": _at(-30), "updated_at": _at(-30)},
        {"person_id": Ref("persons", 1), "event": "ofpra_decision",
         "occurred_on": date(2026, 6, 4), "outcome": "rejected", "received": "online",
         "opened_on": date(2026, 6, 10), "decided_on": date(2026, 6, 1), "estimated": False,
         "created_at": _at(-20), "updated_at": _at(-3)},
        {"person_id": Ref("persons", 1), "event": "ofpra_interview",
         "occurred_on": date(2026, 5, 12), "occurred_at": time(9, 30), "estimated": True,
         "created_at": _at(-20), "updated_at": _at(-20)},
        {"person_id": Ref("persons", 4), "event": "permit_expires",
         "occurred_on": date(2027, 5, 31), "permit": "resident", "estimated": False,
         "created_at": _at(-5), "updated_at": _at(-5)},
    ],
    "reminders": [
        _reminder(0, "ofpra_filing_21_days", "lead", "pending"),
        _reminder(0, "ofpra_filing_21_days", "lead", "sent", remind_at=_at(-3), sent_at=_at(-3)),
        _reminder(1, "cnda_appeal_one_month", "lead", "sent", sent_at=_at(18, 0.01)),
        _reminder(1, "cnda_appeal_one_month", "missed", "failed", remind_at=_at(22), attempts=5,
                  last_error="forbidden"),
        _reminder(1, "cnda_appeal_one_month", "snooze", "claimed", remind_at=_at(19),
                  lease_until=_at(19, 0.08)),
        # To the association's staff, at the same moment as the lead reminder: the reason the
        # kind joined the unique key. Left out at revisions without the 'alert' kind.
        _reminder(1, "cnda_appeal_one_month", "alert", "pending"),
        _reminder(2, "cnda_legal_aid_15_days", "lead", "cancelled"),
    ],
    "dialogs": [
        {"person_id": Ref("persons", 0), "step": "q", "updated_at": _at(-2),
         "draft": json.dumps({"flow": "add", "answers": {"ofpra_decision": "2026-06-04"}})},
        {"person_id": Ref("persons", 3), "step": "stage", "draft": "{}", "updated_at": _at(0)},
        {"person_id": Ref("persons", 4), "step": "department", "draft": "{}",
         "updated_at": _at(-1)},
    ],
    "completed_steps": [
        {"person_id": Ref("persons", p), "rule_id": rule, "completed_at": _at(-p)}
        for p, rule in ((0, "ofpra_filing_21_days"), (1, "ofpra_completion_8_days"),
                        (1, "attestation_renewal"))
    ],
    "associations": [
        {"name": "La Cimade – Île-de-France", "follow_token": "cimade93", "created_at": _at(-60)},
        {"name": "جمعية المساعدة القانونية", "follow_token": "x7Kq_2", "created_at": _at(-40)},
        {"name": "انجمن پناهندگان", "follow_token": "fa" * 16, "created_at": _at(-10)},
    ],
    "staff": [
        {"association_id": Ref("associations", a), "user_id": user, "role": role,
         "language": language, "created_at": _at(-9)}
        for a, user, role, language in ((0, 7_000_000_002, "admin", "fr"),
                                        (0, 7_000_000_003, "staff", "ar"),
                                        (1, 7_000_000_002, "admin", None))
    ],
    "invites": [
        {"association_id": Ref("associations", a), "role": role, "token_hash": f"{n:064x}",
         "expires_at": _at(7), "used_at": used, "created_by": by, "created_at": _at(-1)}
        for n, (a, role, used, by) in enumerate(((0, "staff", None, 7_000_000_002),
                                                 (0, "admin", _at(-0.5), None),
                                                 (2, "staff", None, None)))
    ],
    "follows": [
        {"person_id": Ref("persons", p), "association_id": Ref("associations", a),
         "created_at": _at(-8), "shared_at": shared}
        for p, a, shared in ((0, 0, _at(-7)), (1, 0, None), (1, 1, _at(-1)), (4, 2, None))
    ],
    "broadcasts": [
        {"association_id": association, "author_id": 7_000_000_002, "status": status,
         "waiting_for": waiting, "default_language": "fr", "texts": TEXTS_JSON,
         "audience": json.dumps({"languages": ["ar", "fa_AF"], "departments": ["93"]}),
         "send_at": send_at, "created_at": _at(-2), "finished_at": finished,
         "progress_chat_id": 7_000_000_002, "progress_message_id": 2**31 - 1}
        for association, status, waiting, send_at, finished in (
            (Ref("associations", 0), "done", None, _at(-1), _at(-1, 0.2)),
            (Ref("associations", 0), "draft", "version:ar", None, None),
            (Ref("associations", 1), "scheduled", None, _at(1), None),
            (None, "sending", None, _at(0), None),  # the operator's
            (Ref("associations", 2), "cancelled", None, _at(2), _at(0)),
        )
    ],
    "deliveries": [
        {"broadcast_id": Ref("broadcasts", b), "person_id": Ref("persons", p), "status": status,
         "send_at": _at(-1), "attempts": attempts, "sent_at": sent, "last_error": error}
        for b, p, status, attempts, sent, error in (
            (0, 0, "sent", 1, _at(-1, 0.1), None), (0, 1, "blocked", 1, None, "forbidden"),
            (0, 2, "skipped", 0, None, None), (3, 0, "pending", 0, None, None),
            (3, 4, "claimed", 2, None, "timeout"),
        )
    ],
    "audit_log": [
        {"at": _at(-9), "actor_id": None, "association_id": Ref("associations", 0),
         "action": "create_association", "details": "{}"},
        {"at": _at(-8), "actor_id": 7_000_000_002, "association_id": Ref("associations", 0),
         "action": "invite", "details": json.dumps({"role": "staff"})},
        {"at": _at(-1), "actor_id": 7_000_000_002, "association_id": Ref("associations", 0),
         "action": "broadcast", "details": json.dumps({"recipients": 3, "languages": 2})},
        {"at": _at(0), "actor_id": None, "association_id": None,
         "action": "cancel_broadcast", "details": json.dumps({"reason": "قديم"})},
    ],
}  # fmt: skip


def test_previous_release_to_head_keeps_a_realistic_dataset(database_url: str) -> None:
    """From the previous release's head to head, a realistic dataset is kept whole.

    Then every table of the bot's current models reads back through the models' own column types
    (aware UTC datetimes) with the same number of rows.
    """
    script = _script()
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str), f"head {head} has no single previous revision"

    after = _upgrade_keeps(database_url, [previous], head, REALISTIC)

    with _engine(database_url) as engine, engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            read = connection.execute(sa.select(table)).all()
            assert len(read) == len(after.rows[table.name]), table.name
            moments = [v for row in read for v in row if isinstance(v, datetime)]
            assert all(moment.tzinfo is UTC for moment in moments), table.name
    print(f"  realistic: {', '.join(f'{t} {len(r)}' for t, r in after.rows.items())}")
