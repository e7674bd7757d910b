"""The operator's counts: people, reminders, associations and broadcasts (no personal data)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def collect_stats(connection: sa.Connection) -> dict[str, Any]:
    """Return the aggregates, as JSON-ready data."""

    def grouped(sql: str) -> dict[str, int]:
        return {str(key): int(count) for key, count in connection.execute(sa.text(sql))}

    def scalar(sql: str) -> int:
        return int(connection.execute(sa.text(sql)).scalar_one())

    return {
        "people": {
            "total": scalar("SELECT count(*) FROM persons"),
            "reminders_paused": scalar("SELECT count(*) FROM persons WHERE NOT active"),
            "inactivity_notice_sent": scalar(
                "SELECT count(*) FROM persons WHERE inactivity_notice_at IS NOT NULL"
            ),
            "by_language": grouped(
                "SELECT COALESCE(language, '-'), count(*) FROM persons GROUP BY 1 ORDER BY 1"
            ),
            "by_stage": grouped(
                "SELECT COALESCE(stage, '-'), count(*) FROM persons GROUP BY 1 ORDER BY 1"
            ),
        },
        "reminders": {
            "by_status": grouped("SELECT status, count(*) FROM reminders GROUP BY 1 ORDER BY 1"),
            "by_kind": grouped("SELECT kind, count(*) FROM reminders GROUP BY 1 ORDER BY 1"),
            "overdue_pending": scalar(
                "SELECT count(*) FROM reminders WHERE status IN ('pending', 'claimed') "
                "AND remind_at < CURRENT_TIMESTAMP"
            ),
        },
        "associations": {
            "total": scalar("SELECT count(*) FROM associations"),
            "staff": scalar("SELECT count(*) FROM staff"),
            "follows": scalar("SELECT count(*) FROM follows"),
        },
        "broadcasts": {
            "by_status": grouped("SELECT status, count(*) FROM broadcasts GROUP BY 1 ORDER BY 1"),
            "deliveries_by_status": grouped(
                "SELECT status, count(*) FROM deliveries GROUP BY 1 ORDER BY 1"
            ),
        },
    }
