"""Every button press gets an answer, whatever its data: the client's spinner stops and
nothing changes (issue: faults, "every button press gets an answer")."""

from __future__ import annotations

import asyncio

from storage import audit

GARBAGE = [
    "",
    "x",
    ":",
    "::::",
    "nope:1",
    "reg",
    "reg:",
    "reg:consent",
    "reg:opd:" + "x" * 50,
    "prof",
    "prof:edit",
    "prof:edit:status",
    "del",
    "del:maybe",
    "jdw",
    "jdw:stage",
    "jdw:stage:²",
    "jdw:stage:99999999999999999999",
    "prop",
    "prop:v",
    "prop:v:name",
    "prop:fields",
    "usl",
    "usl:view",
    "usl:view:²",
    "usl:view:-1",
    "faq",
    "faq:q",
    "faq:cat:nothing",
    "faq:ask",
    "faq:ask:abc",
    "adm",
    "adm:rm",
    "adm:rm:²",
    "exp",
    "exp:fmt",
    "exp:fmt:pdf",
    "exp:nudge",
    "exp:nudge:x",
    "bc",
    "bc:c",
    "bc:c:²",
    "bc:a:nothing",
    "flw:ans",
    "🙂",
]


async def test_every_garbage_press_is_answered_and_changes_nothing(tg, bot, admin) -> None:
    await admin.send("/bantuan")
    menu = await admin.expect("Perintah yang tersedia")
    before = await audit.entries(bot.db)
    people = [tg.user(first_name=f"Iseng{i}", language_code="id") for i in range(3)]
    for person in people:
        await person.send("/jadwal")
        await person.expect("Jadwal")

    async def press_all(person, items) -> list[str]:
        missing = []
        for data in items:
            message = person.messages[-1]
            try:
                await person.press_data(data, message, timeout=3)
            except AssertionError:
                missing.append(data)
        return missing

    chunks = [GARBAGE[i :: len(people)] for i in range(len(people))]
    results = await asyncio.gather(*(press_all(p, c) for p, c in zip(people, chunks, strict=True)))
    assert [d for r in results for d in r] == []
    admin_missing = await press_all(admin, ["adm:rm:1", "adm:zz:1", "exp:fmt:zip", "bc:c:1"])
    assert admin_missing == []
    assert menu is not None
    assert await audit.entries(bot.db) == before  # nothing happened
