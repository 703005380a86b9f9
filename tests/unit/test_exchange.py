from __future__ import annotations

import functools
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import stratagem
import stratagem.models
from stratagem import Scenario, io
from stratagem.models import exchange as ex
from strategies import scenarios

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_vectorised_construction_equals_the_scalar_one(shared_data) -> None:  # type: ignore[no-untyped-def]
    sc = io.read(shared_data / "decide" / "copenhagen.csv")
    fast = stratagem.run(sc, "exchange", seed=1)
    original = ex._build
    ex._build = functools.partial(original, vectorised=False)  # type: ignore[assignment]
    try:
        slow = stratagem.run(sc, "exchange", seed=1)
    finally:
        ex._build = original  # type: ignore[assignment]
    assert fast.details["exchanges"] == slow.details["exchanges"]
    assert fast.positions() == slow.positions()


@SETTINGS
@given(sc=scenarios(min_actors=3, max_actors=8, max_issues=3))
def test_positions_stay_in_range_and_gains_are_positive(sc: Scenario) -> None:
    if sc.n_issues < 2:
        return
    for params in ({}, {"ties": "decide", "nbs_cap": "decide"}, {"p": 0.5}):
        f = stratagem.run(sc, "exchange", params={"rounds": 4, **params}, seed=0)
        for issue in sc.issues:
            paths = (
                f.trajectory(issue.id).positions,  # type: ignore[union-attr]
                f.issues[issue.id].details["voting_positions_by_round"],
            )
            for path in map(np.array, paths):
                if path.size == 0:  # nobody cares about this issue (every salience 0)
                    continue
                assert path.min() >= issue.min - 1e-9 * issue.range
                assert path.max() <= issue.max + 1e-9 * issue.range
        for record in f.details["exchanges"]:
            # expected utility never decreases through an exchange, for either side
            assert record["i"]["gain"] > 0
            assert record["j"]["gain"] > 0


def test_equal_gain_and_moves_toward_the_partner(shared_data) -> None:  # type: ignore[no-untyped-def]
    sc = io.read(shared_data / "decide" / "sample_data.txt")
    f = stratagem.run(sc, "exchange", params={"rounds": 1}, seed=0)
    exchanges = f.details["exchanges"]
    assert len(exchanges) > 10
    for record in exchanges:
        assert record["i"]["gain"] == pytest.approx(record["j"]["gain"], rel=1e-9)
        assert record["i"]["from"] != record["i"]["to"]


def test_same_seed_same_result_and_randomized_variant() -> None:
    sc = stratagem.load("copenhagen-2009")
    a = stratagem.run(sc, "exchange", params={"p": 0.3}, seed=7)
    b = stratagem.run(sc, "exchange", params={"p": 0.3}, seed=7)
    c = stratagem.run(sc, "exchange", params={"p": 0.3}, seed=8)
    assert a == b
    assert a.seed == 7
    assert a.positions() != c.positions()


def test_stable_stopping_rule_and_json() -> None:
    sc = stratagem.load("toll-debate")
    f = stratagem.run(
        sc, "exchange", params={"stop": "stable", "tolerance": 5.0, "rounds": 50}, seed=0
    )
    details = next(iter(f.issues.values())).details
    assert details["stop_rule"] == "stable"
    assert details["rounds"] < 50
    d = f.to_dict()
    for issue in d["issues"].values():
        assert len(issue["compromise_by_round"]) == details["rounds"] + 1
    assert isinstance(d["details"]["externalities_by_round"], list)


def test_needs_two_issues() -> None:
    assert stratagem.models.get("exchange").unavailable(stratagem.load("eu-emissions-1994"))


def test_explain_lists_exchanges() -> None:
    sc = stratagem.load("copenhagen-2009")
    spec = stratagem.models.get("exchange")
    f = spec.run(sc, seed=0)
    assert spec.explain is not None
    lines = spec.explain(f, "Extra", 1)
    assert lines[0].startswith("Extra, round 1: compromise")
    assert any("each gains" in line for line in lines)
    randomized = spec.run(sc, params={"p": 0.5}, seed=0)
    first = randomized.details["exchanges"][0]
    line = next(x for x in spec.explain(randomized, first["i"]["supply"], 1) if "moves" in x)
    assert f"{first['i']['actor']} gains {first['i']['gain']:.4g}" in line


@pytest.mark.parametrize("threads", ["one", "every"])
@pytest.mark.parametrize("cap", ["exact", "decide"])
@pytest.mark.parametrize("name", ["sample_data.txt", "copenhagen.csv", "cop21.csv"])
def test_compiled_engine_equals_the_python_one(
    shared_data, name: str, cap: str, threads: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """On one thread (a small case) or numba's every thread (a large one), the same run."""
    monkeypatch.setattr(ex, "ONE_THREAD_SIZE", 10**18 if threads == "one" else 0)
    sc = io.read(shared_data / "decide" / name)
    params = {"rounds": 10, "nbs_cap": cap}
    compiled = stratagem.run(sc, "exchange", params={**params, "engine": "compiled"}, seed=1)
    python = stratagem.run(sc, "exchange", params={**params, "engine": "python"}, seed=1)
    assert compiled.details == python.details
    assert compiled.issues == python.issues


@SETTINGS
@given(sc=scenarios(min_actors=2, max_actors=10, max_issues=4, missing=True))
def test_compiled_engine_equals_the_python_one_on_generated_cases(sc: Scenario) -> None:
    if sc.n_issues < 2:
        return
    for cap, on_nbs in (("exact", "left"), ("decide", "right")):
        params = {"rounds": 3, "nbs_cap": cap, "on_nbs": on_nbs}
        compiled = stratagem.run(sc, "exchange", params={**params, "engine": "compiled"}, seed=0)
        python = stratagem.run(sc, "exchange", params={**params, "engine": "python"}, seed=0)
        assert compiled.details == python.details
        assert compiled.positions() == python.positions()


def _on_the_nbs() -> Scenario:
    """b stands exactly on issue p's NBS (50: a and c weigh the same on either side)."""
    return Scenario.from_table(
        "on-nbs",
        ["a", "b", "c"],
        ["p", "q"],
        np.array([[20.0, 90.0], [50.0, 10.0], [80.0, 80.0]]),
        np.array([[0.5, 0.5], [0.8, 0.3], [0.5, 0.5]]),
        np.array([1.0, 1.0, 1.0]),
    )


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_an_actor_on_the_nbs_is_grouped_by_on_nbs(engine: str) -> None:
    """b is on p's NBS and left of q's: on the left of p (decide) it can exchange with c
    (right of both), on the right of p with a (left of p, right of q)."""
    sc = _on_the_nbs()
    partners = {}
    for side in ("left", "right"):
        f = stratagem.run(
            sc, "exchange", params={"rounds": 1, "on_nbs": side, "engine": engine}, seed=0
        )
        partners[side] = {
            (e["i"]["actor"], e["j"]["actor"])
            for e in f.details["exchanges"]
            if "b" in (e["i"]["actor"], e["j"]["actor"])
        }
    assert partners["left"]
    assert partners["right"]
    assert all("c" in pair for pair in partners["left"])
    assert all("a" in pair for pair in partners["right"])


def test_decide_ties_are_seeded() -> None:
    sc = stratagem.load("copenhagen-2009")
    params = {"ties": "decide", "nbs_cap": "decide"}
    a = stratagem.run(sc, "exchange", params=params, seed=3)
    b = stratagem.run(sc, "exchange", params=params, seed=3)
    c = stratagem.run(sc, "exchange", params=params, seed=4)
    assert a == b
    assert a.positions() != c.positions()
    assert a.params["ties"] == "decide"


def test_compiled_engine_handles_a_zero_capability() -> None:
    """An actor with no capability cannot move the NBS: its exchanges are invalid, not errors."""
    sc = Scenario.from_table(
        "zero",
        ["a", "b", "c", "d"],
        ["p", "q"],
        np.array([[10.0, 90.0], [90.0, 10.0], [20.0, 80.0], [70.0, 30.0]]),
        np.full((4, 2), 0.5),
        np.array([1.0, 0.0, 1.0, 1.0]),
    )
    compiled = stratagem.run(sc, "exchange", params={"rounds": 2, "engine": "compiled"}, seed=0)
    for record in compiled.details["exchanges"]:
        assert "b" not in (record["i"]["actor"], record["j"]["actor"])


def test_auto_engine_compiles_only_when_it_pays(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.delitem(sys.modules, "stratagem.models._exchange_kernel", raising=False)
    assert not ex._use_compiled("auto", 15, 13)  # cop21: the Python engine takes ~1 s
    assert ex._use_compiled("auto", 100, 30)
    assert ex._use_compiled("compiled", 3, 2)
    assert not ex._use_compiled("python", 100, 30)


@pytest.mark.parametrize("params", [{}, {"engine": "python"}, {"p": 0.5, "rounds": 5}])
def test_a_run_for_its_forecasts_only_leaves_out_only_the_details(params) -> None:  # type: ignore[no-untyped-def]
    """Within ``forecasts_only`` the exchange model records no exchanges, externalities or
    voting positions, and its forecasts are those of the full run, bit for bit."""
    from stratagem.models.registry import forecasts_only

    for scenario in (stratagem.load("iraq-2020"), stratagem.load("cop21-2015")):
        full = stratagem.run(scenario, "exchange", params=params, seed=3)
        with forecasts_only():
            lean = stratagem.run(scenario, "exchange", params=params, seed=3)
        assert full.details["exchanges"]
        assert lean.positions() == full.positions()
        assert not lean.details
        assert all(f.trajectory is None for f in lean.issues.values())


def test_a_small_case_runs_the_kernel_without_starting_numbas_threads() -> None:
    """So that the process can still fork workers that run the compiled kernel."""
    import subprocess
    import sys

    pytest.importorskip("numba")
    code = (
        "import stratagem\n"
        "from stratagem.parallel import threads_started\n"
        "stratagem.run(stratagem.load(), 'exchange', params={'engine': 'compiled'})\n"
        "print(threads_started())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_lever_search_split_between_workers_finds_what_one_process_finds() -> None:
    """In a process that has run the kernel (a small case: no threads started), the search
    forks workers, and finds what one process does."""
    import subprocess
    import sys

    pytest.importorskip("numba")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: there is nothing to split")
    code = """
import json, stratagem
from stratagem.analysis import levers as lv
sc = stratagem.load()
stratagem.run(sc, "exchange", params={"engine": "compiled"})
forks = []
fork_map = lv.fork_map
lv.fork_map = lambda f, items, n: forks.append(n) or fork_map(f, items, n)
ask = {"models": ["exchange"], "actors": ["sadr", "revolt"], "combinations": 1}
split = lv.levers(sc, "revolution prevails", **ask).to_dict()
used = list(forks)
lv.os.cpu_count = lambda: 1
alone = lv.levers(sc, "revolution prevails", **ask).to_dict()
split.pop("seconds"); alone.pop("seconds")
print(json.dumps({"equal": split == alone, "forks": used, "after": forks[len(used):],
                  "runs": split["evaluations"]["exchange"]}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert found["equal"]
    assert found["forks"]
    assert all(n >= 2 for n in found["forks"])
    assert found["after"] == []  # one core: no fork
    assert found["runs"] > 100
