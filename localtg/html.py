"""Telegram's ``parse_mode=HTML`` as the Bot API server implements it (tdlib's ``parse_html``).

:func:`parse_html` turns the HTML a bot sends into the plain text a user sees plus the list of
MessageEntity dicts (offsets in UTF-16 code units, as Telegram returns them), or raises
:class:`HTMLParseError` with the message Telegram puts after "Bad Request: can't parse entities: ".

Differences from the real server, on purpose:

* ``strict_entities=True`` (the default) rejects a "&" that does not start one of ``&lt;``
  ``&gt;`` ``&amp;`` ``&quot;`` or a numeric reference ending in ";". Real Telegram keeps such an
  "&" literally (and also accepts ``&amp`` without ";"), but a bot that sends a bare "&" almost
  certainly forgot to escape user input, so the tests should notice.
* Tag nesting rules that Telegram silently "fixes" (e.g. bold inside ``<pre>``) are not checked.
"""

from __future__ import annotations

__all__ = ["HTMLParseError", "parse_html", "utf16_len", "strip_formatted"]

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "tg-emoji",
        "blockquote",
    }
)

_ENTITY_TYPE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class HTMLParseError(ValueError):
    """The text after "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (what Telegram's entity offsets count)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, pos: int, strict: bool) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == "&"``; return (char, next_pos)."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexa = end < n and text[end] in "xX"
        if hexa:
            end += 1
        digits_start = end
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        while end < n and text[end] in digits:
            end += 1
        if end == digits_start or end - pos >= 10:
            return None
        code = int(text[digits_start:end], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED:
            return None
        char = _NAMED[name]
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


def parse_html(text: str, *, strict_entities: bool = True) -> tuple[str, list[dict]]:
    """Parse Telegram HTML. Returns (plain_text, entities); raises HTMLParseError."""
    out: list[str] = []
    u16 = 0
    entities: list[dict] = []
    # open tags: (name, argument, utf16 offset, len(out) at open, byte offset of "<")
    stack: list[tuple[str, str, int, int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i, strict_entities)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                u16 += utf16_len(char)
                continue
            if strict_entities:
                raise HTMLParseError(
                    f"Unsupported HTML entity at byte offset {_byte_offset(text, i)}: "
                    'escape "&" as "&amp;" (fake server strict mode)'
                )
        if c != "<":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue

        begin = i
        begin_byte = _byte_offset(text, begin)
        i += 1
        if i < n and text[i] == "/":
            # end tag
            if not stack:
                raise HTMLParseError(f"Unexpected end tag at byte offset {begin_byte}")
            j = i + 1
            while j < n and text[j] not in _SPACES and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j].lower()
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n or text[j] != ">":
                raise HTMLParseError(f"Unclosed end tag at byte offset {begin_byte}")
            name, argument, start_u16, start_out, _ = stack.pop()
            if end_name and end_name != name:
                raise HTMLParseError(
                    f'Unmatched end tag at byte offset {begin_byte}, expected "</{name}>", '
                    f'found "</{end_name}>"'
                )
            if u16 > start_u16:
                entity = _make_entity(name, argument, start_u16, u16 - start_u16, out, start_out)
                if entity is not None:
                    entities.append(entity)
            i = j + 1
            continue

        # start tag
        j = i
        while j < n and text[j] not in _SPACES and text[j] != ">":
            j += 1
        if j >= n:
            raise HTMLParseError(f"Unclosed start tag at byte offset {begin_byte}")
        name = text[i:j].lower()
        if name not in SUPPORTED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {begin_byte}')
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n:
                raise HTMLParseError(f"Unclosed start tag at byte offset {begin_byte}")
            if text[j] == ">":
                j += 1
                break
            attr_start = j
            while j < n and text[j] not in _SPACES and text[j] not in "=>":
                j += 1
            attr_name = text[attr_start:j].lower()
            if not attr_name:
                raise HTMLParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {begin_byte}'
                )
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n or text[j] != "=":
                if name == "blockquote" and attr_name == "expandable":
                    attrs["expandable"] = ""
                    continue
                raise HTMLParseError(
                    'Expected equal sign in declaration of an attribute of the tag "'
                    f'{name}" at byte offset {begin_byte}'
                )
            j += 1
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n:
                raise HTMLParseError(f'Unclosed start tag "{name}" at byte offset {begin_byte}')
            if text[j] in "'\"":
                quote = text[j]
                j += 1
                value: list[str] = []
                while j < n and text[j] != quote:
                    if text[j] == "&":
                        decoded = _decode_entity(text, j, False)
                        if decoded is not None:
                            value.append(decoded[0])
                            j = decoded[1]
                            continue
                    value.append(text[j])
                    j += 1
                if j >= n:
                    raise HTMLParseError(f"Unclosed start tag at byte offset {begin_byte}")
                j += 1
                attrs[attr_name] = "".join(value)
            else:
                token_start = j
                while j < n and (text[j].isascii() and text[j].isalnum() or text[j] in ".-"):
                    j += 1
                if j >= n or (text[j] not in _SPACES and text[j] != ">"):
                    raise HTMLParseError(
                        "Unexpected end of name token at byte offset "
                        f"{_byte_offset(text, token_start)}"
                    )
                attrs[attr_name] = text[token_start:j].lower()

        argument = ""
        if name == "a":
            argument = attrs.get("href", "")
        elif name == "code":
            cls = attrs.get("class", "")
            if cls.startswith("language-"):
                argument = cls[len("language-") :]
        elif name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise HTMLParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin_byte}'
                )
        elif name == "tg-emoji":
            argument = attrs.get("emoji-id", "")
            if not argument.isdigit():
                raise HTMLParseError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin_byte}'
                )
        elif name == "blockquote" and "expandable" in attrs:
            argument = "expandable"
        stack.append((name, argument, u16, len(out), begin_byte))
        i = j

    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')

    # <pre><code class="language-x">...</code></pre> -> one pre entity with language
    merged: list[dict] = []
    for entity in entities:
        if (
            entity["type"] == "pre"
            and merged
            and merged[-1]["type"] == "code"
            and merged[-1]["offset"] == entity["offset"]
            and merged[-1]["length"] == entity["length"]
        ):
            code = merged.pop()
            if code.get("language"):
                entity = {**entity, "language": code["language"]}
        merged.append(entity)
    for entity in merged:
        if entity["type"] == "code":
            entity.pop("language", None)
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), merged


def _make_entity(
    name: str, argument: str, offset: int, length: int, out: list[str], start_out: int
) -> dict | None:
    if name == "a":
        url = argument or "".join(out[start_out:])
        if url.startswith("tg://user?id="):
            user_id = url[len("tg://user?id=") :]
            if user_id.isdigit():
                return {
                    "type": "text_mention",
                    "offset": offset,
                    "length": length,
                    "user": {"id": int(user_id), "is_bot": False, "first_name": ""},
                }
            return None
        if not _looks_like_url(url):
            return None  # Telegram silently drops links it cannot parse
        return {"type": "text_link", "offset": offset, "length": length, "url": url}
    entity: dict = {"type": _ENTITY_TYPE[name], "offset": offset, "length": length}
    if name == "code" and argument:
        entity["language"] = argument
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = argument
    elif name == "blockquote" and argument == "expandable":
        entity["type"] = "expandable_blockquote"
    return entity


def _looks_like_url(url: str) -> bool:
    url = url.strip()
    if not url or any(ch in url for ch in " \n\t"):
        return False
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        return scheme in ("http", "https", "tg", "ftp", "tonsite")
    return "." in url


def strip_formatted(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Trim leading/trailing whitespace as Telegram does, moving and clipping the entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    left = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
