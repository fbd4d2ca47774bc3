"""``sd_notify`` for a worker run by systemd with ``Type=notify`` and ``WatchdogSec=``
(docs/operations.md): READY=1 once the worker consumes, WATCHDOG=1 each time it runs the
heartbeat task that travelled through the broker. Nothing happens outside systemd."""

from __future__ import annotations

import os
import socket


def sd_notify(message: str) -> bool:
    """Send ``message`` to the service manager's socket, if there is one; answer whether it went."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
        return True
    except OSError:
        return False
