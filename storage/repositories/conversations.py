"""Conversation steps and drafts, so that a multi-step flow survives a restart."""

import json
from datetime import datetime

import aiosqlite

from storage.repositories._sql import ts


class ConversationRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def states(self, name: str) -> dict[str, object]:
        """Every open conversation of the flow ``name``: its key (JSON) and step."""
        async with self._conn.execute(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        ) as cur:
            return {str(row[0]): json.loads(row[1]) for row in await cur.fetchall()}

    async def set_state(self, name: str, key: str, state: object, now: datetime) -> None:
        if state is None:  # the conversation ended
            await self._conn.execute(
                "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key)
            )
            return
        await self._conn.execute(
            "INSERT INTO conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (name, key, json.dumps(state), ts(now)),
        )

    async def drafts(self) -> dict[int, bytes]:
        async with self._conn.execute(
            "SELECT telegram_user_id, data FROM conversation_drafts"
        ) as cur:
            return {int(row[0]): bytes(row[1]) for row in await cur.fetchall()}

    async def set_draft(self, telegram_user_id: int, data: bytes | None, now: datetime) -> None:
        if data is None:
            await self._conn.execute(
                "DELETE FROM conversation_drafts WHERE telegram_user_id = ?", (telegram_user_id,)
            )
            return
        await self._conn.execute(
            "INSERT INTO conversation_drafts (telegram_user_id, data, updated_at)"
            " VALUES (?, ?, ?) ON CONFLICT (telegram_user_id) DO UPDATE SET"
            " data = excluded.data, updated_at = excluded.updated_at",
            (telegram_user_id, data, ts(now)),
        )
