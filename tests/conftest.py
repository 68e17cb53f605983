"""Shared fixtures for the msgcheck test suite.

The spaCy pipeline is loaded once per session through the ``linter`` fixture; never build a
``Linter`` per test unless the test is about construction itself (config, rule packs, offline).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from helpers import SHARED

import msgcheck


@pytest.fixture(scope="session")
def linter() -> msgcheck.Linter:
    """One Linter (rules + spaCy pipeline) for the whole session."""
    linter = msgcheck.Linter()
    linter.check("Warm-up: load the pipeline once before any timing-sensitive test.")
    return linter


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present (development data only)")
    return SHARED


# -- network guard ----------------------------------------------------------------------------


class NetworkAttempt(AssertionError):
    """Raised when code under test tries to use the network."""


@pytest.fixture
def no_network(monkeypatch):
    """Make every outbound connection attempt fail loudly; records what was attempted."""
    attempts: list[tuple] = []

    def refuse(name):
        def _refuse(*args, **kwargs):
            attempts.append((name, args[1:] if name == "socket.connect" else args))
            raise NetworkAttempt(f"network access attempted: {name}{args!r}")

        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("socket.gethostbyname"))
    return attempts
