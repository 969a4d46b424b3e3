"""A local fake of the Telegram Bot API (``server``) and a checker of calls against the
machine-readable Bot API spec (``spec``), for tests that run the real PTB stack."""

from .models import ApiCall, ApiError, SentMessage, StoredFile, UploadedFile
from .server import FakeBotApi, make_png

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeBotApi",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "make_png",
]
