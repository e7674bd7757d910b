"""sendDocument (multipart uploads, file_ids, URLs) and getFile."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import checked_caption, reply_target, writable_chat
from fake_telegram.objects import message_json
from fake_telegram.state import Chat, ChatMessage, SentDocument, State, StoredFile
from fake_telegram.validate import Upload

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


async def send_document(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Post a document: an uploaded file, a known file_id, or an HTTP URL (not fetched)."""
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    stored, url = _document_source(state, p["document"])
    message = file_message(state, chat, p)
    message.document = sent_file(message, stored, stored.mime_type, url)
    state.documents.append(message.document)
    return message_json(state, message)


def sent_file(
    message: ChatMessage, stored: StoredFile, mime_type: str | None, url: str | None = None
) -> SentDocument:
    """Return the record of a file the bot sent in a message (for the tests to read)."""
    return SentDocument(
        chat_id=message.chat_id,
        message_id=message.message_id,
        filename=stored.filename,
        mime_type=mime_type,
        data=stored.data,
        caption=message.caption,
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        url=url,
    )


def upload_or_known(
    state: State, given: Upload | str, kind: str, limit: int
) -> tuple[StoredFile, bytes | None]:
    """Resolve a file parameter: a new upload (returned with its bytes, to check them) or the
    file_id of a file of this kind sent before (returned without)."""
    if isinstance(given, Upload):
        if not given.data:
            raise bad_request("file must be non-empty")
        if len(given.data) > limit:
            raise bad_request("file is too big")
        stored = state.store_file(
            given.data, filename=given.filename, mime_type=given.content_type, kind=kind
        )
        return stored, given.data
    known = state.files.get(given)
    if known is None or not known.file_id.startswith(f"FAKE-{kind}-"):
        raise bad_request("wrong file identifier/HTTP URL specified")
    return known, None


def file_message(state: State, chat: Chat, p: dict[str, Any]) -> ChatMessage:
    """Add the bot's message carrying a file (document, voice): caption, buttons, reply."""
    caption = checked_caption(p)
    message = state.add_message(
        chat,
        from_bot=True,
        sender_id=state.bot.id,
        caption=caption.text if caption else None,
        raw_caption=p.get("caption"),
        caption_entities=caption.entities if caption else (),
        parse_mode=p.get("parse_mode"),
        reply_markup=p.get("reply_markup"),
        reply_to_message_id=reply_target(chat, p.get("reply_parameters")),
    )
    return message


def _document_source(state: State, document: Upload | str) -> tuple[StoredFile, str | None]:
    """Resolve the `document` parameter to a stored file (and the URL it came from, if any)."""
    if isinstance(document, Upload):
        if not document.data:
            raise bad_request("file must be non-empty")
        if len(document.data) > MAX_UPLOAD:
            raise bad_request("file is too big")
        stored = state.store_file(
            document.data,
            filename=document.filename,
            mime_type=document.content_type,
            kind="document",
        )
        return stored, None
    if document in state.files:
        return state.files[document], None
    if _URL.match(document):
        name = document.rstrip("/").rsplit("/", 1)[-1] or None
        return state.store_file(None, filename=name, mime_type=None, kind="document"), document
    raise bad_request("wrong file identifier/HTTP URL specified")


async def get_file(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Describe a known file and its download path under base_file_url."""
    stored = server.state.files.get(p["file_id"])
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.data is not None and len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    described: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_path": stored.path,
    }
    if stored.data is not None:
        described["file_size"] = len(stored.data)
    return described


HANDLERS = {"sendDocument": send_document, "getFile": get_file}
