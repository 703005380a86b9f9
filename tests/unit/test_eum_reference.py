"""The vectorised model against the plain-loop implementation of the same equations."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratagem import models
from stratagem.models import eum

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from eum_loops import LoopOptions, run_loops

CASES = {
    "bdm": LoopOptions(),
    "bdm-q0.5": LoopOptions(q=0.5),
    "scholz-table": LoopOptions(
        probability="scholz-code",
        perspective="receiver",
        selection="scholz-code",
        capitulation=False,
    ),
}
PARAMS = {
    "bdm": {},
    "bdm-q0.5": {"q": 0.5},
    "scholz-table": {"preset": "scholz-table"},
}


@pytest.mark.parametrize("case", CASES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.integers(3, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 10).map(float), min_size=n, max_size=n),
            st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
            st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
        )
    )
)
def test_vectorised_equals_loops(case: str, data: tuple[list[float], ...]) -> None:
    x, c, s = data
    if max(x) == min(x):
        return
    loop_opts = CASES[case]
    loop_opts.rounds = 5
    medians, paths = run_loops(x, c, s, loop_opts)
    params = models.get("eum").resolve({**PARAMS[case], "stop": "rounds", "rounds": 5})
    traj = eum.simulate(x, c, s, eum.EUMOptions.from_params(params))
    np.testing.assert_allclose(traj.positions[0], paths, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(traj.median[0], medians, rtol=1e-9, atol=1e-9)
