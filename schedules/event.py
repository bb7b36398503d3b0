"""The event file: one regency's bimtek series, loaded into validated pydantic models."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from locales import load_yaml

DIMENSION_IDS = ("governance", "branding", "economy", "living", "society", "environment")
ROLES = ("tim_pelaksana", "dewan", "narasumber", "lainnya")
MODES = ("offline", "online")
# A participant's dimension "all" (council members, guides) puts them in every dimension group.
ALL_DIMENSIONS = "all"


class Member(Protocol):
    """What the audience rules read of a participant (storage.participants.Participant)."""

    @property
    def role(self) -> str | None: ...
    @property
    def dimension(self) -> str | None: ...
    @property
    def mode(self) -> str | None: ...


class Attendee(Member, Protocol):
    @property
    def is_registered(self) -> bool: ...


def dimension_group(dimension: str | None) -> str | None:
    """The one dimension group a choice names; None for "all dimensions" (or none chosen)."""
    return None if dimension in (None, ALL_DIMENSIONS) else dimension


def in_dimensions(dimension: str | None, dimensions: list[str] | tuple[str, ...]) -> bool:
    """Whether a participant with this dimension belongs to one of `dimensions`."""
    return dimension == ALL_DIMENSIONS or dimension in dimensions


_OFFSET_RE = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_OFFSET_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class EventFileError(ValueError):
    """A bad event file; the message names the file and the path of the bad field.

    `field` is that path ("stages[1].sessions[0].start"), `kind` what is wrong (pydantic's
    error type, or "file", "yaml", "top_level"), `expected` the allowed values when known:
    enough for an explanation in the user's language (domain/event_reload.py)."""

    def __init__(
        self, message: str, *, field: str = "", kind: str = "", expected: str = ""
    ) -> None:
        super().__init__(message)
        self.field = field
        self.kind = kind
        self.expected = expected


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Model):
    name: str
    role: str = ""
    phone: str = ""
    telegram: str = ""


class EventInfo(_Model):
    name: str
    regency: str
    organiser: str
    timezone: str = "Asia/Jakarta"
    registration_opens: str = Field(default="07.30", description="desk opening time, local")
    contacts: list[Contact] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value


class Dimension(_Model):
    id: Literal["governance", "branding", "economy", "living", "society", "environment"]
    name: str  # a proper name ("Smart Living"), the same in every language
    description: str = ""
    description_en: str | None = Field(default=None, description="shown to English users")
    # Proposals store the Indonesian element; English users see the element of the same place.
    elements: list[str] = Field(min_length=3, max_length=3)
    elements_en: list[str] | None = Field(default=None, min_length=3, max_length=3)

    def description_in(self, lang: str) -> str:
        return in_language(lang, self.description, self.description_en)

    def elements_in(self, lang: str) -> list[str]:
        if lang == "en" and self.elements_en:
            return list(self.elements_en)
        return list(self.elements)

    def element_in(self, lang: str, element: str) -> str:
        """A stored (Indonesian) element in `lang`; text that is not one of them as it is."""
        if element in self.elements:
            return self.elements_in(lang)[self.elements.index(element)]
        return element


class Opd(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,30}$")
    name: str
    dimension: Literal["governance", "branding", "economy", "living", "society", "environment"]
    # Short names and abbreviations people type ("DLH", "Dinas LH"); the first is the short
    # name shown where the full name does not fit.
    aliases: list[str] = Field(default_factory=list)

    @property
    def short_name(self) -> str:
        return self.aliases[0] if self.aliases else self.name


class Audience(_Model):
    """Who a session is for; an empty list means "no restriction" on that axis."""

    roles: list[Literal["tim_pelaksana", "dewan", "narasumber", "lainnya"]] = Field(
        default_factory=list
    )
    dimensions: list[
        Literal["governance", "branding", "economy", "living", "society", "environment"]
    ] = Field(default_factory=list)
    modes: list[Literal["offline", "online"]] = Field(default_factory=list)

    def includes(self, role: str | None, dimension: str | None, mode: str | None) -> bool:
        """True when a participant with these attributes belongs to the audience.

        A participant in "all dimensions" (dimension None) belongs to every dimension group.
        """
        if self.roles and role not in self.roles:
            return False
        if self.dimensions and dimension is not None and dimension not in self.dimensions:
            return False
        return not (self.modes and mode not in self.modes)

    def admits(self, member: Member) -> bool:
        """The same for a participant record ("all dimensions" = every group)."""
        return self.includes(member.role, dimension_group(member.dimension), member.mode)

    @property
    def is_everyone(self) -> bool:
        return not (self.roles or self.dimensions or self.modes)


def in_language(lang: str, indonesian: str, english: str | None) -> str:
    """An event text in the user's language: the English one when given, else Indonesian."""
    return (english if lang == "en" else None) or indonesian


class Session(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    title: str
    title_en: str | None = Field(default=None, description="shown to English users")
    start: datetime
    end: datetime
    location: str = ""
    online_url: str | None = None
    audience: Audience = Field(default_factory=Audience)

    def title_in(self, lang: str) -> str:
        return in_language(lang, self.title, self.title_en)

    def in_progress(self, now: datetime) -> bool:
        """Started and not ended: /jadwal's "Sedang berlangsung" and the FAQ's alike."""
        return self.start <= now < self.end

    @field_validator("audience", mode="before")
    @classmethod
    def _all(cls, value: object) -> object:
        return {} if value in ("all", None) else value

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2021-09-06T08:00:00+07:00")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Stage(_Model):
    number: int = Field(ge=1, le=9)
    title: str
    title_en: str | None = Field(default=None, description="shown to English users")
    goal: str = ""
    goal_en: str | None = None
    example_dates: bool = Field(default=False, description="dates are placeholders, not confirmed")
    sessions: list[Session] = Field(min_length=1)

    def title_in(self, lang: str) -> str:
        return in_language(lang, self.title, self.title_en)

    def goal_in(self, lang: str) -> str:
        return in_language(lang, self.goal, self.goal_en)

    @property
    def start(self) -> datetime:
        return min(s.start for s in self.sessions)

    @property
    def end(self) -> datetime:
        return max(s.end for s in self.sessions)


class Reminders(_Model):
    offsets: list[str] = Field(default_factory=lambda: ["1d", "1h"])

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _OFFSET_RE.match(str(value)):
                raise ValueError(f"'{value}' is not an offset like 1d, 1h, 30m or 90s")
        return values

    def deltas(self) -> list[tuple[str, timedelta]]:
        """Each offset with its duration, largest first."""
        pairs = [(o, parse_offset(o)) for o in self.offsets]
        return sorted(pairs, key=lambda pair: pair[1], reverse=True)


# The proposal form's optional questions, in the order asked: the target group (kelompok
# sasaran / penerima manfaat, right after the target), then after the lead office the
# partners, the link to the RPJMD/Renstra, the budget with its source, the location.
OptionalField = Literal["target_group", "partners", "planning", "budget", "location"]
OPTIONAL_FIELDS: tuple[OptionalField, ...] = (
    "target_group",
    "partners",
    "planning",
    "budget",
    "location",
)
# Asked when the event file names them; the target group only then (not by default).
DEFAULT_OPTIONAL_FIELDS: tuple[OptionalField, ...] = ("partners", "planning", "budget", "location")


# The eight questions every proposal form asks, in order (handlers/proposals asks them; the
# FAQ lists them): "lead_opd" is an OPD or a typed institution.
BASE_QUESTIONS = (
    "dimension",
    "element",
    "name",
    "problem",
    "description",
    "target",
    "horizon",
    "lead_opd",
)


class Proposals(_Model):
    deadline: datetime | None = None
    max_per_participant: int = Field(default=10, ge=1, le=100)
    # Which optional questions /usul asks (all but the target group by default; [] keeps the
    # form to eight).
    optional_fields: list[OptionalField] = Field(
        default_factory=lambda: list(DEFAULT_OPTIONAL_FIELDS)
    )

    @field_validator("optional_fields")
    @classmethod
    def _no_repeats(cls, values: list[OptionalField]) -> list[OptionalField]:
        _unique("optional_fields", list(values))
        return [f for f in OPTIONAL_FIELDS if f in values]  # always asked in the one order

    def asks(self, field: str) -> bool:
        return field in self.optional_fields

    def questions(self) -> tuple[str, ...]:
        """Every question /usul asks with this event file, in order (follow-ups not counted)."""
        base = list(BASE_QUESTIONS)
        if self.asks("target_group"):
            base.insert(base.index("target") + 1, "target_group")
        return (*base, *(f for f in self.optional_fields if f != "target_group"))


class Criterion(_Model):
    """One thing reviewers score from 1 to 5."""

    id: str = Field(pattern=r"^[a-z0-9_]{1,20}$")
    name: str
    name_en: str | None = None

    def name_in(self, lang: str) -> str:
        return in_language(lang, self.name, self.name_en)


DEFAULT_CRITERIA = (
    Criterion(id="dampak", name="Dampak", name_en="Impact"),
    Criterion(id="kelayakan", name="Kelayakan", name_en="Feasibility"),
    Criterion(
        id="kesesuaian",
        name="Kesesuaian dengan RPJMD/visi daerah",
        name_en="Fit with the RPJMD/regional vision",
    ),
    Criterion(id="inovasi", name="Inovasi", name_en="Innovation"),
    Criterion(id="efisiensi", name="Efisiensi biaya", name_en="Cost efficiency"),
)


class Review(_Model):
    """The review by the tim pendamping: the criteria scored 1-5, in the order asked."""

    criteria: list[Criterion] = Field(
        default_factory=lambda: list(DEFAULT_CRITERIA), min_length=1, max_length=10
    )

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, values: list[Criterion]) -> list[Criterion]:
        _unique("review.criteria", [c.id for c in values])
        return values


class Privacy(_Model):
    """What the privacy notice promises about retention (UU 27/2022)."""

    retention_until: date = Field(
        description="personal data is kept through this day (the event's time zone), then erased"
    )


class CheckIn(_Model):
    """The check-in window of every session: from `opens_before` its start until
    `closes_after` its end (offsets like 60m, 0m)."""

    opens_before: str = "60m"
    closes_after: str = "0m"

    @field_validator("opens_before", "closes_after")
    @classmethod
    def _offset(cls, value: str) -> str:
        parse_offset(value)
        return value

    def window(self, session: Session) -> tuple[datetime, datetime]:
        return (
            session.start - parse_offset(self.opens_before),
            session.end + parse_offset(self.closes_after),
        )


class Signatory(_Model):
    name: str
    title: str = ""
    office: str = ""
    signature_image: str | None = Field(default=None, description="a PNG/JPEG path, optional")


class CertificateRule(_Model):
    """What earns a stage's certificate: every session meant for the participant ("all"), or
    at least `min_sessions` of them; and who signs it."""

    stage: int = Field(ge=1, le=9)
    require: Literal["all", "at_least"] = "all"
    min_sessions: int = Field(default=1, ge=1)
    signatory: Signatory


class Event(_Model):
    event: EventInfo
    dimensions: list[Dimension]
    opds: list[Opd] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    reminders: Reminders = Field(default_factory=Reminders)
    proposals: Proposals = Field(default_factory=Proposals)
    review: Review = Field(default_factory=Review)
    privacy: Privacy  # after `stages`: its check reads them
    attendance: CheckIn = Field(default_factory=CheckIn)
    certificates: list[CertificateRule] = Field(default_factory=list)

    @field_validator("privacy")
    @classmethod
    def _after_the_last_session(cls, value: Privacy, info: ValidationInfo) -> Privacy:
        stages, info_ = info.data.get("stages"), info.data.get("event")
        if not stages or info_ is None:
            return value  # reported on their own fields
        last = max(s.end for stage in stages for s in stage.sessions)
        last_day = last.astimezone(ZoneInfo(info_.timezone)).date()
        if value.retention_until <= last_day:
            raise ValueError(
                f"retention_until ({value.retention_until.isoformat()}) must be after the last "
                f"session, which ends on {last_day.isoformat()}"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        ids = [d.id for d in self.dimensions]
        if sorted(ids) != sorted(DIMENSION_IDS):
            raise ValueError(f"dimensions must be exactly the six: {', '.join(DIMENSION_IDS)}")
        _unique("opds", [o.id for o in self.opds])
        _unique("stages", [s.number for s in self.stages])
        _unique("sessions", [s.id for st in self.stages for s in st.sessions])
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.event.timezone)

    def dimension(self, dimension_id: str | None) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def opd(self, opd_id: str | None) -> Opd | None:
        return next((o for o in self.opds if o.id == opd_id), None)

    def office_name(self, opd_id: str | None, other: str | None) -> str:
        """An office as people read it: the OPD's name, else the typed institution."""
        opd = self.opd(opd_id)
        return opd.name if opd else (other or "")

    def stage(self, number: int) -> Stage | None:
        return next((s for s in self.stages if s.number == number), None)

    def sessions(self) -> list[tuple[Stage, Session]]:
        """Every session with its stage, in time order."""
        pairs = [(stage, session) for stage in self.stages for session in stage.sessions]
        return sorted(pairs, key=lambda pair: pair[1].start)

    def session(self, session_id: str) -> tuple[Stage, Session] | None:
        return next((p for p in self.sessions() if p[1].id == session_id), None)

    def next_session(
        self, now: datetime, member: Attendee | None = None
    ) -> tuple[Stage, Session] | None:
        """The next session (not ended yet) this person attends: one of their audience when
        `member` is a registered participant, else one meant for everyone; failing that, the
        next session of all. The one rule behind /jadwal's marker and the FAQ's facts."""
        upcoming = [pair for pair in self.sessions() if pair[1].end > now]
        if member is not None and member.is_registered:
            mine = [pair for pair in upcoming if pair[1].audience.admits(member)]
        else:
            mine = [pair for pair in upcoming if pair[1].audience.is_everyone]
        found = mine or upcoming
        return found[0] if found else None

    def retention_ends(self) -> datetime:
        """When personal data is erased: the start of the day after `privacy.retention_until`,
        in the event's time zone (the data is kept through that day)."""
        day = self.privacy.retention_until + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=self.tz)

    def check_in_window(self, session: Session) -> tuple[datetime, datetime]:
        """When a session's attendance can be recorded (the `attendance` rule of the file)."""
        return self.attendance.window(session)

    def certificate_rule(self, stage_number: int) -> CertificateRule | None:
        return next((r for r in self.certificates if r.stage == stage_number), None)

    def current_stage(self, now: datetime) -> Stage:
        """The stage in progress, else the next one, else the last one."""
        upcoming = [s for s in sorted(self.stages, key=lambda s: s.start) if s.end > now]
        return upcoming[0] if upcoming else max(self.stages, key=lambda s: s.start)


def _unique(name: str, values: list[object]) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{name}: '{value}' appears twice")
        seen.add(value)


def parse_offset(text: str) -> timedelta:
    """'1d' -> 1 day, '90s' -> 90 seconds."""
    match = _OFFSET_RE.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not an offset like 1d, 1h, 30m or 90s")
    return timedelta(**{_OFFSET_UNITS[match.group(2)]: int(match.group(1))})


def _error_path(loc: tuple[int | str, ...]) -> str:
    """('stages', 1, 'sessions', 0, 'start') -> 'stages[1].sessions[0].start'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "literal")) or part in ("list", "dict"):
            continue
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def load_event(path: Path | str) -> Event:
    """Read and validate an event file; raise EventFileError with one readable line."""
    path = Path(path)
    try:
        raw = load_yaml(path)
    except FileNotFoundError as exc:
        raise EventFileError(f"{path}: file not found", kind="file") from exc
    except (OSError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = str(line + 1) if line is not None else ""
        message = f"{path}: not readable YAML ({exc})".replace("\n", " ")
        raise EventFileError(message, kind="yaml", field=where) from exc
    if not isinstance(raw, dict):
        raise EventFileError(f"{path}: expected a mapping at the top level", kind="top_level")
    try:
        return Event.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        field = _error_path(first["loc"])
        expected = str((first.get("ctx") or {}).get("expected", ""))
        raise EventFileError(
            f"{path}: {field}: {message}", field=field, kind=first["type"], expected=expected
        ) from exc
