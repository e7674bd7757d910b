"""HTTP in and out: read a call's parameters (query, JSON, form, multipart), write answers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from fake_telegram.errors import ApiError, bad_request
from fake_telegram.faults import NGINX_502
from fake_telegram.validate import Upload

MAX_REQUEST_BYTES = 50 * 1024 * 1024 + 1024 * 1024  # Telegram's 50 MB upload, plus the fields


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Collect parameters from the query string and the body, and the uploaded files."""
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.can_read_body:
        return params, uploads
    content_type = request.content_type
    if content_type == "application/json":
        params.update(await _json_body(request))
    elif content_type == "multipart/form-data":
        await _multipart(request, params, uploads)
    elif content_type == "application/x-www-form-urlencoded":
        params.update((await request.post()).items())
    return params, uploads


async def _json_body(request: web.Request) -> dict[str, Any]:
    """Read a JSON body, which must be an object."""
    try:
        body = json.loads(await request.text() or "{}")
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("can't parse JSON object")
    return body


async def _multipart(
    request: web.Request, params: dict[str, Any], uploads: dict[str, Upload]
) -> None:
    """Read multipart parts: those with a filename are files, the others plain fields."""
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = await part.read()
            content_type = part.headers.get("Content-Type")
            uploads[part.name] = Upload(part.name, part.filename, content_type, bytes(data))
        else:
            params[part.name] = await part.text()


def ok(result: Any) -> web.Response:
    """Answer `{"ok": true, "result": ...}`."""
    return web.json_response({"ok": True, "result": result})


def error(exc: ApiError) -> web.Response:
    """Answer an error as Telegram does (JSON, or nginx's HTML page for a bare 502)."""
    if exc.html_body:
        return web.Response(status=exc.status, text=NGINX_502, content_type="text/html")
    return web.json_response(exc.payload(), status=exc.status)
