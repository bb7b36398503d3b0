"""/usulanku's list and its `usl:` buttons: view, edit (back into the form), withdraw.

usl:list, usl:view:<id>, usl:edit:<id>, usl:rev:<id> (revise after a review: the same as
edit), usl:wd:<id> (asks), usl:wdyes:<id> (withdraws). Editing a version that has been
reviewed starts a new version first, so each review stays with the version it judged.
Every proposal is loaded with the presser's own id, so a forged id finds nothing; drafts are
the form's business (/usul), so they are "not found" here too."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

import locales
from domain import review_text
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import begin
from handlers.base.keyboards import button, fitted, labelled
from handlers.base.replies import answer_callback, expired, reply
from handlers.proposals.steps import FLOW, open_or_say
from handlers.proposals.views import render
from locales import Html
from storage import proposals as store
from storage import reviews
from storage.proposals import Proposal

MINE = Feature.MY_PROPOSALS


async def my_list(update: Update, context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The user's proposals, one button each (the label is cut to stay readable)."""
    user = update.effective_user
    lang = lang_of(update)
    assert user is not None
    mine = await store.of_user(context.db, user.id)
    if not mine:
        return locales.t(lang, "proposals.my.empty"), None
    lines = [locales.t(lang, "proposals.my.title", count=len(mine))]
    rows = []
    for p in mine:
        status = locales.plain(lang, f"proposals.status.{p.status}")
        dimension = context.event.dimension(p.dimension)
        lines.append(
            locales.t(
                lang,
                "proposals.my.item",
                id=p.id,
                name=p.name or "",
                dimension=dimension.name if dimension else "",
                status=status,
            )
        )
        rows.append([labelled(fitted(f"#{p.id} {p.name}"), MINE, "view", p.id)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def on_my_button(update: Update, context: BotContext) -> None:
    """Every `usl:` button: always the presser's own, sent (or withdrawn) proposal."""
    user = update.effective_user
    press = press_of(update)
    if user is None:
        return
    lang = lang_of(update)
    if press is not None and press.action == "list" and not press.args:
        await answer_callback(update)
        text, markup = await my_list(update, context)
        await reply(update, text, reply_markup=markup)
        return
    pid = press.int_arg() if press is not None and len(press.args) == 1 else None
    if press is None or pid is None:
        await expired(update)
        return
    proposal = await store.get(context.db, pid, user.id)
    action = press.action
    changing = action in ("edit", "rev", "wd", "wdyes")
    if proposal is None or proposal.is_draft or (changing and not proposal.is_submitted):
        await expired(update, "proposals.not_found")
        return
    if action == "view":
        await answer_callback(update)
        await _show(update, context, proposal)
    elif action in ("edit", "rev"):
        if not await open_or_say(update, context):
            return
        await answer_callback(update)
        if await reviews.has_done_review(context.db, proposal.id, proposal.version):
            stage = context.event.current_stage(context.services.clock.now())
            version = await store.new_version(
                context.db, proposal.id, user.id, stage.number if stage else None
            )
            await reply(
                update, locales.t(lang, "review.new_version", id=proposal.id, version=version)
            )
        # Ubah was pressed already: into the form at "which answer"; each change is saved at
        # once and leads to the preview, where "Selesai" leaves.
        await begin(update, context, FLOW, "fields", {"pid": proposal.id, "editing": True})
    elif action == "wd":
        await answer_callback(update)
        markup = InlineKeyboardMarkup(
            [
                [
                    button(lang, "proposals.btn.withdraw_yes", MINE, "wdyes", proposal.id),
                    button(lang, "proposals.btn.withdraw_no", MINE, "view", proposal.id),
                ]
            ]
        )
        text = locales.t(lang, "proposals.withdraw_confirm", id=proposal.id, name=proposal.name)
        await reply(update, text, reply_markup=markup)
    elif action == "wdyes":
        await answer_callback(update)
        await store.withdraw(context.db, proposal.id, user.id)
        await reply(update, locales.t(lang, "proposals.withdrawn", id=proposal.id))
    else:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)


async def _show(update: Update, context: BotContext, proposal: Proposal) -> None:
    lang = lang_of(update)
    status = locales.plain(lang, f"proposals.status.{proposal.status}")
    title = locales.t(lang, "proposals.my.view", id=proposal.id, status=status)
    rows = []
    done = await reviews.of_proposal(context.db, proposal.id)
    if proposal.is_submitted:
        current = [r for r in done if r.version == proposal.version]
        first = ("review.revise", "rev") if current else ("proposals.btn.edit", "edit")
        rows.append(
            [
                button(lang, first[0], MINE, first[1], proposal.id),
                button(lang, "proposals.btn.withdraw", MINE, "wd", proposal.id),
            ]
        )
    rows.append([button(lang, "common.back", MINE, "list")])
    body = render(context.event, proposal, lang)
    if done:
        # What the reviewers said (never who): the summary, then each comment by version.
        summary = review_text.summary(context.event, lang, done)
        parts = [body, locales.t(lang, "review.my_reviews", summary=summary)]
        for r in done:
            if r.comment:
                rec = locales.plain(lang, f"review.rec.{r.recommendation}")
                parts.append(
                    locales.t(
                        lang, "review.my_comment", version=r.version, rec=rec, comment=r.comment
                    )
                )
        body = Html("\n").join(parts)
    await reply(update, f"{title}\n\n{body}", reply_markup=InlineKeyboardMarkup(rows))
