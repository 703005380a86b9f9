"""The installed package version, read from the distribution metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stratagem")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
