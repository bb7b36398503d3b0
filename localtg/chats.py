"""Chats and members: getChat, getChatMember, getChatAdministrators, and the member statuses a
test sets."""

from __future__ import annotations

from typing import Any

from .state import ServerState
from .users import SimChat, SimUser
from .wire import _bad, _Params


class ChatsMixin(ServerState):
    """Chat and member queries."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._member_status: dict[tuple[int, int], str] = {}

    def set_member_status(self, chat: SimChat | int, user: SimUser | int, status: str) -> None:
        """What getChatMember reports: "creator", "administrator", "member", "restricted",
        "left" or "kicked" (default "member" for every simulated user)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        uid = user if isinstance(user, int) else user.id
        self._member_status[(chat_id, uid)] = status

    def _api_getChat(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p.get("chat_id"))
        return {
            **self._chats[chat_id],
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat_id: int, user_id: int) -> dict:
        if user_id == self.bot_id:
            status = "left" if chat_id in self._kicked else "administrator"
            if chat_id > 0:
                status = "kicked" if chat_id in self._blocked else "member"
            user = self.bot_user
        else:
            sim = self._users.get(user_id)
            if sim is None:
                raise _bad("user not found")
            user = sim.to_dict()
            status = self._member_status.get((chat_id, user_id), "member")
            if chat_id > 0 and chat_id != user_id:
                status = "left"
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
                can_manage_topics=False,
            )
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                until_date=0,
            )
        return member

    def _api_getChatMember(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p.get("chat_id"))
        return self._member(chat_id, p.int("user_id", required=True) or 0)

    def _api_getChatAdministrators(self, p: _Params) -> list[dict]:
        chat_id = self._resolve_chat(p.get("chat_id"))
        if chat_id > 0:
            raise _bad("there are no administrators in the private chat")
        admins = [
            self._member(chat_id, uid)
            for (cid, uid), status in self._member_status.items()
            if cid == chat_id and status in ("creator", "administrator")
        ]
        return [*admins, self._member(chat_id, self.bot_id)]
