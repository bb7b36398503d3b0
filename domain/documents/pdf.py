"""The A4 page every document uses: DejaVu Sans embedded (any Indonesian name, title or
accent prints as typed; Bitstream Vera licence, fonts/LICENSE).

fpdf2 and fontTools (with numpy) take about half a second to import: the documents import
this module when they build one, not when the bot starts."""

from __future__ import annotations

import copy
import functools
import hashlib
import pickle
import tempfile
from pathlib import Path

from fontTools import subset
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from domain.documents.qr import qr_png as qr_png  # where the documents always found it

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Latin with every accent (Basic Latin to Latin Extended-B, Latin Extended Additional),
# general punctuation, the euro: what Indonesian names, titles and offices use. Reading the
# whole DejaVu takes 0.2 s per style and document; this subset a tenth of it, which is what
# makes 500 certificates fit in seconds. Text with anything else gets the whole font.
LATIN = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070),
     0x20AC, 0x2122, 0x25CF]
)  # fmt: skip


def is_latin(*texts: str) -> bool:
    return all(ord(ch) in LATIN for text in texts for ch in text if ch not in "\n\t")


@functools.cache
def _latin_files() -> dict[str, Path]:
    """The Latin subsets of the shipped fonts, made once per process in the temp folder."""
    digest = hashlib.sha256(b"".join((FONT_DIR / f).read_bytes()[:4096] for f in FILES.values()))
    folder = Path(tempfile.gettempdir()) / f"bimtek-fonts-2-{digest.hexdigest()[:12]}"
    folder.mkdir(exist_ok=True)
    made = {}
    for style, name in FILES.items():
        target = folder / f"latin-{name}"
        if not target.exists():
            options = subset.Options(notdef_outline=True, recommended_glyphs=True)
            # fpdf2 places glyphs one by one (no text shaping here): kerning and ligature
            # tables would only be read and subset again for every document.
            options.layout_features = []
            options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern"]
            font = subset.load_font(str(FONT_DIR / name), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(LATIN))
            subsetter.subset(font)
            partial = target.with_suffix(".part")
            subset.save_font(font, str(partial), options)
            partial.replace(target)  # another process may be writing the same file
        made[style] = target
    return made


@functools.cache
def _parsed(path: str, style: str) -> tuple[TTFFont, bytes]:
    """A font parsed once (every table read), and its pickled parse for each document."""
    scratch = FPDF()
    scratch.add_font(FONT, style, path)
    font = scratch.fonts[f"{FONT.lower()}{style}"]
    assert isinstance(font, TTFFont)
    tags = font.ttfont.keys()  # a TTFont is not iterable
    for tag in tags:
        font.ttfont[tag]  # load every table now (fontTools reads lazily)
    return font, pickle.dumps(font.ttfont)


class Page(FPDF):
    """A4 portrait (or landscape) with the embedded fonts and, when `numbered`, "Halaman n
    dari m" at the foot of every page."""

    def __init__(
        self,
        orientation: str = "P",
        numbered: bool = False,
        page_label: str = "",
        latin_only: bool = False,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        files = _latin_files() if latin_only else {k: FONT_DIR / v for k, v in FILES.items()}
        for style, path in files.items():
            self._add_parsed_font(style, path)
        self.set_font(FONT, size=10)
        self.numbered = numbered
        self.page_label = page_label  # "Halaman {page} dari {pages}"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def _add_parsed_font(self, style: str, path: Path) -> None:
        """add_font, without reading the file again: fpdf2 parses a TrueType file for every
        document (a tenth of a second) and then subsets the parsed font in place, so each
        document gets its own copy of a font parsed once per process (unpickling it takes a
        millisecond). Any surprise from fpdf2's internals falls back to add_font."""
        key = f"{FONT.lower()}{style}"
        try:
            proto, pickled = _parsed(str(path), style)
            font = copy.copy(proto)
            font.i = len(self.fonts) + 1
            font.ttfont = pickle.loads(pickled)  # our own bytes, made just above
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            font.subset = SubsetMap(font)
            self.fonts[key] = font
        except Exception:  # pragma: no cover - a changed fpdf2
            self.fonts.pop(key, None)
            self.add_font(FONT, style, str(path))

    def footer(self) -> None:
        if not self.numbered:
            return
        self.set_y(-12)
        self.set_font(FONT, size=8)
        label = self.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 6, label, align="C")

    def output_bytes(self) -> bytes:
        return bytes(self.output())
