"""How the bot talks HTTP to the Bot API: a PTB request class over aiohttp's client.

PTB ships an HTTPX request class and documents `BaseRequest` for others. Measured in
`bench/dispatch_costs.py`, aiohttp costs the bot about a third of HTTPX's CPU per message, which is
what lets one dispatcher send far more than Telegram's 30 messages per second. Bodies go as JSON
(Telegram accepts it; it is cheaper than URL-encoding a 1 kB text); uploads go as multipart.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A keep-alive connection pool to the Bot API, with PTB's timeouts and errors."""

    def __init__(
        self,
        connections: int = 64,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connections
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout in seconds (PTB adds it to long-polling timeouts)."""
        return self._read

    async def initialize(self) -> None:
        """Open the connection pool."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return (HTTP status, body). Timeouts raise TimedOut."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = bool(request_data and request_data.contains_files)
        write = _given(write_timeout, self._media_write if files else self._write)
        read = _given(read_timeout, self._read)
        waiting = [_given(pool_timeout, self._pool), _given(connect_timeout, self._connect)]
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a free connection and connecting.
            connect=None if None in waiting else sum(w for w in waiting if w is not None),
            sock_read=_longest(read, write),
        )
        try:
            async with self._session.request(
                method, url, timeout=timeout, **_body(request_data)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp: {type(error).__name__}") from error


def _body(request_data: RequestData | None) -> dict[str, Any]:
    """Return aiohttp's arguments for the parameters: JSON, or multipart with the files."""
    if request_data is None:
        return {}
    if not request_data.contains_files:
        return {"data": request_data.json_payload, "headers": JSON_HEADERS}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, *rest = upload
        form.add_field(name, content, filename=filename, content_type=rest[0] if rest else None)
    return {"data": form}


def _given(value: Any, default: float | None) -> float | None:
    """Resolve PTB's DEFAULT_NONE to our default."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


def _longest(*values: float | None) -> float | None:
    """Return the longest of some timeouts, None (no limit) if any is None."""
    return None if None in values else max(v for v in values if v is not None)
