"""Checks every sending method shares, as Telegram makes them: the chat (and whether the bot may
write there), HTML and entities, text and caption lengths, keyboards, the replied message."""

from __future__ import annotations

import re
from typing import Any

from .html import HTMLParseError, parse_html, strip_formatted
from .state import ServerState
from .wire import MAX_CALLBACK_DATA, MAX_CAPTION, MAX_TEXT, ApiError, _bad, _Params


class ValidationMixin(ServerState):
    """Parameter checks shared by the sending and editing methods."""

    def _resolve_chat(self, value: Any) -> int:
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, str):
            if value.startswith("@"):
                for chat_id, chat in self._chats.items():
                    if (chat.get("username") or "").lower() == value[1:].lower():
                        return chat_id
                raise _bad("chat not found")
            try:
                value = int(value)
            except ValueError:
                raise _bad("chat not found") from None
        if isinstance(value, bool) or not isinstance(value, int) or value not in self._chats:
            raise _bad("chat not found")
        return value

    def _reachable_chat(self, value: Any) -> int:
        chat_id = self._resolve_chat(value)
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        return chat_id

    def _format(
        self, raw: str, parse_mode: Any, entities: Any = None
    ) -> tuple[str, list[dict], str | None]:
        mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
        if mode is not None:
            lowered = mode.lower()
            if lowered == "html":
                try:
                    plain, parsed = parse_html(raw, strict_entities=self.strict_html)
                except HTMLParseError as exc:
                    raise _bad(f"can't parse entities: {exc}") from None
            elif lowered in ("markdown", "markdownv2"):
                plain, parsed = raw, []  # not interpreted by the fake
            else:
                raise _bad(f"unsupported parse_mode {mode!r}")
        else:
            plain = raw
            parsed = [dict(e) for e in entities] if isinstance(entities, list) else []
        for entity in parsed:
            if entity.get("type") == "text_mention":
                user = self._users.get(entity.get("user", {}).get("id"))
                if user is not None:
                    entity["user"] = user.to_dict()
        plain, parsed = strip_formatted(plain, parsed)
        return plain, parsed, mode

    def _text(self, p: _Params) -> tuple[str, str, list[dict], str | None]:
        raw = p.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        if not isinstance(raw, str):
            raw = str(raw)
        plain, entities, mode = self._format(raw, p.get("parse_mode"), p.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        if len(plain) > MAX_TEXT:
            raise _bad("message is too long")
        return raw, plain, entities, mode

    def _caption(self, p: _Params) -> tuple[str | None, str | None, list[dict], str | None]:
        raw = p.get("caption")
        if raw is None or raw == "":
            return None, None, [], None
        plain, entities, mode = self._format(
            str(raw), p.get("parse_mode"), p.get("caption_entities")
        )
        if len(plain) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return str(raw), plain or None, entities, mode

    def _markup(self, value: Any, *, inline_only: bool = False) -> dict | None:
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    self._check_inline_button(button)
            if count > 100:
                raise _bad("reply markup is too long")
            return value
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else (button or {}).get("text")
                    if not text:
                        raise _bad("keyboard button text must be non-empty")
            return value
        if value.get("remove_keyboard") or value.get("force_reply"):
            return value
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if not button["text"]:
            raise _bad("BUTTON_TEXT_INVALID")
        actions = (
            "callback_data",
            "url",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "callback_game",
            "pay",
            "web_app",
            "copy_text",
        )
        if not any(key in button for key in actions):
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_to(self, chat_id: int, p: _Params) -> int | None:
        params = p.get("reply_parameters")
        if isinstance(params, dict):
            mid = params.get("message_id")
            allow = bool(params.get("allow_sending_without_reply"))
            target_chat = params.get("chat_id")
            if target_chat not in (None, chat_id):
                target = self._resolve_chat(target_chat)
                if self._get_message(target, mid) is None and not allow:
                    raise _bad("message to be replied not found")
                return None  # cross-chat reply: not modelled further
        else:
            mid = p.int("reply_to_message_id")
            allow = p.bool("allow_sending_without_reply")
        if mid is None:
            return None
        if self._get_message(chat_id, mid) is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return mid
