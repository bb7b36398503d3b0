"""Files: the store (uploads from the bot, files simulated users send), the media sending
methods and sendMediaGroup, getFile and the file download URL."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
from typing import Any

from aiohttp import web

from .state import ServerState
from .users import FileInfo
from .wire import ApiError, _bad, _Params, _Upload


class FilesMixin(ServerState):
    """Uploads, media messages and downloads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, FileInfo] = {}
        self._file_ids = itertools.count(1)
        self._ids = itertools.count(1)  # media group ids

    def add_file(
        self,
        content: bytes,
        kind: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        duration: int | None = None,
        width: int | None = None,
        height: int | None = None,
        url: str | None = None,
    ) -> FileInfo:
        """Register a file; its file_id can then be used in sendPhoto/sendDocument/getFile."""
        n = next(self._file_ids)
        ext = (mimetypes.guess_extension(mime_type or "") or "") if not filename else ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        info = FileInfo(
            file_id=f"FAKE{kind[:3].upper()}{n:05d}{secrets.token_hex(6)}",
            file_unique_id=f"U{n:05d}{secrets.token_hex(3)}",
            kind=kind,
            content=content,
            filename=filename,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            url=url,
            file_path=f"{kind}s/file_{n}{ext}",
        )
        self.files[info.file_id] = info
        return info

    def _input_file(self, p: _Params, key: str, kind: str) -> FileInfo:
        value = p.get(key)
        upload = p.files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"file {value} not found in the request")
        return self._file_from(value, upload, kind, key)

    def _file_from(self, value: Any, upload: _Upload | None, kind: str, key: str) -> FileInfo:
        if upload is not None:
            if not upload.content:
                raise _bad("file must be non-empty")
            if kind == "photo" and len(upload.content) > 10 * 1024 * 1024:
                raise _bad("PHOTO_INVALID_DIMENSIONS")
            if len(upload.content) > 50 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            return self.add_file(
                upload.content,
                kind,
                filename=upload.filename if kind != "photo" else None,
                mime_type=mime,
            )
        if not value:
            raise _bad(f"there is no {key} in the request")
        if not isinstance(value, str):
            raise _bad("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
            return self.add_file(b"", kind, filename=name, url=value)
        info = self.files.get(value)
        if info is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if info.kind != kind and kind != "document":
            raise _bad(f"can't use file of type {info.kind.title()} as {kind.title()}")
        return info

    def _send_media(self, p: _Params, kind: str, method: str) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        info = self._input_file(p, kind, kind)
        raw_caption, caption, entities, mode = self._caption(p)
        markup = self._markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        msg = self._new_bot_message(
            chat_id,
            method,
            kind=kind,
            caption=caption,
            html=raw_caption,
            parse_mode=mode,
            entities=entities,
            markup=markup,
            reply_to=reply_to,
            media=info,
        )
        return msg.raw

    def _api_sendDocument(self, p: _Params) -> dict:
        return self._send_media(p, "document", "sendDocument")

    def _api_sendPhoto(self, p: _Params) -> dict:
        return self._send_media(p, "photo", "sendPhoto")

    def _api_sendVoice(self, p: _Params) -> dict:
        return self._send_media(p, "voice", "sendVoice")

    def _api_sendAudio(self, p: _Params) -> dict:
        return self._send_media(p, "audio", "sendAudio")

    def _api_sendVideo(self, p: _Params) -> dict:
        return self._send_media(p, "video", "sendVideo")

    def _api_sendAnimation(self, p: _Params) -> dict:
        return self._send_media(p, "animation", "sendAnimation")

    def _api_sendSticker(self, p: _Params) -> dict:
        return self._send_media(p, "sticker", "sendSticker")

    def _api_sendMediaGroup(self, p: _Params) -> list[dict]:
        chat_id = self._reachable_chat(p.get("chat_id"))
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad("wrong number of media specified: must include 2-10 items")
        reply_to = self._reply_to(chat_id, p)
        prepared = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in (
                "photo",
                "video",
                "document",
                "audio",
            ):
                raise _bad("wrong media type in the media group")
            kind = item["type"]
            value = item.get("media")
            upload = None
            if isinstance(value, str) and value.startswith("attach://"):
                upload = p.files.get(value[len("attach://") :])
                if upload is None:
                    raise _bad(f"file {value} not found in the request")
            info = self._file_from(value, upload, kind, "media")
            sub = _Params(
                {"caption": item.get("caption"), "parse_mode": item.get("parse_mode")}, {}
            )
            if item.get("caption_entities"):
                sub["caption_entities"] = item["caption_entities"]
            prepared.append((kind, info, self._caption(sub)))
        group_id = str(next(self._ids) + 13_000_000_000_000_000)
        results = []
        for kind, info, (raw_caption, caption, entities, mode) in prepared:
            msg = self._new_bot_message(
                chat_id,
                "sendMediaGroup",
                kind=kind,
                caption=caption,
                html=raw_caption,
                parse_mode=mode,
                entities=entities,
                reply_to=reply_to,
                media=info,
                extra={"media_group_id": group_id},
            )
            results.append(msg.raw)
        return results

    def _api_editMessageMedia(self, p: _Params) -> dict:
        """Replace a media message's file (and caption) in place, as Telegram does."""
        msg = self._edit_target(p)  # type: ignore[attr-defined]
        if msg.kind == "text":
            raise _bad("there is no media in the message to edit")
        item = p.get("media")
        if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
            raise _bad("wrong media type")
        kind = item["type"]
        value = item.get("media")
        upload = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"file {value} not found in the request")
        info = self._file_from(value, upload, kind, "media")
        sub = _Params({"caption": item.get("caption"), "parse_mode": item.get("parse_mode")}, {})
        raw_caption, caption, entities, mode = self._caption(sub)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        msg.history.append(msg.caption)
        msg.kind, msg.media, msg.caption, msg.html = kind, info, caption, raw_caption
        msg.parse_mode, msg.entities = mode, list(entities or [])
        msg.photo = info if kind == "photo" else None
        msg.document = info if kind == "document" else None
        msg.raw.pop("photo", None)
        msg.raw.pop("document", None)
        msg.raw[kind] = info.to_json(kind)
        for key, val in (("caption", caption), ("caption_entities", entities)):
            if val:
                msg.raw[key] = val
            else:
                msg.raw.pop(key, None)
        self._apply_edit(msg, markup)  # type: ignore[attr-defined]
        return msg.raw

    def _api_getFile(self, p: _Params) -> dict:
        info = self.files.get(str(p.get("file_id") or ""))
        if info is None:
            raise _bad("invalid file_id")
        result: dict[str, Any] = {
            "file_id": info.file_id,
            "file_unique_id": info.file_unique_id,
            "file_path": info.file_path,
        }
        if info.content:
            result["file_size"] = info.size
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token, _, path = request.match_info["rest"].partition("/")
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        for info in self.files.values():
            if info.file_path == path:
                return web.Response(
                    body=info.content, content_type=info.mime_type or "application/octet-stream"
                )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
