"""GET /healthz of a running bot: the database takes writes, the dispatcher runs, updates come in.

Served on HEALTH_LISTEN:HEALTH_PORT by `python -m bot run` (polling or webhook), for the Docker
HEALTHCHECK (`python -m bot health`) and a load balancer's active checks. It reports states and
ages, never anything about a person.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.app_state import prove_writable

log = logging.getLogger(__name__)
DATABASE_TIMEOUT = 5.0


@dataclass
class Liveness:
    """What the running bot tells the health endpoint: when the dispatcher last finished a run."""

    started: float = field(default_factory=time.monotonic)
    last_dispatch: float | None = None

    def dispatched(self) -> None:
        """Record a finished dispatcher run."""
        self.last_dispatch = time.monotonic()

    def dispatch_age(self) -> float:
        """Return seconds since the last finished run (since start, before the first one)."""
        return time.monotonic() - (self.last_dispatch or self.started)


@dataclass
class HealthCheck:
    """The checks behind /healthz."""

    engine: AsyncEngine
    liveness: Liveness
    dispatch_interval: float
    receiving: Callable[[], bool]  # is the updater polling or serving the webhook?

    @property
    def dispatch_limit(self) -> float:
        """Return how late the dispatcher may be before the bot counts as stuck."""
        return max(3 * self.dispatch_interval, 120.0)

    async def report(self) -> tuple[bool, dict[str, object]]:
        """Return (healthy, details)."""
        database = await self._database()
        age = self.liveness.dispatch_age()
        receiving = bool(self.receiving())
        healthy = database == "ok" and age <= self.dispatch_limit and receiving
        details: dict[str, object] = {
            "status": "ok" if healthy else "unhealthy",
            "database": database,
            "dispatcher_seconds_since_run": round(age, 1),
            "dispatcher_limit_seconds": self.dispatch_limit,
            "receiving_updates": receiving,
        }
        return healthy, details

    async def _database(self) -> str:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                await prove_writable(self.engine)
        except TimeoutError:
            return "timeout"
        except Exception as error:  # noqa: BLE001 - any failure is a state to report
            return f"error: {type(error).__name__}"
        return "ok"


class HealthServer:
    """A tiny aiohttp server answering GET /healthz with 200 or 503 and a JSON body."""

    def __init__(self, check: HealthCheck, listen: str, port: int) -> None:
        """Prepare; nothing listens until `start()`."""
        self.check, self.listen, self.port = check, listen, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on listen:port."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("health endpoint on %s:%s/healthz", self.listen, self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, details = await self.check.report()
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(details),
            content_type="application/json",
        )
