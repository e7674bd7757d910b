"""sendVenue: a place on the map with its name and address (the phone opens its map on it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import reply_target, writable_chat
from fake_telegram.objects import message_json

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram


async def send_venue(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Post a venue; refuse a point off the globe or an empty title or address, like Telegram."""
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    latitude, longitude = float(p["latitude"]), float(p["longitude"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("VENUE_GEO_POINT_INVALID")
    title, address = str(p["title"]).strip(), str(p["address"]).strip()
    if not title or not address:
        raise bad_request("VENUE_TITLE_OR_ADDRESS_EMPTY")  # the fake's wording
    venue = {
        "location": {"latitude": latitude, "longitude": longitude},
        "title": title,
        "address": address,
    }
    message = state.add_message(
        chat,
        from_bot=True,
        sender_id=state.bot.id,
        media={"venue": venue, "location": venue["location"]},
        reply_markup=p.get("reply_markup"),
        reply_to_message_id=reply_target(chat, p.get("reply_parameters")),
    )
    return message_json(state, message)


HANDLERS = {"sendVenue": send_venue}
