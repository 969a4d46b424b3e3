"""pytest fixtures for tests that run against the fake Bot API.

Enable them from a conftest with ``pytest_plugins = ["tests.fakebot.fixtures"]`` (root
conftest only) or import the helpers directly. Kept apart from the server module so that
importing the fake does not import pytest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
import telegram
from telegram.request import HTTPXRequest

from .server import FakeBotApi

__all__ = ["fake_api", "fake_bot", "make_bot"]


def make_bot(fake: FakeBotApi, *, read_timeout: float = 5.0) -> telegram.Bot:
    """A real PTB Bot pointed at the fake (not yet initialised: use ``async with``)."""
    return telegram.Bot(
        fake.token,
        base_url=fake.bot_base_url,
        base_file_url=fake.file_base_url,
        request=HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0),
    )


@pytest_asyncio.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """A running fake with default token, username and bot id."""
    async with FakeBotApi() as fake:
        yield fake


@pytest_asyncio.fixture
async def fake_bot(fake_api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    """An initialised PTB Bot talking to ``fake_api``."""
    async with make_bot(fake_api) as bot:
        yield bot
