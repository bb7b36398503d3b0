"""What a test sees and drives: simulated users and group chats, and the bot's messages."""

# The test-facing API takes timeout= arguments by design (expect, press, wait_idle).
# ruff: noqa: ASYNC109

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FakeTelegram

__all__ = ["BotMessage", "CallbackAnswer", "FileInfo", "SimChat", "SimUser", "Pattern"]

Pattern = str | re.Pattern[str]


@dataclass(eq=False)
class FileInfo:
    """A file known to the server (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    kind: str  # "document", "photo", "voice", "sticker", "audio", "video", ...
    content: bytes = b""
    filename: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    url: str | None = None  # when the bot sent an HTTP URL instead of bytes
    file_path: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    def to_json(self, kind: str | None = None) -> Any:
        kind = kind or self.kind
        base: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.content:
            base["file_size"] = self.size
        if kind == "photo":
            return [{**base, "width": self.width or 1280, "height": self.height or 960}]
        if kind == "sticker":
            return {
                **base,
                "type": "regular",
                "width": self.width or 512,
                "height": self.height or 512,
                "is_animated": False,
                "is_video": False,
                "emoji": self.filename or "👍",
            }
        if kind == "video_note":
            return {**base, "length": self.width or 240, "duration": self.duration or 1}
        if kind in ("voice", "audio"):
            base["duration"] = self.duration or 1
        if kind in ("video", "animation"):
            base.update(width=self.width or 640, height=self.height or 480)
            base["duration"] = self.duration or 1
        if kind in ("document", "audio", "video", "animation") and self.filename:
            base["file_name"] = self.filename
        if self.mime_type and kind != "photo":
            base["mime_type"] = self.mime_type
        return base


@dataclass(eq=False)
class BotMessage:
    """A message the bot sent (its current state; ``history`` holds earlier texts)."""

    message_id: int
    chat_id: int
    text: str | None = None  # plain text as the user sees it (text messages)
    html: str | None = None  # raw text or caption exactly as the bot sent it
    caption: str | None = None  # plain caption (media messages)
    parse_mode: str | None = None
    reply_markup: dict | None = None
    document: FileInfo | None = None
    photo: FileInfo | None = None
    media: FileInfo | None = None  # any media (document, photo, voice, sticker, ...)
    kind: str = "text"
    method: str = "sendMessage"
    entities: list[dict] = field(default_factory=list)
    edited: int = 0  # number of edits (truthy once edited)
    reply_to_message_id: int | None = None
    deleted: bool = False
    history: list[str | None] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)  # the Message JSON, kept up to date
    sent_at: float = 0.0  # time.monotonic()

    @property
    def content(self) -> str:
        """Plain text, or caption for media messages ("" if none)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def inline_keyboard(self) -> list[list[dict]]:
        if not self.reply_markup:
            return []
        return self.reply_markup.get("inline_keyboard") or []

    @property
    def buttons(self) -> list[list[str]]:
        """Rows of button texts (inline keyboard, else reply keyboard)."""
        rows = self.inline_keyboard or (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def button_data(self) -> list[str]:
        """Flat list of the callback_data of the inline buttons."""
        return [
            b["callback_data"] for row in self.inline_keyboard for b in row if "callback_data" in b
        ]

    def find_button(self, label: Pattern) -> dict | None:
        for row in self.inline_keyboard:
            for button in row:
                if _matches(label, button.get("text", ""), exact=True):
                    return button
        return None

    def __str__(self) -> str:
        flags = []
        if self.edited:
            flags.append(f"edited x{self.edited}")
        if self.deleted:
            flags.append("deleted")
        if self.kind != "text":
            flags.append(self.kind)
        head = f"#{self.message_id}" + (f" ({', '.join(flags)})" if flags else "")
        body = self.content
        if self.buttons:
            body += "  " + " ".join(f"[{t}]" for row in self.buttons for t in row)
        return f"{head}: {body}"


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None


def _matches(pattern: Pattern, text: str, *, exact: bool = False) -> bool:
    if isinstance(pattern, re.Pattern):
        return pattern.search(text) is not None
    return text == pattern if exact else pattern in text


class SimChat:
    """A group chat (type "supergroup", negative id)."""

    def __init__(
        self, tg: FakeTelegram, chat_id: int, title: str, username: str | None = None
    ) -> None:
        self.tg = tg
        self.id = chat_id
        self.title = title
        self.username = username

    def to_dict(self) -> dict:
        chat = {"id": self.id, "type": "supergroup", "title": self.title}
        if self.username:
            chat["username"] = self.username
        return chat

    @property
    def messages(self) -> list[BotMessage]:
        return self.tg.sent_messages(self.id)

    @property
    def last(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    def __repr__(self) -> str:
        return f"SimChat({self.id}, {self.title!r})"


_OWN = object()


class SimUser:
    """A simulated human. Their private chat with the bot has chat id == user id."""

    def __init__(
        self,
        tg: FakeTelegram,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> None:
        self.tg = tg
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.first_name!r})"

    @property
    def chat_id(self) -> int:
        return self.id

    def to_dict(self) -> dict:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def private_chat(self) -> dict:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def _chat_id(self, chat: SimChat | int | None) -> int:
        if chat is None:
            return self.id
        return chat if isinstance(chat, int) else chat.id

    # -- sending -------------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        chat: SimChat | int | None = None,
        *,
        reply_to: Any = None,
        forward_from: SimUser | None = None,
    ) -> dict:
        """A text message; "/cmd" and "@mentions" get entities like Telegram's clients make.
        With `forward_from`, the message is a forward of that user's message."""
        content: dict[str, Any] = {"text": text}
        entities = self.tg.detect_entities(text)
        if entities:
            content["entities"] = entities
        if forward_from is not None:
            content["forward_origin"] = {
                "type": "user",
                "date": 1_700_000_000,
                "sender_user": forward_from.to_dict(),
            }
        return self.tg.user_message(self, self._chat_id(chat), content, reply_to=reply_to)

    async def reply(self, msg: BotMessage | dict, text: str) -> dict:
        """Reply (swipe-reply) to a message; goes to the chat that message is in."""
        chat_id = msg.chat_id if isinstance(msg, BotMessage) else msg["chat"]["id"]
        return await self.send(text, chat_id, reply_to=msg)

    async def edit(self, msg: dict, text: str) -> dict:
        """Edit one of this user's earlier text messages (sends an edited_message update)."""
        return self.tg.user_edit(self, msg, text)

    async def send_contact(
        self,
        phone: str = "+6281234567890",
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: Any = _OWN,
        chat: SimChat | int | None = None,
    ) -> dict:
        """A shared contact; by default their own (user_id == their id), as the share-phone
        button sends it. Pass user_id=None or another id to forge someone else's contact."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or self.first_name,
        }
        if last_name or (first_name is None and self.last_name):
            contact["last_name"] = last_name or self.last_name
        uid = self.id if user_id is _OWN else user_id
        if uid is not None:
            contact["user_id"] = uid
        return self.tg.user_message(self, self._chat_id(chat), {"contact": contact})

    async def send_sticker(self, emoji: str = "👍", chat: SimChat | int | None = None) -> dict:
        info = self.tg.add_file(b"RIFFfakewebp", "sticker", filename=emoji, mime_type="image/webp")
        return self.tg.user_message(self, self._chat_id(chat), {"sticker": info.to_json()})

    async def send_photo(
        self,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat: SimChat | int | None = None,
    ) -> dict:
        info = self.tg.add_file(content, "photo", mime_type="image/jpeg")
        message: dict[str, Any] = {"photo": info.to_json()}
        if caption:
            message["caption"] = caption
        return self.tg.user_message(self, self._chat_id(chat), message)

    async def send_voice(
        self,
        duration: int = 3,
        content: bytes = b"OggSfake-voice",
        chat: SimChat | int | None = None,
    ) -> dict:
        info = self.tg.add_file(content, "voice", mime_type="audio/ogg", duration=duration)
        return self.tg.user_message(self, self._chat_id(chat), {"voice": info.to_json()})

    async def send_location(
        self,
        latitude: float = -7.7543,
        longitude: float = 113.2159,
        chat: SimChat | int | None = None,
    ) -> dict:
        location = {"latitude": latitude, "longitude": longitude}
        return self.tg.user_message(self, self._chat_id(chat), {"location": location})

    async def send_document(
        self,
        content: bytes = b"%PDF-1.4 fake",
        filename: str = "file.pdf",
        caption: str | None = None,
        mime_type: str | None = None,
        chat: SimChat | int | None = None,
    ) -> dict:
        import mimetypes

        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        info = self.tg.add_file(content, "document", filename=filename, mime_type=mime)
        message: dict[str, Any] = {"document": info.to_json()}
        if caption:
            message["caption"] = caption
        return self.tg.user_message(self, self._chat_id(chat), message)

    # -- reading -------------------------------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        """Everything the bot sent to the private chat, in order (current state of each)."""
        return self.tg.sent_messages(self.id)

    @property
    def last(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown in the private chat (None if none)."""
        return self.tg.reply_keyboard(self.id)

    async def expect(
        self, pattern: Pattern, timeout: float = 5.0, chat: SimChat | int | None = None
    ) -> BotMessage:
        """Wait for the next unconsumed bot message (new or edited) whose plain text or caption
        contains ``pattern`` (str) or matches it (compiled regex, ``search``). Everything up to
        and including the match is consumed. Raises AssertionError with the transcript."""
        return await self.tg.expect(self.id, self._chat_id(chat), pattern, timeout)

    async def wait_idle(
        self, quiet: float = 0.3, chat: SimChat | int | None = None, timeout: float = 10.0
    ) -> list[BotMessage]:
        """Wait until the bot has been silent in this chat for ``quiet`` seconds (and has fetched
        all queued updates); return the unconsumed messages (new or edited) and consume them."""
        return await self.tg.wait_idle_for(self.id, self._chat_id(chat), quiet, timeout)

    async def expect_silence(self, quiet: float = 0.5, chat: SimChat | int | None = None) -> None:
        """Assert that the bot sends nothing new to this chat within ``quiet`` seconds."""
        got = await self.wait_idle(quiet, chat)
        if got:
            raise AssertionError("expected no reply, got:\n" + "\n".join(f"  {m}" for m in got))

    def transcript(self, chat: SimChat | int | None = None) -> str:
        return self.tg.format_transcript(self._chat_id(chat), self.id)

    # -- buttons -------------------------------------------------------------------------------

    async def press(
        self,
        label: Pattern,
        msg: BotMessage | None = None,
        timeout: float = 5.0,
        chat: SimChat | int | None = None,
    ) -> CallbackAnswer:
        """Press the inline button whose text equals ``label`` (or matches the regex) on ``msg``
        (default: the latest bot message with an inline keyboard in the chat). Waits until the
        bot answers the callback query and returns that answer."""
        chat_id = msg.chat_id if msg is not None else self._chat_id(chat)
        if msg is None:
            msg = self.tg.latest_with_keyboard(chat_id)
            if msg is None:
                raise AssertionError(
                    f"no bot message with an inline keyboard in chat {chat_id}\n"
                    + self.tg.format_transcript(chat_id, self.id)
                )
        button = msg.find_button(label)
        if button is None:
            raise AssertionError(f"no inline button {label!r} on message {msg}")
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} has no callback_data: {button}")
        answer = await self.press_data(button["callback_data"], msg, timeout=timeout)
        assert answer is not None  # press_data waits for the answer (or raises)
        return answer

    async def press_data(
        self,
        data: str,
        msg: BotMessage | None = None,
        timeout: float = 5.0,
        chat: SimChat | int | None = None,
        *,
        wait: bool = True,
    ) -> CallbackAnswer | None:
        """Send a callback query with arbitrary (possibly forged) ``data`` on ``msg`` (default:
        latest bot message with an inline keyboard, else latest bot message in the chat). With
        ``wait`` it waits for answerCallbackQuery and raises AssertionError if none comes."""
        chat_id = msg.chat_id if msg is not None else self._chat_id(chat)
        if msg is None:
            msg = self.tg.latest_with_keyboard(chat_id) or self.tg.last_bot_message(chat_id)
            if msg is None:
                raise AssertionError(f"no bot message in chat {chat_id} to press on")
        if msg.deleted:
            raise AssertionError(f"message {msg} was deleted; its buttons are gone")
        query_id = self.tg.callback_query(self, msg, data)
        if not wait:
            return None
        return await self.tg.wait_callback_answer(query_id, timeout)
