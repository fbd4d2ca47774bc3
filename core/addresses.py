"""Addresses of the pages, worked out once per process rather than once per link.

``reverse()`` walks the URL resolver every time; the header's links are on every page and a list
links each of its lines. An address depends only on the URL configuration, the script prefix and
(for translated paths) the active language, so it is kept per those. ``address_of`` keeps the
address of a sample key and puts the wanted key in its place.
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

_SAMPLE_PK = 987654321


@functools.lru_cache(maxsize=512)
def _address(url_name: str, language: str | None, prefix: str) -> str:
    return reverse(url_name)


@functools.lru_cache(maxsize=512)
def _around_key(url_name: str, language: str | None, prefix: str) -> tuple[str, str]:
    head, _sep, tail = reverse(url_name, args=[_SAMPLE_PK]).rpartition(str(_SAMPLE_PK))
    return head, tail


def address(url_name: str) -> str:
    """reverse(url_name); raises NoReverseMatch as reverse does."""
    return _address(url_name, get_language(), get_script_prefix())


def address_of(url_name: str, pk: int) -> str:
    """reverse(url_name, args=[pk]) for a pattern whose one argument is an integer key."""
    head, tail = _around_key(url_name, get_language(), get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _address.cache_clear()
        _around_key.cache_clear()
