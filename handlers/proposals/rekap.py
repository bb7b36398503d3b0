"""/rekap (organisers): proposals per dimension × office, the offices still missing, and a
polite reminder to exactly those offices."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

import locales
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import organisers_only, private_only
from handlers.base.keyboards import button
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, expired, reply
from locales import Html
from schedules.event import Dimension, Event, Opd
from schedules.timefmt import format_datetime
from storage import audit, participants
from storage import proposals as store
from storage.outbox import OutgoingMessage
from storage.participants import Participant

log = logging.getLogger(__name__)

Counts = dict[tuple[str, str], int]
SHORT = {
    "governance": "Gov",
    "branding": "Bra",
    "economy": "Eco",
    "living": "Liv",
    "society": "Soc",
    "environment": "Env",
}


def missing_offices(event: Event, covered: set[tuple[str, str]]) -> list[Opd]:
    """Offices with no submitted proposal in their own dimension group, neither as its lead
    office nor from one of their own participants (storage.proposals.offices_with_proposals)."""
    return [o for o in event.opds if (o.dimension, o.id) not in covered]


def rekap_text(event: Event, counts: Counts, missing: list[Opd], lang: str) -> Html:
    """A monospace table (office × dimension, with totals) and the offices still missing.
    Offices go by their short names (the event file's first alias), which fit a phone."""
    dim_ids = [d.id for d in event.dimensions]
    width = max(len(o.short_name) for o in event.opds)
    other_label = locales.plain(lang, "export.rekap_other")[:width].ljust(width)

    def line(label: str, values: list[int]) -> str:
        return label.ljust(width) + "".join(f"{v:>4}" for v in values) + f"{sum(values):>5}"

    head = " " * width + "".join(f"{SHORT[d]:>4}" for d in dim_ids) + f"{'Σ':>5}"
    rows = [head]
    for opd in event.opds:
        rows.append(line(opd.short_name, [counts.get((d, opd.id), 0) for d in dim_ids]))
    rows.append(line(other_label, [counts.get((d, ""), 0) for d in dim_ids]))
    totals = [sum(n for (dim, _), n in counts.items() if dim == d) for d in dim_ids]
    rows.append(line("Σ", totals))
    table = Html("<pre>" + locales.escape("\n".join(rows)) + "</pre>")
    parts = [
        locales.t(lang, "export.rekap_title", total=sum(totals)),
        table,
        locales.t(lang, "export.rekap_legend"),
        "",
    ]
    if missing:
        parts.append(locales.t(lang, "export.missing_title", count=len(missing)))
        for opd in missing:
            dimension = event.dimension(opd.dimension)
            name = dimension.name if dimension else opd.dimension
            parts.append(locales.t(lang, "export.missing_item", office=opd.name, dimension=name))
    else:
        parts.append(locales.t(lang, "export.missing_none"))
    return Html("\n".join(parts))


async def _nudge_recipients(context: BotContext, missing: list[Opd]) -> list[Participant]:
    """Registered, reachable participants of exactly the missing offices; those who muted
    reminders chose quiet, so they are left out."""
    return await participants.reachable_in_offices(context.db, (o.id for o in missing))


@private_only(Payload.REKAP)
@organisers_only
async def rekap_command(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    counts = await store.counts_by_dimension_office(context.db)
    missing = missing_offices(context.event, await store.offices_with_proposals(context.db))
    text = rekap_text(context.event, counts, missing, lang)
    markup = None
    recipients = await _nudge_recipients(context, missing) if missing else []
    if recipients:
        # The batch id is fixed when the summary is shown: pressing its button twice
        # sends nothing twice (dedupe key per batch and user).
        batch = int(context.services.clock.now().timestamp())
        nudge = button(
            lang, "export.nudge_button", Feature.EXPORT, "nudge", batch, count=len(recipients)
        )
        markup = InlineKeyboardMarkup([[nudge]])
    await reply(update, text, reply_markup=markup)


@organisers_only
async def nudge_button(update: Update, context: BotContext) -> None:
    user = update.effective_user
    lang = lang_of(update)
    press = press_of(update)
    if user is None or press is None or len(press.args) != 1 or press.int_arg() is None:
        await expired(update)
        return
    batch = press.arg()  # kept as pressed: the dedupe key of each reminder is built from it
    await answer_callback(update)
    event = context.event
    missing = missing_offices(event, await store.offices_with_proposals(context.db))
    recipients = await _nudge_recipients(context, missing)
    if not recipients:
        await reply(update, locales.t(lang, "export.nudge_nobody"))
        return
    offices = {o.id: o for o in missing}
    messages = []
    for p in recipients:
        opd = offices[p.opd_id or ""]
        dimension = event.dimension(opd.dimension)
        messages.append(
            OutgoingMessage(
                kind="nudge",
                chat_id=p.user_id,
                payload={"text": _nudge_text(context, p.language, p.full_name, opd, dimension)},
                ref=f"proposals:{batch}",
                dedupe_key=f"nudge:proposals:{batch}:{p.user_id}",
            )
        )
    sender = context.services.sender
    assert sender is not None
    added = await sender.enqueue(messages)
    await audit.record(
        context.db,
        user.id,
        "proposals_nudge",
        batch=batch,
        recipients=len(messages),
        added=added,
        offices=sorted(offices),
    )
    if added == 0:  # this summary's button was pressed before: nobody is nudged twice
        await reply(update, locales.t(lang, "export.nudge_already"))
        return
    await reply(update, locales.t(lang, "export.nudge_sent", count=added))


def _nudge_text(
    context: BotContext, lang: str, name: str | None, opd: Opd, dimension: Dimension | None
) -> str:
    deadline = context.event.proposals.deadline
    note = (
        locales.t(
            lang,
            "proposals.nudge_deadline",
            deadline=format_datetime(deadline, context.event.tz, lang),
        )
        if deadline
        else Html("")
    )
    return locales.t(
        lang,
        "proposals.nudge",
        name=name or "",
        office=opd.name,
        dimension=dimension.name if dimension else opd.dimension,
        deadline_note=note,
    )
