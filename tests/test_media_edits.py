"""Editing a photo's message edits its caption (or only its buttons); an edit that would
change nothing is not sent (issue: faults, "edits of media messages", "unchanged edits")."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import CallbackQueryHandler

from handlers.base.replies import edit_or_send

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def keyboard(label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"tst:{label}")]])


async def test_a_press_on_a_photo_edits_its_caption_and_skips_empty_edits(tg, bot) -> None:
    texts = {"A": "<b>Caption A</b>", "B": "<b>Caption B</b>", "long": "x" * 1500}

    async def on_press(update, context) -> None:
        label = update.callback_query.data.split(":", 1)[1]
        if label == "L":  # a text too long for a caption, and another button
            await edit_or_send(update, texts["long"], reply_markup=keyboard("M"))
            return
        target = "B" if label == "A" else label
        await edit_or_send(update, texts[target], reply_markup=keyboard(target))

    # Its own handler group, before every group of the bot (remembering the user is -2).
    bot.app.add_handler(CallbackQueryHandler(on_press, pattern=r"^tst:"), group=-10)
    ani = tg.user(first_name="Ani", language_code="id")
    await ani.send("/start")
    await ani.expect("Selamat datang")
    await bot.app.bot.send_photo(ani.id, PHOTO, caption=texts["A"], reply_markup=keyboard("A"))
    photo = await ani.expect("Caption A")
    before = len(tg.requests)
    await ani.press("A", photo)
    await ani.wait_idle(0.3)
    assert photo.caption == "Caption B"  # the caption was edited, no 400 for editMessageText
    edits = [r.method for r in tg.requests[before:] if r.method.startswith("edit")]
    assert edits == ["editMessageCaption"]
    # Pressing B would set the same caption and buttons: nothing is sent.
    before = len(tg.requests)
    await ani.press("B", photo)
    await ani.wait_idle(0.3)
    assert not [r for r in tg.requests[before:] if r.method.startswith("edit")]
    # A text too long for a caption changes only the buttons.
    await bot.app.bot.send_photo(ani.id, PHOTO, caption="short", reply_markup=keyboard("L"))
    second = await ani.expect("short")
    before = len(tg.requests)
    await ani.press("L", second)
    await ani.wait_idle(0.3)
    edits = [r.method for r in tg.requests[before:] if r.method.startswith("edit")]
    assert edits == ["editMessageReplyMarkup"]
    assert second.caption == "short" and second.buttons == [["M"]]
