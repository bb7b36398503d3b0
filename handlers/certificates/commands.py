"""/sertifikat (participants get theirs again; admins issue a stage's, dry run first), /cek
<code> and the deep link start=cek_<code> (anyone: is it genuine, for whom and what)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, InputFile, Update

import locales
from domain import certificates
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, is_admin, lang_of
from handlers.base.guards import admins_only, private_only
from handlers.base.keyboards import button, labelled
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html
from schedules.timefmt import format_date, format_datetime
from storage import audit
from storage import certificates as store

DRY, GO = "dry", "go"  # crt:dry:<stage>, crt:go:<stage>
NAMES_SHOWN = 40


@private_only(Payload.SERTIFIKAT)
async def sertifikat(update: Update, context: BotContext) -> None:
    """The person's certificates, sent again from the stored files; for admins, the stages."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    lang = lang_of(update)
    mine = await store.of_user(context.db, user.id)
    admin = await is_admin(context, user.id)
    if mine:
        await reply(update, locales.t(lang, "certificates.mine_sent", count=len(mine)))
        for cert in mine:
            stored = await store.load_file(context.db, store.file_key(cert.code))
            if stored is None:
                await reply(update, locales.t(lang, "certificates.mine_gone"))
                continue
            stage = context.event.stage(cert.stage)
            caption = locales.t(lang, "certificates.caption", code=cert.code,
                                stage=stage.title_in(lang) if stage else str(cert.stage))  # fmt: skip
            await chat.send_document(InputFile(stored[1], filename=stored[0]), caption=caption)
    elif not admin:
        await reply(update, locales.t(lang, "certificates.mine_none"))
    if admin:
        rows = [
            [labelled(stage.title_in(lang)[:60], Feature.CERTIFICATE, DRY, stage.number)]
            for stage in sorted(context.event.stages, key=lambda s: s.number)
        ]
        await reply(update, locales.t(lang, "certificates.admin_pick"),
                    reply_markup=InlineKeyboardMarkup(rows))  # fmt: skip


def _stage_number(update: Update) -> int | None:
    press = press_of(update, 1)
    return press.int_arg() if press is not None else None


@admins_only
async def on_dry_run(update: Update, context: BotContext) -> None:
    """crt:dry:<stage>: how many and who, with the button that issues them."""
    number = _stage_number(update)
    stage = context.event.stage(number) if number is not None else None
    if number is None or stage is None:
        await expired(update)
        return
    await answer_callback(update)
    lang = lang_of(update)
    found = await certificates.plan(context.db, context.event, number)
    if found is None:
        await edit_or_send(update, locales.t(lang, "certificates.no_rule"))
        return
    text = dry_run_text(context, found, lang)
    # Issued before the stage is over, a certificate counts only the sessions so far.
    last_end = max(s.end for s in stage.sessions)
    if context.services.clock.now() < last_end:
        when = format_datetime(last_end, context.event.tz, lang)
        text = Html("\n\n").join([text, locales.t(lang, "certificates.dry_not_over", end=when)])
    await edit_or_send(update, text, reply_markup=(
        InlineKeyboardMarkup([[button(lang, "certificates.issue_button", Feature.CERTIFICATE, GO,
                                      number, count=len(found.qualifying))]])
        if found.qualifying else None
    ))  # fmt: skip


def dry_run_text(context: BotContext, found: certificates.Plan, lang: str) -> Html:
    rule = (
        locales.t(lang, "certificates.rule_all")
        if found.rule.require == "all"
        else locales.t(lang, "certificates.rule_at_least", n=found.rule.min_sessions)
    )
    names = [
        Html("• ") + f"{c.person.full_name} ({context.event.office_name(c.person.opd_id, c.person.opd_other)})"
        for c in found.qualifying[:NAMES_SHOWN]
    ]  # fmt: skip
    more = len(found.qualifying) - NAMES_SHOWN
    if more > 0:
        names.append(locales.t(lang, "certificates.dry_more", count=more))
    if not found.qualifying:
        names = [locales.t(lang, "certificates.dry_none")]
    text = locales.t(
        lang, "certificates.dry_run", stage=found.stage.title_in(lang), rule=rule,
        count=len(found.qualifying), already=found.already, names=Html("\n").join(names),
    )  # fmt: skip
    return Html(locales.split_messages([text])[0])  # a long list is cut to one message


@admins_only
async def on_issue(update: Update, context: BotContext) -> None:
    """crt:go:<stage>: make and queue the certificates; a second press sends nothing twice."""
    number, user = _stage_number(update), update.effective_user
    stage = context.event.stage(number) if number is not None else None
    if number is None or stage is None or user is None:
        await expired(update)
        return
    await answer_callback(update)
    lang = lang_of(update)
    issued = await certificates.issue(
        context.db, context.event, number, context.bot.username, context.services.clock.now()
    )
    if issued is None:
        await edit_or_send(update, locales.t(lang, "certificates.no_rule"))
        return
    await audit.record(
        context.db, user.id, "certificates_issued", stage=number, count=issued.sent, via="telegram"
    )
    if context.services.sender is not None:
        context.services.sender.wake()
    await edit_or_send(
        update,
        locales.t(lang, "certificates.issued", count=issued.sent, stage=stage.title_in(lang)),
    )


async def cek(update: Update, context: BotContext) -> None:
    """/cek <code>: anyone may verify a certificate (its code is printed on it)."""
    code = "".join(context.args or [])
    if not code:
        await reply(update, locales.t(lang_of(update), "certificates.cek_usage"))
        return
    await verify(update, context, code)


async def verify(update: Update, context: BotContext, code: str) -> None:
    """Also the deep link start=cek_<code> (handlers/deeplinks.py)."""
    lang = lang_of(update)
    cert = await certificates.verify(context.db, code[:40])
    if cert is None:
        shown = certificates.normalise_code(code)[:20]
        await reply(update, locales.t(lang, "certificates.verify_unknown", code=shown))
        return
    stage = context.event.stage(cert.stage)
    issued = datetime.fromisoformat(cert.issued_at)
    values = {
        "code": cert.code,
        "event": context.event.event.name,
        "stage": stage.title_in(lang) if stage else str(cert.stage),
        "issued": format_date(issued if issued.tzinfo else issued.replace(tzinfo=UTC), context.event.tz, lang),
    }  # fmt: skip
    if cert.erased:
        await reply(update, locales.t(lang, "certificates.verify_erased", **values))
        return
    await reply(update, locales.t(lang, "certificates.verify_ok", name=cert.full_name or "",
                                  office=cert.office or "", role=cert.role or "", **values))  # fmt: skip


__all__ = ["cek", "on_dry_run", "on_issue", "sertifikat", "verify"]
