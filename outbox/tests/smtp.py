"""A real SMTP server for the e-mail delivery tests: ``socketserver`` in a thread on 127.0.0.1,
speaking just enough SMTP (RFC 5321) for Django's SMTP backend. It counts the connections it
accepts and keeps every message; ``refuse`` names recipients it answers 550."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class SmtpServer:
    refuse: set[str] = field(default_factory=set)
    connections: int = 0
    messages: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())
                self.wfile.flush()

            def handle(self) -> None:
                with smtp._lock:
                    smtp.connections += 1
                self.reply("220 test ESMTP")
                recipients: list[str] = []
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.reply("250-test")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 test")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        address = command.split(":", 1)[1].strip().strip("<>")
                        if address in smtp.refuse:
                            self.reply("550 no such mailbox")
                        else:
                            recipients.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with a dot")
                        body = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            body += chunk
                        with smtp._lock:
                            smtp.messages.append(message_from_bytes(body))
                        self.reply("250 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def mailers(self) -> dict:
        """The MAILERS setting of Django's SMTP backend on this server."""
        backend = "django.core.mail.backends.smtp.EmailBackend"
        return {"default": {"BACKEND": backend, "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5}}}

    def __enter__(self) -> SmtpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
