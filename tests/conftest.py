"""Shared fixtures: where the reference data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRATAGEM_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data directory (../shared/data); required in CI."""
    if not DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"reference data missing at {DATA}")
        pytest.skip(f"reference data missing at {DATA}")
    return DATA
