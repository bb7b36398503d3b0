"""The one /start router: a table from deep-link payload to the handler of its command.

`t.me/<bot>?start=<payload>` arrives as `/start <payload>`. Each personal command answers in a
group with a button that carries its own payload (handlers/base/links.py), and the table
below sends that payload to the same handler as the command, so the person lands where the
command would have taken them. A bare /start, or a payload nobody knows, gets the welcome
(and, for someone not registered, the registration)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from handlers import attendance, certificates, feedback, materials
from handlers.base.context import BotContext, is_private
from handlers.base.links import Payload
from handlers.broadcast import siaran
from handlers.broadcast import steps as broadcast
from handlers.export import commands as export
from handlers.faq import commands as faq
from handlers.language import commands as language
from handlers.privacy import commands as privacy
from handlers.proposals import commands as proposals
from handlers.proposals import rekap
from handlers.registration import commands as registration
from handlers.registration import profile
from handlers.review import commands as review
from handlers.schedule import commands as schedule
from handlers.selection import rounds as selection
from handlers.start import commands as start

Handler = Callable[[Update, BotContext], Awaitable[object]]


async def _cancel(update: Update, context: BotContext) -> None:
    await context.services.flows.cancel(update, context)


ROUTES: dict[Payload, Handler] = {
    Payload.DAFTAR: registration.daftar,
    Payload.PROFIL: profile.profil,
    Payload.DATASAYA: privacy.datasaya,
    Payload.HAPUSDATA: privacy.hapusdata,
    Payload.JADWAL: schedule.jadwal,
    Payload.PENGINGAT: schedule.pengingat,
    Payload.USUL: proposals.usul_command,
    Payload.USULANKU: proposals.my_command,
    Payload.FAQ: faq.faq_command,
    Payload.BANTUAN: start.help_command,
    Payload.BATAL: _cancel,
    Payload.REKAP: rekap.rekap_command,
    Payload.EKSPOR: export.export_command,
    Payload.UMUMKAN: broadcast.umumkan,
    Payload.SIARAN: siaran.siaran,
    Payload.TINJAU: review.tinjau,
    Payload.SELEKSI: selection.seleksi,
    Payload.BAHASA: language.bahasa,
}


ROUTES[Payload.PRESENSI] = attendance.organiser.presensi
ROUTES[Payload.SERTIFIKAT] = certificates.commands.sertifikat
ROUTES[Payload.MATERI] = materials.commands.materi
ROUTES[Payload.UMPANBALIK] = feedback.commands.umpanbalik


async def _hadir(update: Update, context: BotContext, value: str) -> None:
    """A scanned attendance QR; someone not registered registers first (the scan is kept
    and recorded when the registration is complete)."""
    if await attendance.scan(update, context, value):
        await registration.daftar(update, context)


Parameterised = Callable[[Update, BotContext, str], Awaitable[object]]

# Payloads that carry a value: `start=<payload>_<value>`.
PARAMETERISED: dict[Payload, Parameterised] = {
    Payload.HADIR: _hadir,
    Payload.CEK: certificates.verify,
}


def route(payload: str) -> Handler | None:
    """The handler of a payload, or None for a bare /start or an unknown payload."""
    prefix, _, value = payload.partition("_")
    if value:
        try:
            handler = PARAMETERISED[Payload(prefix)]
        except (ValueError, KeyError):
            return None
        return lambda update, context: handler(update, context, value)
    try:
        return ROUTES[Payload(payload)]
    except (ValueError, KeyError):
        return None


async def on_start(update: Update, context: BotContext) -> None:
    """Every /start."""
    payload = (context.args or [""])[0]
    handler = route(payload)
    if handler is not None:
        await handler(update, context)
        return
    await start.welcome(update, context)
    if is_private(update):
        # A conversation in progress: where it is and what it has stored so far.
        await registration.offer(update, context)
        await proposals.resume_open_form(update, context)
