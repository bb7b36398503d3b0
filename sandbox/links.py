"""Deep links as Telegram's apps open them, and QR codes read from an image."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image, UnidentifiedImageError

# Telegram's rule for a start parameter: 1-64 characters A-Z, a-z, 0-9, _ and -.
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HOSTS = {"t.me", "telegram.me", "www.t.me", "telegram.dog"}


class NotABotLink(ValueError):
    """The URL is not a link to this bot's private chat (the page opens it in a new tab)."""


def start_payload(url: str, bot_username: str) -> str | None:
    """What `url` makes the app send: the payload of `/start <payload>`, or None for a plain
    link to the chat. `t.me/<bot>?start=x`, `https://t.me/<bot>?start=x` and
    `tg://resolve?domain=<bot>&start=x` are the bot's; anything else raises NotABotLink."""
    text = url.strip()
    if text.lower().startswith(tuple(f"{h}/" for h in _HOSTS)):
        text = "https://" + text
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    if parts.scheme == "tg" and parts.netloc == "resolve":
        username = (query.get("domain") or [""])[0]
    elif parts.scheme in ("http", "https") and parts.netloc.lower() in _HOSTS:
        username = parts.path.strip("/").split("/", 1)[0]
    else:
        raise NotABotLink(f"not a Telegram link: {url}")
    if username.lower() != bot_username.lower():
        raise NotABotLink(f"not a link to @{bot_username}: {url}")
    starts = query.get("start")
    if not starts:
        return None
    payload = starts[0]
    if not _PAYLOAD.match(payload):
        raise NotABotLink(f"the start parameter of {url} is not valid")
    return payload


def read_qr(data: bytes) -> str | None:
    """The text of the first QR code in the image (PNG, JPEG...), None if there is none."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    found = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found[0].text if found else None
