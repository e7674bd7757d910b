"""Errors answered the way Telegram answers them: an HTTP status and a JSON description."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed Bot API call: `{"ok": false, "error_code": status, "description": ...}`."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        injected: bool = False,
        html_body: bool = False,
    ) -> None:
        """Describe the failure; `injected` marks faults a test asked for on purpose."""
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.injected = injected
        self.html_body = html_body

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 with Telegram's "Bad Request: ..." prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 with Telegram's "Forbidden: ..." prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int, *, injected: bool = False) -> ApiError:
    """Return a 429 carrying `parameters.retry_after`, as Telegram's flood control does."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
        injected=injected,
    )


def conflict(detail: str) -> ApiError:
    """Return a 409 with Telegram's "Conflict: ..." prefix."""
    return ApiError(409, f"Conflict: {detail}")
