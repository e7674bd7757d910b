"""sendVoice: an OGG/Opus voice note, checked as Telegram's clients need it."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import ApiError, bad_request
from fake_telegram.methods.common import writable_chat
from fake_telegram.methods.files import MAX_UPLOAD, file_message, sent_file, upload_or_known
from fake_telegram.objects import message_json
from fake_telegram.state import State, StoredFile
from fake_telegram.validate import Upload

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

OPUS_RATE = 48_000  # Opus granule positions count 48 kHz samples


def ogg_opus_duration(data: bytes) -> int:
    """Return the seconds of an OGG/Opus file, or raise 400 when it is not one.

    The first page must be an OGG page (capture pattern "OggS", version 0, beginning of stream)
    whose packet is an Opus identification header ("OpusHead"); the duration is the last page's
    granule position, less the header's pre-skip.
    """
    if len(data) < 47 or data[:4] != b"OggS" or data[4] != 0 or not data[5] & 0x02:
        raise bad_request("wrong file type: a voice note must be an OGG file")
    segments = data[26]
    head = 27 + segments
    if data[head : head + 8] != b"OpusHead":
        raise bad_request("wrong file type: a voice note must be encoded with Opus")
    pre_skip = int(struct.unpack_from("<H", data, head + 10)[0])
    last = data.rfind(b"OggS")
    granule = int(struct.unpack_from("<q", data, last + 6)[0])
    return max(0, round((granule - pre_skip) / OPUS_RATE))


async def send_voice(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Post a voice note: an uploaded OGG/Opus file or the file_id of one sent before."""
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    stored, duration = _voice_source(state, p["voice"])
    message = file_message(state, chat, p)
    message.media["voice"] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": len(stored.data or b""),
    }
    state.voices.append(sent_file(message, stored, "audio/ogg"))
    return message_json(state, message)


def _voice_source(state: State, voice: Upload | str) -> tuple[StoredFile, int]:
    """Resolve `voice` to a stored OGG/Opus file and its duration."""
    stored, uploaded = upload_or_known(state, voice, "voice", MAX_UPLOAD)
    if uploaded is not None:
        return stored, ogg_opus_duration(uploaded)  # a new upload must be OGG/Opus
    # A voice note Telegram already has (the bot's, or one a person recorded): sent as it is.
    try:
        return stored, ogg_opus_duration(stored.data or b"")
    except ApiError:
        return stored, 0


HANDLERS = {"sendVoice": send_voice}
