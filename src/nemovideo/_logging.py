"""Logging: ``NEMOVIDEO_LOG=debug|info`` turns on the ``nemovideo`` logger.

Log lines carry method, path, status, attempt and timing; never headers or bodies.
``RedactingFilter`` masks anything token-shaped, even in httpx's own messages.
"""

from __future__ import annotations

import logging
import os

from ._protocol.redact import redact

LOGGER_NAME = "nemovideo"
_configured = False


class RedactingFilter(logging.Filter):
    """A logging filter that masks tokens in messages and their arguments.

    Attach it to any handler (``handler.addFilter(RedactingFilter())``) to keep
    ``nmv_...`` and ``clm_...`` tokens and bearer values out of your logs, httpx's
    and httpcore's records included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; always keeps the record."""
        message = record.getMessage()
        masked = redact(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        return True


def configure_from_env() -> None:
    """Attach a stderr handler to the ``nemovideo`` logger when ``NEMOVIDEO_LOG`` is set."""
    global _configured
    level_name = os.environ.get("NEMOVIDEO_LOG", "").strip().upper()
    if _configured or level_name not in {"DEBUG", "INFO"}:
        return
    _configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(level_name)
