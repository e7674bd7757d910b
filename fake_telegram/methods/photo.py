"""sendPhoto: a picture (PNG or JPEG upload, or the file_id of one sent before)."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import writable_chat
from fake_telegram.methods.files import file_message, sent_file, upload_or_known
from fake_telegram.objects import message_json
from fake_telegram.state import State, StoredFile
from fake_telegram.validate import Upload

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

MAX_PHOTO = 10 * 1024 * 1024  # Telegram's limit for photos
PNG = b"\x89PNG\r\n\x1a\n"


def picture_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) of a PNG or JPEG, or raise 400 when it is neither."""
    if data.startswith(PNG) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8\xff"):
        return 0, 0  # a JPEG: its size is in a frame header; not needed here
    raise bad_request("IMAGE_PROCESS_FAILED")


async def send_photo(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Post a photo; the message carries it in two sizes, as Telegram's do."""
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    stored, (width, height) = _photo_source(state, p["photo"])
    message = file_message(state, chat, p)
    size = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    message.media["photo"] = [
        {**size, "width": max(1, width // 4), "height": max(1, height // 4)},
        {**size, "width": width, "height": height, "file_size": len(stored.data or b"")},
    ]
    state.photos.append(sent_file(message, stored, stored.mime_type))
    return message_json(state, message)


def _photo_source(state: State, photo: Upload | str) -> tuple[StoredFile, tuple[int, int]]:
    stored, _ = upload_or_known(state, photo, "photo", MAX_PHOTO)
    return stored, picture_size(stored.data or b"")


HANDLERS = {"sendPhoto": send_photo}
