"""Faults a test asks for: make the next calls of a method fail, or answer late."""

from __future__ import annotations

from dataclasses import dataclass

from fake_telegram.errors import ApiError, too_many_requests

_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# Telegram's 502 comes from its nginx front, as an HTML page rather than JSON.
NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class _Failure:
    """Fail the next `times` calls of `method` (optionally only for one chat)."""

    method: str
    status: int
    retry_after: int | None
    description: str | None
    times: int
    chat_id: int | str | None


@dataclass
class _Delay:
    """Hold the next `times` calls of `method` for `seconds` before handling them."""

    method: str
    seconds: float
    times: int


class Faults:
    """The pending injected failures and delays, consumed call by call."""

    def __init__(self) -> None:
        """Start with none."""
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []

    def fail(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None,
        description: str | None,
        times: int,
        chat_id: int | str | None,
    ) -> None:
        """Queue a failure; `method` "*" matches every method."""
        self._failures.append(
            _Failure(method.lower(), status, retry_after, description, times, chat_id)
        )

    def delay(self, method: str, seconds: float, times: int) -> None:
        """Queue a delay; `method` "*" matches every method."""
        self._delays.append(_Delay(method.lower(), seconds, times))

    def take_delay(self, method: str) -> float:
        """Consume and return the delay for this call (0 when none)."""
        for delay in self._delays:
            if delay.method in ("*", method.lower()) and delay.times > 0:
                delay.times -= 1
                return delay.seconds
        return 0.0

    def take_failure(self, method: str, chat_id: object) -> ApiError | None:
        """Consume and return the failure for this call, if one matches."""
        for failure in self._failures:
            if failure.times <= 0 or failure.method not in ("*", method.lower()):
                continue
            if failure.chat_id is not None and str(failure.chat_id) != str(chat_id):
                continue
            failure.times -= 1
            return _error(failure)
        return None


def _error(failure: _Failure) -> ApiError:
    """Build the error answered for an injected failure."""
    if failure.status == 429:
        error = too_many_requests(failure.retry_after or 1, injected=True)
        if failure.description:
            error.description = failure.description
        return error
    description = failure.description or _DESCRIPTIONS.get(failure.status, "Injected fault")
    html_body = failure.status == 502 and failure.description is None
    return ApiError(
        failure.status,
        description,
        retry_after=failure.retry_after,
        injected=True,
        html_body=html_body,
    )
