"""World building and what simulated users do: users and groups, their messages and edits
(the updates they queue), as SimUser calls them."""

from __future__ import annotations

import copy
import itertools
import re
from typing import TYPE_CHECKING, Any, cast

from .html import utf16_len
from .state import ServerState
from .users import BotMessage, SimChat, SimUser
from .wire import _MEDIA_KINDS

if TYPE_CHECKING:
    from .server import FakeTelegram

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}")
_URL_RE = re.compile(r"(?<![\w/])https?://[^\s<>\"]+")


class WorldMixin(ServerState):
    """Users, groups, and the messages simulated users send."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)

    def user(
        self,
        first_name: str = "Peserta",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        *,
        user_id: int | None = None,
    ) -> SimUser:
        """A new simulated user (unique positive id unless ``user_id``; private chat id == id)."""
        uid = user_id if user_id is not None else next(self._user_ids)
        while user_id is None and uid in self._users:
            uid = next(self._user_ids)
        if uid <= 0 or uid in self._users or uid == self.bot_id:
            raise ValueError(f"user id {uid} is invalid or taken")
        user = SimUser(
            cast("FakeTelegram", self), uid, first_name, last_name, username, language_code
        )
        self._users[uid] = user
        self._chats[uid] = user.private_chat()
        return user

    def group(self, title: str = "Bimtek Smart City", *, username: str | None = None) -> SimChat:
        """A new supergroup (negative id) that the bot is an administrator of."""
        chat_id = -1_001_000_000_000 - next(self._group_ids)
        chat = SimChat(cast("FakeTelegram", self), chat_id, title, username)
        self._groups[chat_id] = chat
        self._chats[chat_id] = chat.to_dict()
        return chat

    def get_user(self, user_id: int) -> SimUser | None:
        return self._users.get(user_id)

    def detect_entities(self, text: str) -> list[dict]:
        """bot_command, mention and url entities as Telegram clients create them."""
        entities: list[dict[str, Any]] = []
        for regex, kind in (
            (_COMMAND_RE, "bot_command"),
            (_MENTION_RE, "mention"),
            (_URL_RE, "url"),
        ):
            for m in regex.finditer(text):
                entities.append(
                    {
                        "type": kind,
                        "offset": utf16_len(text[: m.start()]),
                        "length": utf16_len(m.group()),
                    }
                )
        entities.sort(key=lambda e: e["offset"])
        return entities

    def user_message(
        self, user: SimUser, chat_id: int, content: dict, *, reply_to: Any = None
    ) -> dict:
        """Create a message from ``user`` in ``chat_id`` and queue its update."""
        if chat_id not in self._chats:
            raise ValueError(f"unknown chat {chat_id}")
        if chat_id > 0 and chat_id != user.id:
            raise ValueError(f"{user} cannot write in the private chat of {chat_id}")
        if chat_id == user.id and user.id in self._blocked:
            self.unblock(user)  # writing to a blocked bot restarts it, as the app does
        if chat_id == user.id:
            self.started.add(user.id)
        message = {
            "message_id": self._new_message_id(chat_id),
            "from": user.to_dict(),
            "chat": dict(self._chats[chat_id]),
            "date": int(self.wall()),
            **copy.deepcopy(content),
        }
        if reply_to is not None:
            replied = reply_to.raw if isinstance(reply_to, BotMessage) else reply_to
            message["reply_to_message"] = self._without_reply(replied)
        self._msgs[(chat_id, message["message_id"])] = message
        who = user.first_name
        self._log_line(chat_id, f"> {who} #{message['message_id']}: {_describe(message)}")
        if chat_id < 0 and self.privacy_mode and not self._privacy_allows(message):
            return message
        self._enqueue({"message": message})
        return message

    def user_edit(self, user: SimUser, message: dict, text: str) -> dict:
        key = (message["chat"]["id"], message["message_id"])
        stored = self._msgs.get(key)
        if stored is None or stored.get("from", {}).get("id") != user.id:
            raise ValueError("can only edit own messages")
        stored["text"] = text
        entities = self.detect_entities(text)
        if entities:
            stored["entities"] = entities
        else:
            stored.pop("entities", None)
        stored["edit_date"] = int(self.wall())
        self._log_line(key[0], f"> {user.first_name} edited #{key[1]}: {text}")
        self._enqueue({"edited_message": stored})
        return stored

    def add_bot(self, group: SimChat, by: SimUser, old: str = "left") -> None:
        """``by`` adds the bot to ``group`` as an administrator: Telegram sends the bot a
        my_chat_member update (``old`` -> administrator; "member" for a promotion)."""
        self._kicked.discard(group.id)
        new = self._member(group.id, self.bot_id)  # type: ignore[attr-defined]
        self._enqueue(
            {
                "my_chat_member": {
                    "chat": self._chats[group.id],
                    "from": by.to_dict(),
                    "date": int(self.wall()),
                    "old_chat_member": {"status": old, "user": self.bot_user},
                    "new_chat_member": new,
                }
            }
        )
        self._log_line(group.id, f"* {by.first_name} added the bot")

    def _my_chat_member(self, uid: int, old: str, new: str) -> None:
        user = self._users[uid]
        bot_member_old: dict[str, Any] = {"status": old, "user": self.bot_user}
        bot_member_new: dict[str, Any] = {"status": new, "user": self.bot_user}
        for member in (bot_member_old, bot_member_new):
            if member["status"] == "kicked":
                member["until_date"] = 0
        self._enqueue(
            {
                "my_chat_member": {
                    "chat": self._chats[uid],
                    "from": user.to_dict(),
                    "date": int(self.wall()),
                    "old_chat_member": bot_member_old,
                    "new_chat_member": bot_member_new,
                }
            }
        )
        self._log_line(
            uid, f"* {user.first_name} {'blocked' if new == 'kicked' else 'unblocked'} the bot"
        )

    def _privacy_allows(self, message: dict) -> bool:
        text = message.get("text") or ""
        if text.startswith("/"):
            command = text.split()[0]
            return (
                "@" not in command or command.split("@", 1)[1].lower() == self.bot_username.lower()
            )
        if f"@{self.bot_username}".lower() in text.lower():
            return True
        replied = message.get("reply_to_message")
        return bool(replied and replied.get("from", {}).get("id") == self.bot_id)


def _describe(message: dict) -> str:
    if "text" in message:
        return message["text"]
    for kind in (*_MEDIA_KINDS, "contact", "location"):
        if kind in message:
            caption = message.get("caption")
            return f"[{kind}]" + (f" {caption}" if caption else "")
    return "[message]"
