"""An SMTP server on loopback that keeps every message it receives (aiosmtpd), for failure-notice tests."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from email.message import EmailMessage


class SmtpSink:
    """`with SmtpSink() as sink:` listens on 127.0.0.1:<free port>; `sink.messages` are parsed mails."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def connection_uri(self) -> str:
        """An Airflow SMTP connection to this sink: plain SMTP, no TLS, no login."""
        return f"smtp://127.0.0.1:{self.port}?disable_tls=true&disable_ssl=true&timeout=10&retry_limit=0"

    def wait_for(self, count: int, timeout: float) -> list[EmailMessage]:
        """The messages once at least `count` arrived (or what arrived when `timeout` ran out)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return list(self.messages)


def html_body(message: EmailMessage) -> str:
    """The text/html part of a notice, decoded."""
    part = message.get_body(preferencelist=("html", "plain"))
    return part.get_content() if part is not None else ""
