"""Properties of the spatial model over generated inputs.

The vectorised challenge evaluation is checked against a plain loop written from KTAB's
``SMPState::probEduChlg`` (one estimator, one affected actor, one challenge at a time), for
every voting rule and third-party commitment, which the golden logs (defaults only) do not
cover.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from stratagem import Scenario, models
from stratagem.models import smp
from stratagem.models.smp import SMPOptions, run_smp
from strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _vote(rule: str, w: float, du: float) -> float:
    return float(smp.vote(rule, w, np.array([du]))[0])


def loop_challenge(
    utils: np.ndarray,
    caps: np.ndarray,
    sal_sum: np.ndarray,
    h: int,
    k: int,
    i: int,
    j: int,
    rule: str,
    commit: str,
) -> tuple[float, float]:
    """KTAB's probEduChlg, one call at a time."""
    u = utils[h]
    c_i = _vote(rule, sal_sum[i] * caps[i], u[i, i] - u[i, j])
    c_j = _vote(rule, sal_sum[j] * caps[j], u[j, i] - u[j, j])
    chij = chji = 1e-10
    for c in (c_i, c_j):
        chij += c if c > 0 else 0.0
        chji += -c if c < 0 else 0.0
    base_i, base_j = chij, chji
    for n in range(len(caps)):
        if n in (i, j):
            continue
        w = sal_sum[n] * caps[n]
        v = _vote(rule, w, u[n, i] - u[n, j])
        cni = base_i + (v if v > 0 else 0.0)
        cnj = base_j + (-v if v < 0 else 0.0)
        pin = cni / (cni + cnj)
        pjn = 1 - pin
        uni, unj, unn = u[n, i], u[n, j], u[n, n]
        full = {
            "FullCommit": (3 * uni, 3 * unj, 3 * uni, 3 * unj),
            "SemiCommit": (2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn),
            "NoCommit": (2 * uni + unn, 2 * unj + unn, 2 * uni + unn, 2 * unj + unn),
        }[commit]
        ik_j, j_ik, i_jk, jk_i = full
        vn = _vote(rule, w, (pin * ik_j + pjn * j_ik) - (pin * i_jk + pjn * jk_i))
        chij += vn if vn > 0 else 0.0
        chji += -vn if vn < 0 else 0.0
    p = chij / (chij + chji)
    sj = sal_sum[j]
    eu = (1 - sj) * 2 * u[k, i] + sj * (p * 2 * u[k, i] + (1 - p) * 2 * u[k, j])
    return p, eu - (u[k, i] + u[k, j])


@SETTINGS
@given(
    n=st.integers(3, 6),
    seed=st.integers(0, 2**32 - 1),
    rule=st.sampled_from([r for r in smp.VOTING_RULES if r != "Proportional"]),
    commit=st.sampled_from(["NoCommit", "SemiCommit", "FullCommit"]),
)
def test_vectorised_challenges_equal_the_loop(n: int, seed: int, rule: str, commit: str) -> None:
    rng = np.random.default_rng(seed)
    utils = rng.uniform(0, 1, (n, n, n))
    caps = rng.uniform(1, 100, n)
    sal_sum = rng.uniform(0.1, 1.0, n)
    quads = np.array(
        [
            (h, k, i, j)
            for h in range(n)
            for k in range(n)
            for i in range(n)
            for j in range(n)
            if i != j
        ]
    )
    opts = SMPOptions(voting=rule, third_party=commit)
    p, gain = smp._challenge(utils, sal_sum * caps, sal_sum, *quads.T, opts)
    for m, (h, k, i, j) in enumerate(quads):
        p_loop, gain_loop = loop_challenge(utils, caps, sal_sum, h, k, i, j, rule, commit)
        assert np.isclose(p[m], p_loop, rtol=1e-12, atol=1e-12)
        assert np.isclose(gain[m], gain_loop, rtol=1e-12, atol=1e-12)
    # the blocked fast path for each actor's own challenges (h = k = i) agrees too
    gains, probs = smp._own_challenges(utils, sal_sum * caps, sal_sum, opts)
    for i in range(n):
        for j in range(n):
            if i == j:
                assert gains[i, j] == -np.inf
                continue
            p_loop, gain_loop = loop_challenge(utils, caps, sal_sum, i, i, i, j, rule, commit)
            assert np.isclose(probs[i, j], p_loop, rtol=1e-12, atol=1e-12)
            assert np.isclose(gains[i, j], gain_loop, rtol=1e-12, atol=1e-12)


unit = st.floats(0.0, 1.0, allow_nan=False)


@SETTINGS
@given(
    x=arrays(np.float64, st.tuples(st.integers(3, 7), st.integers(1, 3)), elements=unit),
    data=st.data(),
)
def test_runs_stay_in_range_and_are_distributions(x: np.ndarray, data: st.DataObject) -> None:
    n, d = x.shape
    sal = data.draw(arrays(np.float64, (n, d), elements=st.floats(0.01, 1.0))) / d
    caps = data.draw(arrays(np.float64, (n,), elements=st.floats(0.1, 100.0)))
    out = run_smp(x, sal, caps, SMPOptions(max_turns=15))
    lo, hi = x.min(axis=0), x.max(axis=0)
    for pos in out.positions:
        # bargains interpolate between two positions (then round to 4 decimals)
        assert (pos >= lo - 5e-5).all()
        assert (pos <= hi + 5e-5).all()
    for probs in out.unique_prob:
        assert np.isclose(probs.sum(), 1.0)
    for r in out.risk:
        assert (r >= -0.5 - 1e-12).all()
        assert (r <= 1.0 + 1e-12).all()
    assert 1 <= len(out.fractional_change) <= 15
    assert all(f >= 0 for f in out.fractional_change)
    again = run_smp(x, sal, caps, SMPOptions(max_turns=15))
    assert all(np.array_equal(a, b) for a, b in zip(out.positions, again.positions, strict=True))


@SETTINGS
@given(sc=scenarios(min_actors=3, missing=True), seed=st.integers(0, 1000))
def test_stochastic_runs_repeat_with_their_seed(sc: Scenario, seed: int) -> None:
    spec = models.get("smp")
    params = {"StateTransitions": "Stochastic", "max_turns": 5}
    assert spec.run(sc, params, seed=seed).details == spec.run(sc, params, seed=seed).details
