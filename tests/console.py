"""The `$ ...` lines of documentation console blocks, run as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def console_lines(body: str) -> list[str]:
    """The commands of a console block: its `$ ` lines, without trailing `  # comments`."""
    return [line[2:].split("  #")[0].strip() for line in body.splitlines() if line.startswith("$ ")]


def run_console(command: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run one command through the shell, with this environment's `stratagem` first on PATH
    and nothing saved to the run store."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("STRATAGEM_SAVE", None)
    return subprocess.run(
        command,
        shell=True,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
