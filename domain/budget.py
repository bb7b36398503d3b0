"""Rupiah amounts as people type them: "1,5 M", "750 juta", "Rp 250.000.000",
"1.500.000.000", "2 miliar", "Rp2,5 T". Read to a whole number of rupiah, written back the
one way the bot shows them ("Rp 1.500.000.000").

Hand-written because no library reads Indonesian unit words (juta, miliar) together with
the Indonesian separators (dot for thousands, comma for decimals); babel parses the
separators but not the units, and would read "1.5" as fifteen."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Unit words and their multipliers (lower case, without a trailing dot).
UNITS: dict[str, int] = {
    "rb": 10**3,
    "ribu": 10**3,
    "k": 10**3,
    "jt": 10**6,
    "juta": 10**6,
    "million": 10**6,
    "m": 10**9,
    "miliar": 10**9,
    "milyar": 10**9,
    "milliar": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "triliun": 10**12,
    "trilyun": 10**12,
    "trillion": 10**12,
}
# Words that say no estimate exists yet (the "Belum diperkirakan" button, typed).
NOT_ESTIMATED = (
    "belum diperkirakan",
    "belum",
    "belum ada",
    "belum tahu",
    "belum dihitung",
    "tidak tahu",
    "not estimated",
    "not yet estimated",
    "unknown",
)
MAX_RUPIAH = 10**15  # a thousand trillion: more than any regency's budget
_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
# "sekitar 1,5 M", "± Rp 2 miliar", "about 750 million": an estimate said to be one, which the
# question asks for anyway; the words in front say nothing about the amount.
_ABOUT = re.compile(
    r"^(sekitar|kurang lebih|lebih kurang|kira-kira|kira2|kurleb|kisaran|perkiraan|estimasi|"
    r"approx\.?|approximately|about|around|±|\+/?-|~)\s*",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"^(?P<number>\d[\d.,]*)\s*(?P<unit>[a-z]+)?\.?$")
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


@dataclass(frozen=True)
class Budget:
    """What a typed budget said: an amount in rupiah, or "not estimated yet" (amount None)."""

    amount: int | None

    @property
    def estimated(self) -> bool:
        return self.amount is not None


def _number(text: str, with_unit: bool) -> float | None:
    """A number with Indonesian (or English) separators. Without a unit, a dot or comma
    followed by groups of three digits separates thousands ("1.500.000.000", "250,000");
    a final ",00" is cents. With a unit, one separator is the decimal point ("1,5", "1.5")
    unless groups of three follow it ("1.500 juta")."""
    text = text.rstrip(".,")
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return float(text)
    cents = re.fullmatch(r"(?P<whole>[\d.,]+)[.,](?P<cents>\d{2})", text)
    if _THOUSANDS.match(text) and not (with_unit and re.fullmatch(r"\d{1,3}[.,]\d{3}", text)):
        return float(re.sub(r"[.,]", "", text))
    if with_unit and re.fullmatch(r"\d+[.,]\d+", text):
        if re.fullmatch(r"\d{1,3}[.,]\d{3}", text):
            return float(re.sub(r"[.,]", "", text))  # "1.500 juta": thousands, not 1.5
        return float(text.replace(",", "."))
    if cents and (_THOUSANDS.match(cents["whole"]) or cents["whole"].isdigit()):
        whole = float(re.sub(r"[.,]", "", cents["whole"]))
        return whole + int(cents["cents"]) / 100
    return None


def parse_budget(text: str) -> Budget | None:
    """The budget a text gives, or None when it gives none the bot can be sure of (then
    the bot asks again, with examples: it never guesses)."""
    cleaned = " ".join(text.lower().split())
    if cleaned.rstrip(".") in NOT_ESTIMATED:
        return Budget(None)
    cleaned = _ABOUT.sub("", cleaned).strip()
    cleaned = _CURRENCY.sub("", cleaned).strip()
    cleaned = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)  # "1 500 000": spaces as separators
    match = _AMOUNT.match(cleaned.replace(" ,", ","))
    if match is None:
        return None
    unit = match["unit"]
    if unit is not None and unit not in UNITS:
        return None
    value = _number(match["number"], unit is not None)
    if value is None:
        return None
    rupiah = round(value * (UNITS[unit] if unit else 1))
    if rupiah <= 0 or rupiah > MAX_RUPIAH:
        return None
    return Budget(rupiah)


def format_rupiah(amount: int) -> str:
    """ "Rp 1.500.000.000": dots between thousands, as rupiah are written in Indonesia."""
    return "Rp " + f"{amount:,}".replace(",", ".")
