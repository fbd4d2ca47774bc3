"""mcof_site.kombu_fix applies to the installed kombu, and says so loudly when kombu changes."""

import kombu
import pytest
from kombu import Connection
from kombu.transport import redis as kombu_redis

from mcof_site import kombu_fix


def test_the_installed_kombu_is_the_one_the_patch_was_written_for():
    assert kombu.__version__ in kombu_fix.PATCHED_VERSIONS
    assert getattr(kombu_redis.Channel._connparams, kombu_fix._MARK, False)  # installed by mcof_site.celery


def test_the_fault_is_still_there_without_the_patch():
    """The unpatched method still fails as it did: if a kombu release changes this, the patch
    may no longer be needed (or no longer reach the fault) and must be looked at again."""
    original = kombu_redis.Channel._connparams.__wrapped__
    channel = object.__new__(kombu_redis.Channel)
    channel.connection = type("Transport", (), {"client": None})()
    with pytest.raises(AttributeError, match="hostname"):
        original(channel)


def test_a_channel_whose_connection_was_collected_answers_a_connection_error():
    connection = Connection("redis://127.0.0.1:1/0")
    transport = connection.transport
    channel = object.__new__(kombu_redis.Channel)
    channel.connection = transport
    transport.client = None  # what Connection.collect() leaves behind
    with pytest.raises(transport.connection_errors) as raised:
        channel._connparams()
    assert not isinstance(raised.value, AttributeError)


def test_another_kombu_version_refuses_to_start(monkeypatch):
    monkeypatch.setattr(kombu, "__version__", "5.8.0")
    with pytest.raises(kombu_fix.KombuChanged, match="5.8.0"):
        kombu_fix.install()


def test_installing_twice_wraps_once():
    before = kombu_redis.Channel._connparams
    kombu_fix.install()
    assert kombu_redis.Channel._connparams is before
