"""Prometheus counters, when ``prometheus-client`` is installed (the ``metrics`` extra).

Without the package every function here does nothing, so the places that count (the
dispatcher, the error handler, a handler after all others) call them unconditionally. This
module imports nothing from the project; it sits in ``services/`` (beside ``log_throttle``)
so that ``bot/``, ``handlers/`` and ``scheduler/`` all count through it with their imports
pointing downward.
"""

import logging
import threading
from typing import Any

try:
    import prometheus_client
except ImportError:  # the extra is optional
    prometheus_client = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

AVAILABLE = prometheus_client is not None

if prometheus_client is not None:
    _UPDATES = prometheus_client.Counter(
        "kerjasosial_updates_handled", "Telegram updates the bot finished handling"
    )
    _SENT = prometheus_client.Counter(
        "kerjasosial_messages_sent", "Outbox messages Telegram accepted (reminders, alerts...)"
    )
    _RATE_LIMITED = prometheus_client.Counter(
        "kerjasosial_rate_limited", "429 Too Many Requests answers received from Telegram"
    )
    _ERRORS = prometheus_client.Counter(
        "kerjasosial_errors",
        "Errors by where they happened (outbox, handler) and their kind",
        ["source", "kind"],
    )
    _OUTBOX_DEPTH = prometheus_client.Gauge(
        "kerjasosial_outbox_depth", "Outbox messages waiting to be sent"
    )

_server: Any = None
_thread: threading.Thread | None = None


def update_handled() -> None:
    if prometheus_client is not None:
        _UPDATES.inc()


def message_sent() -> None:
    if prometheus_client is not None:
        _SENT.inc()


def rate_limited() -> None:
    if prometheus_client is not None:
        _RATE_LIMITED.inc()


def error(source: str, kind: str) -> None:
    """``kind`` is an exception's class name: a bounded set, and never personal data."""
    if prometheus_client is not None:
        _ERRORS.labels(source=source, kind=kind).inc()


def set_outbox_depth(pending: int) -> None:
    if prometheus_client is not None:
        _OUTBOX_DEPTH.set(pending)


def serving() -> bool:
    """Whether the endpoint runs: values that cost a query are measured only then."""
    return _server is not None


def start(host: str, port: int) -> None:
    """Serve ``/metrics`` on ``host:port`` from a thread of its own."""
    global _server, _thread
    if prometheus_client is None:
        raise RuntimeError("prometheus-client is not installed")
    _server, _thread = prometheus_client.start_http_server(port, addr=host)
    log.info("metrics served at http://%s:%s/metrics", host, port)


def stop() -> None:
    global _server, _thread
    if _server is not None:
        _server.shutdown()
        _server.server_close()
    if _thread is not None:
        _thread.join(timeout=5)
    _server = _thread = None
