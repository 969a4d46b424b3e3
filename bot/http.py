"""python-telegram-bot's Bot API requests over aiohttp instead of httpx.

Under load the bot is bound by its own CPU, and each Bot API call through httpx and httpcore
costs several times what the same call costs through aiohttp (bench/inbound.py measures the
difference). PTB lets the transport be swapped (``BaseRequest``); everything above it, errors
included, stays PTB's: a timeout is ``TimedOut`` and any other transport failure is
``NetworkError``, which is what the dispatcher and the error handler act on.
"""

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: PTB's own defaults for HTTPXRequest, in seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool.

    aiohttp has no write timeout; a request whose upload stalls is ended by the read timeout
    that follows it.
    """

    __slots__ = ("_pool_size", "_read_timeout", "_session")

    def __init__(self, connection_pool_size: int = 1, read_timeout: float = READ_TIMEOUT) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = aiohttp.ClientTimeout(
            # Waiting for a free connection counts against connecting, as in httpx's pool.
            connect=_seconds(connect_timeout, CONNECT_TIMEOUT)
            + _seconds(pool_timeout, POOL_TIMEOUT),
            sock_read=_seconds(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def _seconds(value: ODVInput[float], default: float) -> float:
    if isinstance(value, DefaultValue) or value is None:
        return default
    return float(value)


def _body(request_data: RequestData | None) -> Any:
    """JSON, and multipart when there are files (the Bot API takes either).

    Without files the body is PTB's own JSON payload, the same fields PTB's httpx request
    sends as a form: ``json.dumps`` costs a fifth of URL-encoding them, and aiohttp would
    build a multipart writer (and a random boundary) for every request otherwise.
    """
    if request_data is None:
        return None
    if not request_data.contains_files:
        return aiohttp.BytesPayload(request_data.json_payload, content_type="application/json")
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
