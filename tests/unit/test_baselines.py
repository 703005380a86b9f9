from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratagem import Scenario, run
from stratagem.errors import InvalidInputError
from stratagem.models import UnknownParameterError, get
from stratagem.models.baselines import condorcet_median, weighted_mean, weighted_median


def brute_condorcet(x: np.ndarray, w: np.ndarray) -> set[float]:
    """The positions with the largest aggregate pairwise vote, by MODELS.md §1.3 literally."""
    totals = {}
    for j in range(len(x)):
        totals[j] = sum(
            w[i] * (abs(x[i] - x[k]) - abs(x[i] - x[j]))
            for i in range(len(x))
            for k in range(len(x))
        )
    best = max(totals.values())
    return {float(x[j]) for j, t in totals.items() if np.isclose(t, best, rtol=1e-12, atol=1e-12)}


@given(
    st.lists(
        st.tuples(st.integers(0, 20).map(float), st.floats(0.01, 5.0)), min_size=1, max_size=12
    )
)
def test_condorcet_matches_the_pairwise_definition(pairs: list[tuple[float, float]]) -> None:
    x = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs])
    winners = brute_condorcet(x, w)
    assert condorcet_median(x, w, "lowest") == min(winners)
    assert condorcet_median(x, w, "highest") == max(winners)
    winner = condorcet_median(x, w, "lowest")
    # it wins or ties every pairwise vote
    for k in x:
        assert np.dot(w, np.abs(x - k) - np.abs(x - winner)) >= -1e-9


def test_weighted_median_tie_rules() -> None:
    x = np.array([1.0, 3.0])
    w = np.array([1.0, 1.0])
    assert weighted_median(x, w, "midpoint") == 2.0
    assert weighted_median(x, w, "lowest") == 1.0
    assert weighted_median(x, w, "highest") == 3.0
    assert weighted_median(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])) == 2.0
    assert weighted_median(np.array([1.0, 2.0, 9.0]), np.array([1.0, 1.0, 5.0])) == 9.0


def test_zero_weights_fall_back_to_equal_and_say_so() -> None:
    sc = Scenario.from_table("z", ["a", "b"], ["i"], [[10], [30]], [[0], [0]], [1, 1])
    f = run(sc, "compromise")
    assert f.issues["i"].forecast == 20.0
    assert f.issues["i"].details["weights_fallback"] == "equal"
    assert weighted_mean(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 2.0


def test_missing_positions_are_ignored() -> None:
    sc = Scenario.from_table(
        "m",
        ["a", "b", "c"],
        ["i", "j"],
        [[10, np.nan], [30, 50], [90, 70]],
        [[1, 0], [1, 1], [1, 1]],
        [1, 1, 1],
    )
    f = run(sc, "compromise", params={"weights": "equal"})
    assert f.issues["j"].forecast == 60.0
    assert f.issues["i"].forecast == pytest.approx(130 / 3)


def test_weights_option_changes_the_forecast() -> None:
    sc = Scenario.from_table("w", ["a", "b"], ["i"], [[0], [100]], [[1.0], [0.25]], [1, 2])
    results = {
        w: run(sc, "compromise", params={"weights": w}).issues["i"].forecast
        for w in ("capability-salience", "capability", "salience", "equal")
    }
    assert results == pytest.approx(
        {"capability-salience": 100 / 3, "capability": 200 / 3, "salience": 20.0, "equal": 50.0}
    )


def test_status_quo_requires_one_per_issue() -> None:
    sc = Scenario.from_table("s", ["a"], ["i"], [[1]], [[1]], [1])
    assert get("status-quo").unavailable(sc) is not None
    with pytest.raises(InvalidInputError, match="no status quo"):
        run(sc, "status-quo")


def test_forecast_records_provenance() -> None:
    from stratagem import __version__, load

    f = run(load(), "compromise", branch="western-movement-rises")
    assert f.model == "compromise"
    assert f.params == {"weights": "capability-salience"}
    assert f.seed is None
    assert f.branch == "western-movement-rises"
    assert f.version == __version__
    assert f.outcome in {o.name for o in load().outcomes}
    d = f.to_dict()
    assert set(d) >= {"model", "params", "seed", "version", "issues", "outcome", "branch"}


def test_unknown_parameters_are_refused() -> None:
    spec = get("weighted-median")
    with pytest.raises(UnknownParameterError, match="valid parameters: weights"):
        spec.resolve({"nope": 1})
    with pytest.raises(UnknownParameterError, match="not one of"):
        spec.resolve({"tie_break": "middle"})
    with pytest.raises(UnknownParameterError, match="unknown model"):
        get("magic")


def test_permutation_of_equal_positions_is_stable() -> None:
    x = np.array([5.0, 5.0, 1.0, 9.0])
    w = np.array([1.0, 2.0, 1.0, 1.0])
    for perm in itertools.permutations(range(4)):
        p = list(perm)
        assert condorcet_median(x[p], w[p]) == 5.0
        assert weighted_median(x[p], w[p]) == 5.0


def _median_reference(x: np.ndarray, w: np.ndarray, tie_break: str) -> float:
    """The weighted median by its definition, one row: collapse equal positions, walk."""
    w = w / w.max() if w.max() > 0 else np.ones_like(w)
    uniq = np.unique(x)
    cum = np.cumsum([w[x == u].sum() for u in uniq])
    half, tol = cum[-1] / 2, 1e-12 * cum[-1]
    k = int(np.argmax(cum >= half - tol))
    if abs(cum[k] - half) <= tol and k + 1 < len(uniq):
        pair = uniq[k : k + 2]
        return {"lowest": pair[0], "highest": pair[1], "midpoint": pair.mean()}[tie_break]
    return float(uniq[k])


def _condorcet_reference(x: np.ndarray, w: np.ndarray, tie_break: str) -> float:
    """The Condorcet median by brute force: the positions of least sum_i w_i |x_i - x_j|."""
    w = w / w.max() if w.max() > 0 else np.ones_like(w)
    cost = np.abs(x[:, None] - x[None, :]).T @ w
    tied = x[cost <= cost.min() + 1e-9 * max(1.0, abs(cost.min()))]
    return {"lowest": tied.min(), "highest": tied.max(), "midpoint": (tied.min() + tied.max()) / 2}[
        tie_break
    ]


@given(
    rows=st.integers(1, 6),
    n=st.integers(1, 9),
    data=st.data(),
    tie_break=st.sampled_from(["midpoint", "lowest", "highest"]),
)
def test_the_batched_medians_are_the_medians_of_each_row(
    rows: int, n: int, data: st.DataObject, tie_break: str
) -> None:
    from stratagem.models.baselines import condorcet_median_rows, weighted_median_rows

    # small integers make equal positions and exact ties common
    x = np.array(data.draw(st.lists(st.integers(0, 5), min_size=rows * n, max_size=rows * n)))
    w = np.array(data.draw(st.lists(st.integers(0, 3), min_size=rows * n, max_size=rows * n)))
    x, w = x.reshape(rows, n).astype(float), w.reshape(rows, n).astype(float)
    medians = weighted_median_rows(x, w, tie_break)
    condorcet = condorcet_median_rows(x, w, tie_break)
    for r in range(rows):
        assert medians[r] == _median_reference(x[r], w[r], tie_break)
        assert condorcet[r] == pytest.approx(_condorcet_reference(x[r], w[r], tie_break))
        assert weighted_median(x[r], w[r], tie_break) == medians[r]
        assert condorcet_median(x[r], w[r], tie_break) == condorcet[r]
