"""Where a webhook may be sent: never into the network the application runs in.

A webhook URL is typed by a person; without a check, ``http://169.254.169.254/`` (a cloud's
metadata service), ``http://localhost:5432/`` or an address of the office's own network would make
the delivery worker a way in (server-side request forgery, OWASP ASVS 5.0 V1.3 and V12.3). The URL is
checked when an endpoint is saved (a literal address or a local host name) and again before every
delivery, when the host name is resolved: every address it resolves to must be a public one.

The delivery connects to the very address it checked (``PinnedBackend``, the network backend of
the delivery's HTTP client): the name is resolved once, at connection time, and the socket opens
to that checked address. A DNS answer that changes between a check and the connection (DNS
rebinding: a public address first, 127.0.0.1 next) cannot reach the private address.

``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` lifts the check for a local trial or the tests, whose receivers
listen on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from urllib.parse import urlsplit

import httpcore
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".lan", ".home.arpa")


def _address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if address.is_global and not address.is_multicast:
        return None
    return _("%(address)s is not a public address.") % {"address": address}


def url_problem(url: str, *, resolve: bool) -> str | None:
    """Why a webhook may not be sent to ``url``, or None. With ``resolve``, the host name is looked
    up and every address it has is checked (at delivery); without, only what the URL itself says."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        return _("Enter an http or https address with a host name.")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return _address_problem(literal)
    if resolve:
        return _resolved_problem(host, parts.port or (443 if parts.scheme == "https" else 80))
    if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host:
        return _("%(host)s is a name of the local network, not a public host.") % {"host": host}
    return None


def _resolved_problem(host: str, port: int) -> str | None:
    """Every address the name resolves to must be public."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return _("%(host)s does not resolve to an address.") % {"host": host}
    for info in infos:
        problem = _address_problem(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        if problem:
            return _("%(host)s resolves to a private address: %(problem)s") % {"host": host, "problem": problem}
    return None


def validate_webhook_url(url: str) -> None:
    """Model validator of ``WebhookEndpoint.url``: no literal private address, no local host name."""
    problem = url_problem(url, resolve=False)
    if problem:
        raise ValidationError(problem, code="private_address")


class DestinationRefused(Exception):
    """The host of a webhook resolved to an address it may not be sent to; nothing was sent."""


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's network backend, resolving the host itself: every address it answers must be
    public, and the socket connects to the first of them, the address that was checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise DestinationRefused(_("%(host)s does not resolve to an address.") % {"host": host}) from exc
        addresses = [info[4][0].split("%", 1)[0] for info in infos]
        for address in addresses:
            problem = _address_problem(ipaddress.ip_address(address))
            if problem:
                raise DestinationRefused(
                    _("%(host)s resolves to a private address: %(problem)s") % {"host": host, "problem": problem}
                )
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


def pin_transport(transport):
    """Make an ``httpx.HTTPTransport`` connect only through ``PinnedBackend``."""
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # httpcore changed: refuse to send unguarded
        raise RuntimeError("httpcore.ConnectionPool has no _network_backend: outbox.destinations must be updated")
    pool._network_backend = PinnedBackend()
    return transport
