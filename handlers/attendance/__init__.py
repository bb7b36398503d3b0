"""Attendance (presensi): /presensi and /tandai for organisers, the scanned QR and the online
Hadir button for participants, the live QR refresh and the online invitations."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.attendance import checkin, live, organiser
from handlers.attendance.views import END, LIST, MANUAL, MARK, MISSING, PICK, POSTER
from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names

ATT = Feature.ATTENDANCE

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("presensi"), organiser.presensi),
    CommandHandler(names("tandai"), organiser.tandai),
    CallbackQueryHandler(checkin.on_online_press, pattern=pattern(ATT, checkin.ONLINE)),
    CallbackQueryHandler(organiser.on_pick, pattern=pattern(ATT, PICK)),
    CallbackQueryHandler(organiser.on_missing, pattern=pattern(ATT, MISSING)),
    CallbackQueryHandler(organiser.on_manual_hint, pattern=pattern(ATT, MANUAL)),
    CallbackQueryHandler(organiser.on_mark, pattern=pattern(ATT, MARK)),
    CallbackQueryHandler(organiser.on_poster, pattern=pattern(ATT, POSTER)),
    CallbackQueryHandler(organiser.on_list, pattern=pattern(ATT, LIST)),
    CallbackQueryHandler(organiser.on_end, pattern=pattern(ATT, END)),
]

scan = checkin.scan
after_registration = checkin.after_registration
refresh_live = live.refresh
invite_online = live.invite_online

__all__ = ["HANDLERS", "after_registration", "invite_online", "refresh_live", "scan"]
