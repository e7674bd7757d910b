"""`python -m bot stats` and `python -m bot backup`: counts without people, a consistent copy."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.db.migrate import upgrade_to_head

CHATS = (611_000_001, 611_000_002, 611_000_003)


def populate(url: str) -> None:
    """Three people (two languages, two stages), reminders in several states, a broadcast."""
    upgrade_to_head(url)
    engine = sa.create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for chat_id, language, stage in zip(
            CHATS, ("ar", "ar", "fr"), ("file_sent", "interview", "file_sent"), strict=True
        ):
            person = connection.execute(
                sa.text(
                    "INSERT INTO persons (chat_id, language, department, stage, active, "
                    "created_at, updated_at, last_seen_at) VALUES (:c, :l, '93', :s, true, "
                    ":t, :t, :t) RETURNING id"
                ),
                {"c": chat_id, "l": language, "s": stage, "t": now},
            ).scalar_one()
            for status, offset in (("pending", -1), ("pending", 5), ("sent", -9), ("failed", -8)):
                connection.execute(
                    sa.text(
                        "INSERT INTO reminders (person_id, rule_id, due_at, remind_at, kind, "
                        "status, attempts, created_at) VALUES (:p, 'ofpra_filing_21_days', "
                        ":d, :r, 'lead', :s, 0, :t)"
                    ),
                    {
                        "p": person,
                        "d": now + timedelta(days=offset + 1),
                        "r": now + timedelta(days=offset),
                        "s": status,
                        "t": now,
                    },
                )
        connection.execute(
            sa.text(
                "INSERT INTO broadcasts (author_id, status, default_language, texts, audience, "
                "created_at) VALUES (9001, 'done', 'fr', '{}', '{}', :t)"
            ),
            {"t": now},
        )
    engine.dispose()


def test_stats_counts_without_any_personal_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """People per language and stage, reminders per status (overdue ones too), broadcasts."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    populate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    assert main(["stats", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert report["people"]["total"] == 3
    assert report["people"]["by_language"] == {"ar": 2, "fr": 1}
    assert report["people"]["by_stage"] == {"file_sent": 2, "interview": 1}
    assert report["reminders"]["by_status"] == {"failed": 3, "pending": 6, "sent": 3}
    assert report["reminders"]["overdue_pending"] == 3
    assert report["broadcasts"]["by_status"] == {"done": 1}
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    assert "by language: ar 2, fr 1" in text
    for chat_id in (*CHATS, 9001):
        assert str(chat_id) not in out + text


def test_backup_copies_a_live_database_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The copy passes its integrity check, holds every row, is private to the operator, and
    restores by copying it back (the documented procedure): the bot then reads the same rows."""
    database = tmp_path / "bot.sqlite3"
    url = f"sqlite:///{database}"
    populate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    writer = sqlite3.connect(database)  # a live writer with uncommitted work does not block it
    writer.execute("BEGIN")
    writer.execute("UPDATE persons SET department = '75'")
    target = tmp_path / "backups" / "bot-copy.sqlite3"

    assert main(["backup", str(target)]) == 0
    writer.rollback()
    writer.close()
    assert "3 people" in capsys.readouterr().out
    assert target.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM reminders").fetchone()[0] == 12
        assert copy.execute("SELECT DISTINCT department FROM persons").fetchall() == [("93",)]
    assert main(["backup", str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["backup", str(target), "--force"]) == 0
    capsys.readouterr()

    database.unlink()
    target.replace(database)  # restore: stop the bot, put the copy in place, start it
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["people"]["total"] == 3


def test_backup_on_postgresql_explains_pg_dump_without_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No file is written; the advice names pg_dump and pg_restore and hides the password."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s3cr3t-pass@db.internal:5432/bot")
    monkeypatch.chdir(tmp_path)
    assert main(["backup", str(tmp_path / "x.dump")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump --format=custom" in err and "pg_restore" in err
    assert "s3cr3t-pass" not in err and "***" in err
    assert not (tmp_path / "x.dump").exists()
