"""The one codec for inline-button data: ``feature:action[:arg...]``.

Every button the bot offers is built with `encode` and every press is read with `decode`, so
no handler splits strings by hand. Telegram allows 64 bytes of callback data; `encode`
refuses more rather than letting Telegram reject the whole keyboard. The last argument may
contain ':' (it is never split further), which is how values such as an OPD id travel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram import Update

MAX_BYTES = 64
SEPARATOR = ":"


class Feature(StrEnum):
    """The first part of every button's data: which feature's handler takes the press."""

    REGISTRATION = "reg"
    PROFILE = "prof"
    DELETION = "del"
    SCHEDULE = "jdw"
    PROPOSAL = "prop"
    MY_PROPOSALS = "usl"
    FAQ = "faq"
    STAFF = "adm"
    EXPORT = "exp"
    BROADCAST = "bc"
    ATTENDANCE = "att"
    CERTIFICATE = "crt"
    MATERIALS = "mat"
    FEEDBACK = "fb"
    REVIEW = "rev"  # /tinjau, the review by the tim pendamping
    SELECTION = "sel"  # /seleksi and the ballots of a selection round
    LANGUAGE = "lang"
    FLOW = "flow"  # the flow engine's own buttons ("Jawaban / Pertanyaan", handlers/base/flows.py)


class CallbackTooLong(ValueError):
    """Raised when a button's data would not fit Telegram's 64 bytes."""


@dataclass(frozen=True)
class Callback:
    """A decoded button press: which feature, which action, and its arguments."""

    feature: str
    action: str = ""
    args: tuple[str, ...] = ()

    def arg(self, index: int = 0, default: str = "") -> str:
        """The argument at `index`, or `default` when the press carries fewer."""
        return self.args[index] if index < len(self.args) else default

    def int_arg(self, index: int = 0) -> int | None:
        """The argument as a whole number within SQLite's range, or None (forged or old data)."""
        text = self.arg(index)
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            return None
        return int(text)

    def encode(self) -> str:
        return encode(self.feature, self.action, *self.args)


def encode(feature: str, action: str = "", *args: object) -> str:
    """`feature:action:arg...`; raises CallbackTooLong past Telegram's limit."""
    parts = [feature, action, *(str(a) for a in args)]
    while parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # "del:yes" rather than "del:yes:"
    data = SEPARATOR.join(parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackTooLong(f"callback data over {MAX_BYTES} bytes: {data[:20]}...")
    return data


def decode(data: str | None, arity: int | None = None) -> Callback | None:
    """The press, or None for empty data. With `arity`, at most that many arguments are split
    off and the rest stays in the last one."""
    if not data:
        return None
    # feature and action, then at most `arity` arguments.
    feature, *rest = data.split(SEPARATOR, -1 if arity is None else arity + 1)
    action = rest[0] if rest else ""
    return Callback(feature, action, tuple(rest[1:]))


def press_of(update: Update, arity: int | None = None) -> Callback | None:
    """The button press an update carries, decoded; None when it carries none."""
    query = update.callback_query
    return decode(query.data, arity) if query is not None else None


def pattern(feature: str, action: str | None = None) -> str:
    """The CallbackQueryHandler pattern for one feature's buttons (or one action of them)."""
    if action is None:
        return rf"^{feature}(:|$)"
    return rf"^{feature}:{action}(:|$)"
