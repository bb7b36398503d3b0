"""The bot's messages: how one is created and recorded, sendMessage, sendLocation,
sendChatAction, copyMessage and forwardMessage."""

from __future__ import annotations

import time
from typing import Any

from .state import ServerState, _Event
from .users import BotMessage, FileInfo
from .wire import _MEDIA_KINDS, _bad, _Params

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class MessagesMixin(ServerState):
    """Creating the bot's messages."""

    def _push_event(self, msg: BotMessage, kind: str) -> None:
        self._events.setdefault(msg.chat_id, []).append(_Event(msg, msg.content, kind))
        now = time.monotonic()
        self._last_activity[msg.chat_id] = now
        self._last_any_activity = now
        self._notify()

    def _new_bot_message(
        self,
        chat_id: int,
        method: str,
        *,
        kind: str = "text",
        text: str | None = None,
        caption: str | None = None,
        html: str | None = None,
        parse_mode: str | None = None,
        entities: list[dict] | None = None,
        markup: dict | None = None,
        reply_to: int | None = None,
        media: FileInfo | None = None,
        extra: dict | None = None,
    ) -> BotMessage:
        mid = self._new_message_id(chat_id)
        msg = BotMessage(
            message_id=mid,
            chat_id=chat_id,
            text=text,
            html=html,
            caption=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
            document=media if kind == "document" else None,
            photo=media if kind == "photo" else None,
            media=media,
            kind=kind,
            method=method,
            entities=list(entities or []),
            reply_to_message_id=reply_to,
            sent_at=time.monotonic(),
        )
        raw: dict[str, Any] = {
            "message_id": mid,
            "from": self.bot_user,
            "chat": dict(self._chats[chat_id]),
            "date": int(self.wall()),
        }
        if reply_to is not None:
            replied = self._msgs.get((chat_id, reply_to))
            if replied is not None:
                raw["reply_to_message"] = self._without_reply(replied)
        if kind == "text":
            raw["text"] = text
            if msg.entities:
                raw["entities"] = msg.entities
        elif media is not None:
            raw[kind] = media.to_json(kind)
            if caption:
                raw["caption"] = caption
                if msg.entities:
                    raw["caption_entities"] = msg.entities
        if extra:
            raw.update(extra)
        if markup and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        msg.raw = raw
        self._msgs[(chat_id, mid)] = raw
        self._bot_msgs[(chat_id, mid)] = msg
        self._bot_order.append(msg)
        self._track_reply_keyboard(chat_id, markup)
        self._log_line(chat_id, f"< bot {msg}")
        self._push_event(msg, "sent")
        return msg

    def _track_reply_keyboard(self, chat_id: int, markup: dict | None) -> None:
        if not markup:
            return
        if "keyboard" in markup:
            self._reply_keyboards[chat_id] = [
                [b if isinstance(b, str) else b.get("text", "") for b in row]
                for row in markup["keyboard"]
            ]
        elif markup.get("remove_keyboard"):
            self._reply_keyboards.pop(chat_id, None)

    def _api_sendMessage(self, p: _Params) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        raw, plain, entities, mode = self._text(p)
        markup = self._markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        msg = self._new_bot_message(
            chat_id,
            "sendMessage",
            text=plain,
            html=raw,
            parse_mode=mode,
            entities=entities,
            markup=markup,
            reply_to=reply_to,
        )
        return msg.raw

    def _api_sendLocation(self, p: _Params) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        try:
            location = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        except (KeyError, TypeError, ValueError):
            raise _bad("wrong latitude/longitude specified") from None
        msg = self._new_bot_message(
            chat_id,
            "sendLocation",
            kind="location",
            markup=self._markup(p.get("reply_markup")),
            reply_to=self._reply_to(chat_id, p),
            extra={"location": location},
        )
        return msg.raw

    def _api_sendChatAction(self, p: _Params) -> bool:
        self._reachable_chat(p.get("chat_id"))
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _source_message(self, p: _Params, what: str) -> tuple[int, dict]:
        from_chat = self._resolve_chat(p.get("from_chat_id"))
        source = self._get_message(from_chat, p.int("message_id", required=True))
        if source is None:
            raise _bad(f"message to {what} not found")
        return from_chat, source

    def _clone(
        self, chat_id: int, source: dict, method: str, p: _Params, extra: dict | None
    ) -> BotMessage:
        markup = self._markup(p.get("reply_markup")) if method == "copyMessage" else None
        reply_to = self._reply_to(chat_id, p)
        if "text" in source:
            return self._new_bot_message(
                chat_id,
                method,
                text=source["text"],
                html=source["text"],
                entities=source.get("entities"),
                markup=markup,
                reply_to=reply_to,
                extra=extra,
            )
        for kind in _MEDIA_KINDS:
            if kind in source:
                data = source[kind][-1] if kind == "photo" else source[kind]
                info = self.files.get(data["file_id"]) or self.add_file(b"", kind)
                if method == "copyMessage" and "caption" in p:
                    raw_caption, caption, entities, mode = self._caption(p)
                else:
                    caption = source.get("caption")
                    raw_caption, entities, mode = (
                        caption,
                        source.get("caption_entities") or [],
                        None,
                    )
                return self._new_bot_message(
                    chat_id,
                    method,
                    kind=kind,
                    caption=caption,
                    html=raw_caption,
                    parse_mode=mode,
                    entities=entities,
                    markup=markup,
                    reply_to=reply_to,
                    media=info,
                    extra=extra,
                )
        for kind in ("location", "contact", "venue"):
            if kind in source:
                return self._new_bot_message(
                    chat_id,
                    method,
                    kind=kind,
                    markup=markup,
                    reply_to=reply_to,
                    extra={kind: source[kind], **(extra or {})},
                )
        raise _bad("message can't be copied")

    def _api_copyMessage(self, p: _Params) -> dict:
        _from_chat, source = self._source_message(p, "copy")
        chat_id = self._reachable_chat(p.get("chat_id"))
        msg = self._clone(chat_id, source, "copyMessage", p, None)
        return {"message_id": msg.message_id}

    def _api_forwardMessage(self, p: _Params) -> dict:
        _from_chat, source = self._source_message(p, "forward")
        chat_id = self._reachable_chat(p.get("chat_id"))
        origin = {
            "type": "user",
            "sender_user": source.get("from", self.bot_user),
            "date": source["date"],
        }
        msg = self._clone(chat_id, source, "forwardMessage", p, {"forward_origin": origin})
        return msg.raw
