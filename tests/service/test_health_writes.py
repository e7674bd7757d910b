"""/healthz fails when the database can no longer take writes (read-only, disk full)."""

from __future__ import annotations

from pathlib import Path

from bot.db.engine import create_async_engine
from bot.db.migrate import upgrade_to_head
from bot.health import HealthCheck, Liveness


async def _report(url: str) -> tuple[bool, dict[str, object]]:
    engine = create_async_engine(url)
    try:
        check = HealthCheck(engine, Liveness(), 60.0, receiving=lambda: True)
        return await check.report()
    finally:
        await engine.dispose()


async def test_a_database_that_takes_writes_is_healthy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_to_head(url)
    healthy, details = await _report(url)
    assert healthy and details["database"] == "ok"


async def test_a_read_only_database_is_unhealthy(tmp_path: Path) -> None:
    """Opened read-only (as after a remount, or a file the bot may no longer write), the
    database still answers reads: the health check must say it is not working."""
    path = tmp_path / "bot.sqlite3"
    upgrade_to_head(f"sqlite:///{path}")
    healthy, details = await _report(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert not healthy
    assert details["status"] == "unhealthy"
    assert str(details["database"]).startswith("error: OperationalError")
