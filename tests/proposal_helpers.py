"""Seeding and form-filling helpers shared by the proposal and export tests."""

from __future__ import annotations

from typing import Any

import locales
from storage import proposals as store
from tests.harness import future_event
from tests.seeding import registered

EVENT = future_event()
# Dimension names (and their buttons' labels) as the event file has them, in its order.
DIMENSION_NAMES = {d.id: d.name for d in EVENT.dimensions}
OPD_NAMES = {o.id: o.name for o in EVENT.opds}
# One office of each dimension group in demo-future.yaml: (id, name from the event file).
OFFICE_OF = {
    dimension: (opd_id, OPD_NAMES[opd_id])
    for dimension, opd_id in {
        "governance": "diskominfo",
        "branding": "disparbud",
        "economy": "dkpp",
        "living": "dinkes",
        "society": "dispendik",
        "environment": "dlh",
    }.items()
}
assert all(
    next(o for o in EVENT.opds if o.id == i).dimension == d for d, (i, _) in OFFICE_OF.items()
)


async def register(
    db: Any,
    user_id: int,
    name: str = "Budi Santoso",
    dimension: str = "governance",
    opd_id: str | None = None,
    language: str = "id",
    **extra: Any,
) -> None:
    """A registered participant of `dimension`, by default from that group's office."""
    await registered(
        db,
        user_id,
        full_name=name,
        opd_id=opd_id if opd_id is not None else OFFICE_OF[dimension][0],
        dimension=dimension,
        language=language,
        **extra,
    )


async def seed_proposals(
    db: Any, user_id: int, count: int, dimension: str = "governance", name: str = "Program contoh"
) -> None:
    await store.insert_submitted(
        db,
        [
            {
                "user_id": user_id,
                "stage": 1,
                "dimension": dimension,
                "element": "Kebijakan",
                "name": f"{name} {i}",
                "problem": "Masalah",
                "description": "Inovasi",
                "target": "Target",
                "horizon": "medium",
                "lead_opd_id": OFFICE_OF[dimension][0],
            }
            for i in range(count)
        ],
    )


async def fill_form(
    user: Any,
    dimension: str,
    element: str,
    name: str,
    horizon_label: str = locales.plain("id", "proposals.horizon.quick_win"),
    office_label: str | None = None,
    problem: str = "Antrean layanan yang panjang di kantor.",
    description: str = "Aplikasi antrean daring dan kebijakan layanan satu hari.",
    target: str = "Warga; indikator: waktu tunggu turun 50%.",
    own_group: bool = True,
    partners: tuple[str, ...] = (),
    planning_label: str = locales.plain("id", "proposals.planning.new"),
    budget: str | None = None,
    source_label: str = locales.plain("id", "proposals.source.apbd"),
    location: str | None = None,
) -> Any:
    """Answer all twelve questions of /usul; returns the preview message. The participant's
    own dimension group is marked with a tick on its button. `partners` are pressed (OPD
    names) or typed (anything else); the budget is typed, or "Belum diperkirakan" pressed."""
    await user.send("/usul")
    await user.expect("1/12")
    await user.press(("✓ " if own_group else "") + DIMENSION_NAMES[dimension])
    await user.expect("2/12")
    await user.press(element)
    await user.expect("3/12")
    await user.send(name)
    await user.expect("4/12")
    await user.send(problem)
    await user.expect("5/12")
    await user.send(description)
    await user.expect("6/12")
    await user.send(target)
    await user.expect("7/12")
    await user.press(horizon_label)
    await user.expect("8/12")
    short = next(o.short_name for o in EVENT.opds if o.id == OFFICE_OF[dimension][0])
    own_office = locales.plain("id", "proposals.own_office", office=short)
    await user.press(office_label or own_office)
    await finish_optional(user, partners, planning_label, budget, source_label, location)
    return await user.expect("Pratinjau usulan")


async def finish_optional(
    user: Any,
    partners: tuple[str, ...] = (),
    planning_label: str = locales.plain("id", "proposals.planning.new"),
    budget: str | None = None,
    source_label: str | None = None,
    location: str | None = None,
    lang: str = "id",
) -> None:
    """Questions 9-12 (partners, planning link, budget and source, location)."""
    await user.expect("9/12")
    for partner in partners:
        if partner in OPD_NAMES.values():
            await user.press(partner)  # answered once the ticks have changed
        else:
            await user.send(partner)
            await user.expect("9/12")
    await user.press(locales.plain(lang, "proposals.btn.partners_done"))
    await user.expect("10/12")
    await user.press(planning_label)
    if planning_label != locales.plain(lang, "proposals.planning.new"):
        await user.expect("kode program" if lang == "id" else "name or code")
        await user.press(locales.plain(lang, "proposals.btn.skip"))
    await user.expect("11/12")
    if budget is None:
        await user.press(locales.plain(lang, "proposals.budget_unknown"))
    else:
        await user.send(budget)
    await user.expect("sumber anggaran" if lang == "id" else "source of funding")
    await user.press(source_label or locales.plain(lang, "proposals.source.apbd"))
    await user.expect("12/12")
    if location is None:
        await user.press(locales.plain(lang, "proposals.btn.skip"))
    else:
        await user.send(location)


async def alert_of(pressing: Any) -> str:
    """The text of the callback answer (alert) a button press got."""
    return str(await pressing)
