"""The HTTP protocol itself, with a raw HTTP client: tokens, routes, bodies, validation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.conftest import CHAT_ID


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """Return a plain HTTP client."""
    async with httpx.AsyncClient() as client:
        yield client


async def post(http: httpx.AsyncClient, server: FakeTelegram, method: str, **kw: Any) -> Any:
    """POST to a method and return (status, JSON body)."""
    response = await http.post(f"{server.base_url}{server.token}/{method}", **kw)
    return response.status_code, response.json()


async def test_tokens_and_unknown_methods(server: FakeTelegram, http: httpx.AsyncClient) -> None:
    """A wrong token is 401, a malformed one or an unknown method 404, all in Telegram's JSON."""
    wrong = await http.get(f"{server.base_url}987:WRONG/getMe")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (await http.get(f"{server.base_url}nonsense/getMe")).status_code == 404
    status, body = await post(http, server, "sendMesage")
    assert (status, body["description"]) == (404, "Not Found")
    assert server.protocol_errors[-1].method == "sendMesage"


async def test_method_names_are_case_insensitive_and_get_works(
    server: FakeTelegram, http: httpx.AsyncClient
) -> None:
    """GET /bot<token>/GETME answers like getMe."""
    response = await http.get(f"{server.base_url}{server.token}/GETME")
    assert response.json()["result"]["username"] == "asile_rappels_test_bot"
    assert server.requests[-1].method == "getMe"


async def test_json_body_and_query_string(
    server: FakeTelegram, http: httpx.AsyncClient, user: FakeUser
) -> None:
    """Parameters may come as a JSON body (native types) or in the query string."""
    status, body = await post(
        http,
        server,
        "sendMessage",
        json={
            "chat_id": CHAT_ID,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    )
    assert status == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    status, body = await post(http, server, f"sendMessage?chat_id={CHAT_ID}&text=query")
    assert (status, body["result"]["text"]) == (200, "query")


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": CHAT_ID}, "Bad Request: message text is empty"),
        ("sendMessage", {"chat_id": CHAT_ID, "text": ""}, "Bad Request: message text is empty"),
        (
            "deleteMessage",
            {"chat_id": CHAT_ID, "message_id": "one"},
            'Bad Request: field "message_id" must be of type Integer',
        ),
        (
            "sendMessage",
            {"chat_id": CHAT_ID, "text": "x", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            "sendMessage",
            {
                "chat_id": CHAT_ID,
                "text": "x",
                "reply_markup": json.dumps({"inline_keyboard": [[{"callback_data": "a"}]]}),
            },
            "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
        ),
        (
            "sendMessage",
            {
                "chat_id": CHAT_ID,
                "text": "x",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "a", "callback_data": 5}]]}
                ),
            },
            "Bad Request: can't parse inline keyboard button: "
            'Field "callback_data" must be of type String',
        ),
        (
            "sendMessage",
            {
                "chat_id": CHAT_ID,
                "text": "x",
                "reply_markup": json.dumps(
                    {
                        "inline_keyboard": [
                            [{"text": "a", "callback_data": "a", "url": "https://x.org"}]
                        ]
                    }
                ),
            },
            "Bad Request: can't parse inline keyboard button: exactly one of the fields "
            "callback_data, url must be used",
        ),
        (
            "sendMessage",
            {"chat_id": CHAT_ID, "text": "x", "parse_mode": "html5"},
            "Bad Request: unsupported parse_mode html5",
        ),
        (
            "sendMessage",
            {"chat_id": CHAT_ID, "text": "x", "reply_parameters": '{"message_id": 9}'},
            "Bad Request: message to be replied not found",
        ),
        (
            "setMyCommands",
            {"commands": '[{"command": "Start", "description": "go"}]'},
            "Bad Request: BOT_COMMAND_INVALID",
        ),
        (
            "setMyCommands",
            {"commands": '[{"command": "start", "description": ""}]'},
            "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        ),
        (
            "setMyCommands",
            {"commands": "[]", "scope": '{"type": "everyone"}'},
            'Bad Request: can\'t parse BotCommandScope: unsupported type "everyone"',
        ),
        (
            "setMyCommands",
            {"commands": "[]", "language_code": "fa_AF"},
            "Bad Request: invalid language code specified",
        ),
        (
            "sendChatAction",
            {"chat_id": CHAT_ID, "action": "dancing"},
            "Bad Request: wrong parameter action in request",
        ),
        (
            "getFile",
            {"file_id": "nope"},
            "Bad Request: wrong file_id or the file is temporarily unavailable",
        ),
    ],
)
async def test_bad_requests_use_telegrams_words(
    server: FakeTelegram,
    http: httpx.AsyncClient,
    user: FakeUser,
    method: str,
    params: dict[str, Any],
    description: str,
) -> None:
    """Each malformed call is a 400 with Telegram's description, recorded as a protocol error."""
    status, body = await post(http, server, method, data=params)
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})
    assert [e.description for e in server.protocol_errors] == [description]


async def test_lenient_mode_ignores_unknown_parameters(http: httpx.AsyncClient) -> None:
    """With strict=False, unknown parameters are ignored like Telegram does."""
    async with FakeTelegram(strict=False) as server:
        server.user(CHAT_ID)
        status, _ = await post(
            http, server, "sendMessage", data={"chat_id": CHAT_ID, "text": "x", "txt": "y"}
        )
    assert status == 200


async def test_files_sent_by_people_can_be_downloaded(
    server: FakeTelegram, http: httpx.AsyncClient, user: FakeUser
) -> None:
    """getFile gives a file_path served under base_file_url, like Telegram."""
    sent = await user.send_document("titre.pdf", b"%PDF-1.4 data", "application/pdf")
    status, body = await post(
        http, server, "getFile", data={"file_id": sent.media["document"]["file_id"]}
    )
    assert status == 200
    download = await http.get(f"{server.base_file_url}{server.token}/{body['result']['file_path']}")
    assert download.content == b"%PDF-1.4 data"
