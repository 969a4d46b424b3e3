"""Prometheus counters, when ``prometheus-client`` is installed (the ``metrics`` extra).

Without the package, and until the endpoint is started (``KERJASOSIAL_METRICS_LISTEN``),
every function here does nothing, so the places that count (the dispatcher, the error
handler, a handler after all others) call them unconditionally. This
module imports nothing from the project; it sits in ``services/`` (beside ``log_throttle``)
so that ``bot/``, ``handlers/`` and ``scheduler/`` all count through it with their imports
pointing downward.
"""

import importlib.util
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

AVAILABLE = importlib.util.find_spec("prometheus_client") is not None


class _Counters:
    """The process's counters, made (and the package imported: a dozen modules, an HTTP
    server among them) only when the endpoint starts: nobody else could read them."""

    def __init__(self) -> None:
        import prometheus_client

        self.updates = prometheus_client.Counter(
            "kerjasosial_updates_handled", "Telegram updates the bot finished handling"
        )
        self.sent = prometheus_client.Counter(
            "kerjasosial_messages_sent", "Outbox messages Telegram accepted (reminders, alerts...)"
        )
        self.rate_limited = prometheus_client.Counter(
            "kerjasosial_rate_limited", "429 Too Many Requests answers received from Telegram"
        )
        self.errors = prometheus_client.Counter(
            "kerjasosial_errors",
            "Errors by where they happened (outbox, handler) and their kind",
            ["source", "kind"],
        )
        self.outbox_depth = prometheus_client.Gauge(
            "kerjasosial_outbox_depth", "Outbox messages waiting to be sent"
        )


_counters: _Counters | None = None
_server: Any = None
_thread: threading.Thread | None = None


def update_handled() -> None:
    if _counters is not None:
        _counters.updates.inc()


def message_sent() -> None:
    if _counters is not None:
        _counters.sent.inc()


def rate_limited() -> None:
    if _counters is not None:
        _counters.rate_limited.inc()


def error(source: str, kind: str) -> None:
    """``kind`` is an exception's class name: a bounded set, and never personal data."""
    if _counters is not None:
        _counters.errors.labels(source=source, kind=kind).inc()


def set_outbox_depth(pending: int) -> None:
    if _counters is not None:
        _counters.outbox_depth.set(pending)


def serving() -> bool:
    """Whether the endpoint runs: values that cost a query are measured only then."""
    return _server is not None


def start(host: str, port: int) -> None:
    """Serve ``/metrics`` on ``host:port`` from a thread of its own."""
    global _counters, _server, _thread
    if not AVAILABLE:
        raise RuntimeError("prometheus-client is not installed")
    import prometheus_client

    if _counters is None:  # once per process: the default registry refuses a second set
        _counters = _Counters()
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
