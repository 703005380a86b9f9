"""Shared fixtures: where the reference data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores a fixed set of examples (a red build must be reproducible); local runs
# explore new random examples every time, so bugs are still hunted.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

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
