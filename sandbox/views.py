"""What the page reads: a chat's messages as one persona sees them (SANDBOX_API.md, Message)."""

from __future__ import annotations

import html
from datetime import datetime, tzinfo
from typing import Any

from localtg import BotMessage, FakeTelegram, FileInfo


def files_url(file_id: str) -> str:
    return f"/api/files/{file_id}"


def chat_messages(
    tg: FakeTelegram, chat_id: int, viewer: int, names: dict[int, str], tz: tzinfo
) -> list[dict[str, Any]]:
    """Every message of the chat, oldest first; `names` are the other personas' names."""
    return [
        message_json(tg, raw, msg, deleted, viewer, names, tz)
        for raw, msg, deleted in tg.history(chat_id)
    ]


def message_json(
    tg: FakeTelegram,
    raw: dict[str, Any],
    msg: BotMessage | None,
    deleted: bool,
    viewer: int,
    names: dict[int, str],
    tz: tzinfo,
) -> dict[str, Any]:
    sender = raw.get("from") or {}
    if sender.get("id") == tg.bot_id:
        who = "bot"
    elif sender.get("id") == viewer:
        who = "me"
    else:
        who = names.get(sender.get("id", 0)) or str(sender.get("first_name", ""))
    text, markup = _text(raw), (msg.reply_markup if msg is not None else None) or {}
    body = _html(msg) if msg is not None else html.escape(text)
    media = msg.media if msg is not None else None
    photo = document = None
    if raw.get("photo"):
        photo = {"url": files_url(raw["photo"][-1]["file_id"]), "caption_html": body}
    elif raw.get("document"):
        info = raw["document"]
        document = {
            "url": files_url(info["file_id"]),
            "file_name": info.get("file_name") or (file_name(media) if media else "file"),
            "mime_type": info.get("mime_type") or "application/octet-stream",
            "size": media.size if media is not None else int(info.get("file_size", 0)),
            "caption_html": body,
        }
    if photo or document:
        body = ""  # the caption is the photo's or the document's (caption_html)
    return {
        "id": raw["message_id"],
        "from": who,
        "date": datetime.fromtimestamp(raw["date"], tz).isoformat(),
        "text": text,
        "html": body,
        "edited": bool(msg.edited) if msg is not None else "edit_date" in raw,
        "deleted": deleted,
        "photo": photo,
        "document": document,
        "inline_keyboard": _inline(markup),
        "reply_keyboard": _reply_keyboard(markup),
        "remove_keyboard": bool(markup.get("remove_keyboard")),
    }


def _text(raw: dict[str, Any]) -> str:
    if "text" in raw:
        return str(raw["text"])
    if "caption" in raw:
        return str(raw["caption"])
    contact = raw.get("contact")
    if contact:
        name = " ".join(filter(None, (contact.get("first_name"), contact.get("last_name"))))
        return f"{name} {contact.get('phone_number', '')}".strip()
    return ""


def _html(msg: BotMessage) -> str:
    """The bot's text as it sent it when it sent HTML (localtg has checked it as Telegram
    does), else its plain text escaped."""
    if msg.html is not None and (msg.parse_mode or "").lower() == "html":
        return msg.html
    return html.escape(msg.content)


def file_name(info: FileInfo) -> str:
    """The name a download gets: the bot's, else localtg's path's last part."""
    return info.filename or (info.file_path or "file").rsplit("/", 1)[-1]


def _inline(markup: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    rows = markup.get("inline_keyboard")
    if not rows:
        return None
    return [
        [
            {
                "text": b.get("text", ""),
                "callback_data": b.get("callback_data"),
                "url": b.get("url"),
            }
            for b in row
        ]
        for row in rows
    ]


def _reply_keyboard(markup: dict[str, Any]) -> dict[str, Any] | None:
    rows = markup.get("keyboard")
    if not rows:
        return None
    return {
        "rows": [
            [
                {"text": b, "request_contact": False}
                if isinstance(b, str)
                else {"text": b.get("text", ""), "request_contact": bool(b.get("request_contact"))}
                for b in row
            ]
            for row in rows
        ],
        "one_time": bool(markup.get("one_time_keyboard")),
    }
