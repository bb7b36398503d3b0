"""Editing and deleting the bot's messages (editMessageText/Caption/ReplyMarkup,
deleteMessage(s)), with Telegram's "message is not modified"."""

from __future__ import annotations

from .state import ServerState
from .users import BotMessage
from .wire import NOT_MODIFIED, _bad, _Params


class EditsMixin(ServerState):
    """Edits and deletions."""

    def _edit_target(self, p: _Params) -> BotMessage:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat_id = self._reachable_chat(p.get("chat_id"))
        message_id = p.int("message_id", required=True)
        if message_id is None or self._get_message(chat_id, message_id) is None:
            raise _bad("message to edit not found")
        msg = self._bot_msgs.get((chat_id, message_id))
        if msg is None:
            raise _bad("message can't be edited")
        return msg

    @staticmethod
    def _inline(markup: dict | None) -> dict | None:
        return markup if markup and "inline_keyboard" in markup else None

    def _apply_edit(self, msg: BotMessage, markup: dict | None) -> None:
        msg.edited += 1
        msg.reply_markup = markup
        raw = msg.raw
        raw["edit_date"] = int(self.wall())
        if markup:
            raw["reply_markup"] = markup
        else:
            raw.pop("reply_markup", None)
        self._log_line(msg.chat_id, f"< bot edited {msg}")
        self._push_event(msg, "edited")

    def _api_editMessageText(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        if msg.kind != "text":
            raise _bad("there is no text in the message to edit")
        raw, plain, entities, mode = self._text(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            plain == msg.text
            and entities == msg.entities
            and markup == self._inline(msg.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        msg.history.append(msg.text)
        msg.text, msg.html, msg.parse_mode, msg.entities = plain, raw, mode, entities
        msg.raw["text"] = plain
        if entities:
            msg.raw["entities"] = entities
        else:
            msg.raw.pop("entities", None)
        self._apply_edit(msg, markup)
        return msg.raw

    def _api_editMessageCaption(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        if msg.kind == "text":
            raise _bad("there is no caption in the message to edit")
        raw, caption, entities, mode = self._caption(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            caption == msg.caption
            and entities == msg.entities
            and markup == self._inline(msg.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        msg.history.append(msg.caption)
        msg.caption, msg.html, msg.parse_mode, msg.entities = caption, raw, mode, entities
        for key, value in (("caption", caption), ("caption_entities", entities)):
            if value:
                msg.raw[key] = value
            else:
                msg.raw.pop(key, None)
        self._apply_edit(msg, markup)
        return msg.raw

    def _api_editMessageReplyMarkup(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if markup == self._inline(msg.reply_markup):
            raise _bad(NOT_MODIFIED)
        self._apply_edit(msg, markup)
        return msg.raw

    def _delete(self, chat_id: int, message_id: int | None) -> None:
        if self._get_message(chat_id, message_id) is None:
            raise _bad("message to delete not found")
        assert message_id is not None
        self._deleted.add((chat_id, message_id))
        msg = self._bot_msgs.get((chat_id, message_id))
        if msg is not None:
            msg.deleted = True
        self._log_line(chat_id, f"< bot deleted #{message_id}")
        self._notify()

    def _api_deleteMessage(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p.get("chat_id"))
        self._delete(chat_id, p.int("message_id", required=True))
        return True

    def _api_deleteMessages(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p.get("chat_id"))
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            if self._get_message(chat_id, message_id) is not None:
                self._delete(chat_id, message_id)
        return True
