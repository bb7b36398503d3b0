"""The exporter interface: one class per file format, each building the whole file in memory
from the same `ExportData` (in the spirit of pretalx's exporters). The formats are listed in
`domain.exports.EXPORTERS`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import locales
from domain.exports.records import ExportData


class Exporter(ABC):
    """One file format of the proposal export."""

    format: ClassVar[str]  # the name admins choose ("xlsx", "csv-comma")
    media_type: ClassVar[str]  # the file's MIME type
    extension: ClassVar[str] = ""  # the file's extension when it is not the format's name

    @property
    def label(self) -> str:
        """The format's button label."""
        return self.format.upper()

    @abstractmethod
    def build(self, data: ExportData) -> bytes:
        """The whole file."""

    def filename(self, data: ExportData) -> str:
        """`usulan-program-<local date and time of the export>.<format>` (in English for an
        English reader)."""
        local = data.generated_at.astimezone(data.event.tz)
        stem = locales.plain(data.lang, "lists.export_file")
        return f"{stem}-{local:%Y%m%d-%H%M}.{self.extension or self.format}"
