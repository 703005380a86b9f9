"""``stratagem serve``: the dashboard on a scenario, behind the upload limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stratagem.errors import StratagemError
from stratagem.scenario import Scenario

__all__ = ["LOOPBACK", "serve"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Addresses only this machine reaches; any other gets a warning."""


def serve(
    scenario: Scenario | str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8050,
    say: Callable[[str], None] = print,
) -> None:
    """Start the dashboard on a scenario and serve until stopped (``stratagem serve``).

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        A scenario, a file or an embedded name (default: the embedded default).
    host : str
        Interface to listen on; anything but loopback is warned about, since the dashboard
        has no authentication.
    port : int
        Port to listen on.
    say : callable
        Where the address and warnings are written.

    Raises
    ------
    StratagemError
        If the optional ``dashboard`` extra is not installed.
    """
    from stratagem.catalog import load

    try:
        from shiny import run_app

        from stratagem.web.app import UploadLimit, create_app
    except ImportError:
        raise StratagemError(
            "the dashboard needs the optional extra: pip install 'stratagem[dashboard]'"
        ) from None
    loaded = (
        scenario
        if isinstance(scenario, Scenario)
        else load(None if scenario is None else str(scenario))
    )
    app = UploadLimit(create_app(loaded))
    if host not in LOOPBACK:
        say(
            f"warning: listening on {host}: the dashboard has no authentication; anyone who "
            "can reach this address can use it and upload files"
        )
    say(f"stratagem dashboard on http://{host}:{port}")
    run_app(app, host=host, port=port, launch_browser=False)  # type: ignore[misc]  # None on pyodide
