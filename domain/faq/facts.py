"""The facts the FAQ answers are filled with, taken from the event file at a given moment.

Every value is safe Telegram HTML: text from the event file or a profile is escaped here, so
the FAQ templates (locales/faq.*.yaml) can be filled with `FaqEntry.render(facts)` as they are.
No Telegram code: the chat handlers and the command line both use this module.

The meeting link is a fact only for someone domain.meeting_links allows (`links`); anyone
else, and every group, reads that it is sent to registered participants in the private chat.
"""

from __future__ import annotations

from datetime import datetime

import locales
from domain import meeting_links
from locales import escape
from schedules.event import Event, Session, Stage
from schedules.timefmt import format_date, format_datetime, format_range, format_time, zone_name
from storage.db import Database
from storage.participants import Participant


def _session_line(
    event: Event, pair: tuple[Stage, Session] | None, now: datetime, lang: str
) -> str:
    """The next session as /jadwal marks it: "Sedang berlangsung" once it has started,
    else "Berikutnya" (the same rule, Session.in_progress, and the same words)."""
    if pair is None:
        return locales.t(lang, "faq.fact_no_session")
    stage, session = pair
    when = format_range(session.start, session.end, event.tz, lang)
    marker = "schedule.now_marker" if session.in_progress(now) else "schedule.next_marker"
    return locales.t(
        lang,
        "faq.fact_session",
        marker=locales.t(lang, marker),
        stage=stage.title_in(lang),
        session=session.title_in(lang),
        when=when,
    )


def _venue(event: Event, pair: tuple[Stage, Session] | None, lang: str) -> str:
    """The next session's place, else the last place any session names."""
    if pair is not None and pair[1].location:
        return escape(pair[1].location)
    places = [s.location for _, s in event.sessions() if s.location]
    return escape(places[-1]) if places else locales.t(lang, "faq.fact_no_venue")


def _online_url(
    event: Event, pair: tuple[Stage, Session] | None, lang: str, links: bool, private: bool
) -> str:
    if pair is None or not pair[1].online_url:
        return locales.t(lang, "faq.fact_no_link")
    if not links:
        return locales.t(lang, "faq.fact_link_private" if private else "faq.fact_link_group")
    return escape(pair[1].online_url)


def _hours(event: Event, pair: tuple[Stage, Session] | None, lang: str) -> str:
    if pair is None:
        sessions = [s for _, s in event.sessions()]
        if not sessions:
            return locales.t(lang, "faq.fact_no_hours")
        pair = (event.stages[0], sessions[-1])
    session = pair[1]
    tz = event.tz
    start, end = format_time(session.start, tz, lang), format_time(session.end, tz, lang)
    return escape(f"{start}–{end} {zone_name(tz, session.start)}")


def _registration_time(event: Event, pair: tuple[Stage, Session] | None, lang: str) -> str:
    opens = event.event.registration_opens
    if lang == "en":
        opens = opens.replace(".", ":")
    moment = pair[1].start if pair is not None else event.sessions()[0][1].start
    return escape(f"{opens} {zone_name(event.tz, moment)}")


def _schedule(event: Event, lang: str) -> str:
    lines = []
    for stage in sorted(event.stages, key=lambda s: s.start):
        first, last = (
            format_date(stage.start, event.tz, lang),
            format_date(stage.end, event.tz, lang),
        )
        when = first if first == last else f"{first} – {last}"
        line: str = locales.t(lang, "faq.fact_stage", stage=stage.title_in(lang), when=when)
        if stage.example_dates:
            line += " " + locales.t(lang, "faq.fact_example_dates")
        lines.append(line)
    return "\n".join(lines)


def _contacts(event: Event, lang: str) -> str:
    lines = []
    for contact in event.event.contacts:
        lines.append(
            locales.t(
                lang,
                "faq.fact_contact",
                name=contact.name,
                role=f" ({contact.role})" if contact.role else "",
                phone=f", {contact.phone}" if contact.phone else "",
                telegram=f", {contact.telegram}" if contact.telegram else "",
            )
        )
    return "\n".join(lines) or locales.t(lang, "faq.fact_no_contacts")


def _dimensions(event: Event, lang: str) -> str:
    return "\n".join(
        locales.t(lang, "faq.fact_dimension", name=d.name, elements=", ".join(d.elements_in(lang)))
        for d in event.dimensions
    )


def _next_goal(event: Event, pair: tuple[Stage, Session] | None, lang: str) -> str:
    if pair is None or not pair[0].goal_in(lang):
        return locales.t(lang, "faq_more.fact_no_goal")
    return escape(pair[0].goal_in(lang))


def my_group(event: Event, profile: Participant | None, lang: str) -> str:
    """The participant's dimension group, or a hint to register."""
    if profile is None or not profile.is_registered or not profile.dimension:
        return locales.t(lang, "faq.fact_my_group_unregistered")
    if profile.dimension == "all":
        return locales.t(lang, "faq.fact_my_group_all")
    dimension = event.dimension(profile.dimension)
    name = dimension.name if dimension else profile.dimension
    return locales.t(lang, "faq.fact_my_group", dimension=name)


def event_facts(
    event: Event,
    now: datetime,
    lang: str,
    profile: Participant | None = None,
    *,
    links: bool = False,
    private: bool = True,
) -> dict[str, str]:
    """Every placeholder of the FAQ answers, as safe HTML (`my_group` from `profile`). The
    meeting link only with `links` (domain.meeting_links decides); otherwise where it is
    sent, worded for a private chat or a group."""
    pair = event.next_session(now, profile)
    info = event.event
    return {
        "event_name": escape(info.name),
        "regency": escape(info.regency),
        "organiser": escape(info.organiser),
        "venue": _venue(event, pair, lang),
        "online_url": _online_url(event, pair, lang, links, private),
        "next_session": _session_line(event, pair, now, lang),
        "schedule": _schedule(event, lang),
        "hours": _hours(event, pair, lang),
        "registration_time": _registration_time(event, pair, lang),
        "contacts": _contacts(event, lang),
        "proposal_deadline": _deadline(event, lang),
        "max_proposals": escape(event.proposals.max_per_participant),
        "proposal_fields": _proposal_fields(event, lang),
        "dimensions": _dimensions(event, lang),
        "stage_count": escape(len(event.stages)),
        "my_group": my_group(event, profile, lang),
        "next_goal": _next_goal(event, pair, lang),
    }


def _proposal_fields(event: Event, lang: str) -> str:
    """What /usul asks with this event file, one bullet per question, in the form's order."""
    return "\n".join(
        locales.t(lang, f"proposals.faq_item.{q}") for q in event.proposals.questions()
    )


def _deadline(event: Event, lang: str) -> str:
    deadline = event.proposals.deadline
    if deadline is None:
        return locales.t(lang, "faq.fact_no_deadline")
    return escape(format_datetime(deadline, event.tz, lang))


async def facts_for_user(
    db: Database,
    event: Event,
    now: datetime,
    lang: str,
    user_id: int | None,
    private: bool = True,
) -> dict[str, str]:
    """The facts for one user; outside a private chat `my_group` and the meeting link are
    never shown, and in a private chat the link only to whom domain.meeting_links allows."""
    viewer = await meeting_links.viewer(db, user_id, private)
    facts = event_facts(event, now, lang, viewer.person, links=viewer.links, private=private)
    if not private:
        facts["my_group"] = locales.t(lang, "faq.fact_my_group_private")
    return facts
