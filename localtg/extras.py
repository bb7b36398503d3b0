"""The bot's own settings: getMe, logOut/close, command menus, the menu button, name and
descriptions (webhooks are in webhooks.py)."""

from __future__ import annotations

import re
from typing import Any

from .state import ServerState
from .wire import _bad, _Params


class ExtrasMixin(ServerState):
    """Bot settings and profile methods."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: setMyCommands: {(scope_key, language_code or None): [{"command", "description"}]}
        #: scope_key is scope["type"]; for chat-bound scopes it is "chat:<id>" /
        #: "chat_administrators:<id>" / "chat_member:<chat_id>:<user_id>"
        self.commands: dict[tuple[str, str | None], list[dict]] = {}
        #: setChatMenuButton: {chat_id or None (default): menu button}
        self.menu_buttons: dict[int | None, dict] = {}
        #: setMyName / setMyDescription / setMyShortDescription: {(field, lang): value}
        self.bot_info: dict[tuple[str, str | None], str] = {}

    def _api_getMe(self, p: _Params) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_logOut(self, p: _Params) -> bool:
        return True

    def _api_close(self, p: _Params) -> bool:
        return True

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if scope is None or scope == "":
            return "default"
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"{kind}:{scope.get('chat_id')}:{scope.get('user_id')}"
        if kind not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
        ):
            raise _bad("wrong BotCommandScope type specified")
        return kind

    @staticmethod
    def _lang(p: _Params) -> str | None:
        value = p.get("language_code")
        return str(value) if value else None

    def _api_setMyCommands(self, p: _Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be an array of at most 100 BotCommand")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            name = name[1:] if name.startswith("/") else name
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description", "")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad(
                    "command description is empty"
                    if not description
                    else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
        key = (self._scope_key(p.get("scope")), self._lang(p))
        scope = p.get("scope")
        if isinstance(scope, dict) and scope.get("type") == "chat":
            chat_id = scope.get("chat_id")
            if isinstance(chat_id, int) and chat_id > 0 and chat_id not in self.started:
                raise _bad("chat not found")
        self.commands[key] = [
            {"command": c["command"].lstrip("/"), "description": c["description"]} for c in commands
        ]
        return True

    def menu_for(self, chat_id: int, user_id: int, language: str | None) -> list[dict]:
        """The command list a user's app shows in a chat, resolved as Telegram does: the most
        specific scope first, in each scope the user's language before no language."""
        if chat_id > 0:
            scopes = [f"chat:{chat_id}", "all_private_chats", "default"]
        else:
            status = self._member_status.get((chat_id, user_id), "member")
            admin = status in ("creator", "administrator")
            scopes = [f"chat_member:{chat_id}:{user_id}"]
            scopes += [f"chat_administrators:{chat_id}"] if admin else []
            scopes += [f"chat:{chat_id}"]
            scopes += ["all_chat_administrators"] if admin else []
            scopes += ["all_group_chats", "default"]
        for scope in scopes:
            for lang in (language, None) if language else (None,):
                if (scope, lang) in self.commands:
                    return list(self.commands[(scope, lang)])
        return []

    def _api_getMyCommands(self, p: _Params) -> list[dict]:
        return self.commands.get((self._scope_key(p.get("scope")), self._lang(p)), [])

    def _api_deleteMyCommands(self, p: _Params) -> bool:
        self.commands.pop((self._scope_key(p.get("scope")), self._lang(p)), None)
        return True

    def _api_setChatMenuButton(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p["chat_id"]) if p.get("chat_id") else None
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    def _api_getChatMenuButton(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p["chat_id"]) if p.get("chat_id") else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}

    def _set_info(self, field: str, p: _Params, limit: int) -> bool:
        value = p.get(field) or ""
        if len(str(value)) > limit:
            raise _bad(f"{field} is too long")
        self.bot_info[(field, self._lang(p))] = str(value)
        return True

    def _api_setMyName(self, p: _Params) -> bool:
        return self._set_info("name", p, 64)

    def _api_getMyName(self, p: _Params) -> dict:
        return {"name": self.bot_info.get(("name", self._lang(p)), self.bot_user["first_name"])}

    def _api_setMyDescription(self, p: _Params) -> bool:
        return self._set_info("description", p, 512)

    def _api_getMyDescription(self, p: _Params) -> dict:
        return {"description": self.bot_info.get(("description", self._lang(p)), "")}

    def _api_setMyShortDescription(self, p: _Params) -> bool:
        return self._set_info("short_description", p, 120)

    def _api_getMyShortDescription(self, p: _Params) -> dict:
        return {"short_description": self.bot_info.get(("short_description", self._lang(p)), "")}
