"""getUpdates (long polling) and the webhook methods."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request, conflict
from fake_telegram.webhook import check_webhook_url

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


async def get_updates(server: FakeTelegram, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Confirm updates below `offset`, then return pending ones, waiting up to `timeout`."""
    if server.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    return await server.queue.poll(
        offset=p.get("offset"),
        limit=p.get("limit", 100),
        timeout=p.get("timeout", 0),
        allowed=p.get("allowed_updates"),
    )


async def set_webhook(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Start pushing updates to a URL on this machine (an empty URL removes the webhook)."""
    url = p["url"]
    if not url:
        await server.webhook.clear()
        return True
    check_webhook_url(url)
    secret = p.get("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        server.queue.drop_all()
    if p.get("allowed_updates") is not None:
        server.queue.allowed_updates = frozenset(p["allowed_updates"]) or None
    server.queue.terminate_poll("terminated by setWebhook request")
    server.webhook.set(url, secret_token=secret, max_connections=p.get("max_connections"))
    return True


async def delete_webhook(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Remove the webhook (getUpdates works again), optionally dropping pending updates."""
    if p.get("drop_pending_updates"):
        server.queue.drop_all()
    await server.webhook.clear()
    return True


async def get_webhook_info(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Describe the webhook and the number of pending updates."""
    return server.webhook.info()


HANDLERS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
