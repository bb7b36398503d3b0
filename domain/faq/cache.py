"""The built FAQ books, pickled in the bot's data folder: a restart loads them (about 0.15 s)
instead of building them again (the speller's 30,000 words, BM25 and the stems: about 1 s).

The file's name carries a digest of everything the books are made from: the FAQ files
(locales/faq*.yaml), the code that builds them (domain/faq/*.py), Python's version and the
versions of the libraries whose objects are pickled. A change of any of them gives another
name, so a stale file is never read; older files are removed when a new one is written. A
damaged file is built again; a folder that cannot be written only costs the build.

Whatever object the builder returns is pickled as it is. A pickle is code: it is read only
from the bot's own data folder, next to its database."""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar, cast

from locales import LOCALES_DIR

log = logging.getLogger(__name__)

T = TypeVar("T")
PREFIX = "faq-index-"
LIBRARIES = ("symspellpy", "rank-bm25", "PySastrawi", "indoNLP", "numpy")
CODE_DIR = Path(__file__).resolve().parent

_folder: Path | None = None


def use(folder: Path | None) -> None:
    """Keep the built books in `folder` from now on (None: build them every time)."""
    global _folder
    _folder = folder


def digest() -> str:
    """The digest of the FAQ files, the FAQ code and the versions the pickle depends on."""
    h = hashlib.sha256(sys.version.encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"\0{name}={version}".encode())
    for path in sorted([*LOCALES_DIR.glob("faq*.yaml"), *CODE_DIR.glob("*.py")]):
        h.update(f"\0{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def path_in(folder: Path) -> Path:
    return folder / f"{PREFIX}{digest()}.pickle"


def load_or_build(build: Callable[[], T], elsewhere: Callable[[Path], bool] | None = None) -> T:
    """The books from the cache file when it is there and readable, else `build()` (and the
    file written for the next start). With `elsewhere`, a missing file is first made by it
    (another process: the bot's own threads and event loop then do not compete with a
    second of pure-Python CPU for the GIL), then read; when it fails, built here."""
    if _folder is None:
        return build()
    path = path_in(_folder)
    there, found = _read(path, "read from")
    if not there and elsewhere is not None and elsewhere(path):
        _, found = _read(path, "built in a child process and written to")
    if found is not None:
        return cast(T, found)
    value = build()
    try:
        _write(path, value)
        log.info("FAQ index built and written to %s", path)
    except Exception as exc:  # read-only folder, full disk, an object pickle cannot take
        log.warning("FAQ cache %s not written (%s: %s)", path, type(exc).__name__, exc)
    return value


def _read(path: Path, how: str) -> tuple[bool, object | None]:
    """Whether the cache file is there, and its value (None when it is unreadable: damaged
    or from an incompatible build, then built again)."""
    try:
        with path.open("rb") as file:
            value: object = pickle.load(file)  # our own file: see the docstring
    except FileNotFoundError:
        return False, None
    except Exception as exc:
        log.warning(
            "FAQ cache %s unreadable (%s: %s): building the index", path, type(exc).__name__, exc
        )
        return True, None
    log.info("FAQ index %s %s", how, path)
    return True, value


def _write(path: Path, value: object) -> None:
    """Write atomically (another process may read meanwhile), then drop older files."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
    for old in path.parent.glob(f"{PREFIX}*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def _rewrap(method: Callable[..., Any], maxsize: int | None) -> Callable[..., Any]:
    return functools.lru_cache(maxsize=maxsize)(method)


class _Pickler(pickle.Pickler):
    """Pickles an lru_cache around a bound method (an object's own cache, such as the index's
    `resolve`) as a new, empty cache around the same method: pickle refuses those."""

    def reducer_override(self, obj: Any) -> Any:
        wrapped = getattr(obj, "__wrapped__", None)
        if isinstance(obj, functools._lru_cache_wrapper) and hasattr(wrapped, "__self__"):
            return _rewrap, (wrapped, obj.cache_parameters()["maxsize"])
        return NotImplemented
