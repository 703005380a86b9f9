"""Hardening (issue 24): limits, complete validation, finite forecasts, degenerate inputs,
reproducible seeds, the run store under concurrency, atomic report sets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import stratagem
from stratagem import InvalidInputError, io, limits, models, store
from stratagem.cli.main import cli
from stratagem.report.build import Report
from stratagem.scenario import Issue, Scenario

EXE = Path(sys.executable).with_name("stratagem")
TWO_ACTORS = (
    "name: t\nissues: [{id: x}, {id: y}]\nactors:\n"
    "  - {id: a, capability: 1, positions: {x: [10, 0.5], y: [20, 0.4]}}\n"
    "  - {id: b, capability: 2, positions: {x: [90, 0.7], y: [60, 0.9]}}\n"
)


# ------------------------------------------------------------------ limits


def test_every_limit_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for lim in limits.LIMITS.values():
        assert lim.env in readme, lim.name


def test_a_limit_is_raised_by_its_variable_and_refuses_nonsense(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATAGEM_MAX_ACTORS", "2")
    assert limits.limit("actors") == 2
    monkeypatch.setenv("STRATAGEM_MAX_ACTORS", "many")
    with pytest.raises(InvalidInputError, match="STRATAGEM_MAX_ACTORS: must be a positive"):
        limits.limit("actors")


def test_too_many_actors_is_an_input_error_naming_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATAGEM_MAX_ACTORS", "1")
    with pytest.raises(InvalidInputError, match=r"2 actors: the limit is 1 .*STRATAGEM_MAX_ACTORS"):
        io.read_text(TWO_ACTORS, "t.yaml")


def test_an_event_past_the_last_round_is_refused() -> None:
    text = (
        TWO_ACTORS
        + "events:\n  - {name: e, round: 20000, changes: [{actor: a, issue: x, position: 5}]}\n"
    )
    with pytest.raises(InvalidInputError, match=r"events\[e\].round: round 20,000: the limit"):
        io.read_text(text, "t.yaml")


def test_the_expected_utility_model_refuses_what_it_cannot_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATAGEM_MAX_MODEL_MEMORY_MB", "1")
    sc = Scenario.from_table(
        "big",
        [f"a{i}" for i in range(200)],
        ["x"],
        np.full((200, 1), 50.0),
        np.full((200, 1), 0.5),
        np.ones(200),
    )
    assert "model_memory_mb" in (models.get("eum").unavailable(sc) or "")
    with pytest.raises(InvalidInputError, match="would hold about 7 MB"):
        stratagem.run(sc, "eum")
    assert "eum" in stratagem.forecast(sc).skipped


def test_yaml_12_values_and_aliases_within_the_budget() -> None:
    doc = io.read_text(
        TWO_ACTORS + "title: NO\nmodel_params:\n  eum: &p {rounds: 5}\n  exchange: {rounds: 5}\n",
        "t.yaml",
    )
    assert doc.title == "NO"
    assert doc.model_params["eum"]["rounds"] == 5


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: a\nname: b\n", "duplicate key 'name'"),
        ("name: *nothing\n", "undefined alias"),
        ("name: !!python/object x\n", "unknown tag"),
        ("name: a\n---\nname: b\n", "more than one YAML document"),
    ],
)
def test_yaml_the_reader_refuses(text: str, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        io.read_text(text, "t.yaml")


# ------------------------------------------------------------------ complete validation


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("  nosuchmodel: {rounds: 3}\n", "t.yaml:7: model_params.nosuchmodel: unknown model"),
        ("  eum: {bogus: 1}\n", "t.yaml:7: model_params.eum.bogus: model 'eum' has no parameter"),
        ("  eum: {rounds: 1e9}\n", "t.yaml:7: model_params.eum.rounds: 1,000,000,000: the limit"),
        ("  eum: {tolerance: .nan}\n", "t.yaml:7: model_params.eum.tolerance: must be a finite"),
    ],
)
def test_validate_refuses_what_run_refuses_with_the_same_message(
    tmp_path: Path, params: str, message: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TWO_ACTORS + "model_params:\n" + params)
    runner = CliRunner()
    checked = runner.invoke(cli, ["validate", str(path)])
    ran = runner.invoke(cli, ["run", str(path), "-m", "eum", "-m", "compromise"])
    assert checked.exit_code == ran.exit_code == 3
    assert message.replace("t.yaml", str(path)) in checked.output
    assert message.replace("t.yaml", str(path)) in ran.output


def test_a_nan_parameter_on_the_command_line_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["run", "-m", "eum", "--set", "tolerance=nan"])
    assert result.exit_code == 2
    assert "must be a finite number" in result.output


# ------------------------------------------------------------------ finite forecasts

CAPABILITIES = st.one_of(
    st.sampled_from([0.0, 1e-300, 1e-30, 1.0, 1e30, 1e300, sys.float_info.max / 8]),
    st.floats(1e-300, 1e300),
)


@settings(max_examples=25, deadline=None)
@given(
    caps=st.lists(CAPABILITIES, min_size=3, max_size=3),
    sal=st.lists(st.sampled_from([0.0, 1.0, 0.5]), min_size=6, max_size=6),
    equal_positions=st.booleans(),
)
def test_every_model_forecasts_finite_values_on_the_scale(
    caps: list[float], sal: list[float], equal_positions: bool
) -> None:
    """Extreme but valid inputs: capabilities 1e-300 to 1e300, saliences 0 and 1."""
    positions = (
        np.full((3, 2), 40.0) if equal_positions else np.array([[0, 100], [50, 20], [100, 0]])
    )
    sc = Scenario.from_table(
        "extreme",
        ["a", "b", "c"],
        [Issue("p", "p"), Issue("q", "q")],
        positions,
        np.array(sal).reshape(3, 2),
        caps,
    )
    for spec in models.applicable(sc):
        forecast = spec.run(sc, seed=1)
        for issue, value in forecast.positions().items():
            assert math.isfinite(value), (spec.name, issue, caps)
            assert 0.0 <= value <= 100.0, (spec.name, issue, value)


@pytest.mark.parametrize("name", ["iraq-2020", "toll-debate"])
def test_models_declared_unit_free_forecast_the_same_in_any_capability_unit(name: str) -> None:
    """Scaling every capability by a power of two leaves their forecasts bit-identical."""
    sc = stratagem.load(name)
    sc = sc.evolve(branches=(), uncertainty={})
    for spec in models.applicable(sc):
        if not spec.capability_unit_free:
            continue
        for factor in (2.0**-40, 2.0**40):
            scaled = sc.with_capabilities_scaled(factor)
            a, b = spec.run(sc, seed=2).positions(), spec.run(scaled, seed=2).positions()
            assert a == b, (spec.name, factor)


def test_extreme_capabilities_are_rescaled_only_when_extreme() -> None:
    assert stratagem.load().capability_scale() == 1.0
    huge = Scenario.from_table("h", ["a", "b"], ["x"], [[10], [90]], [[1], [1]], [1e308, 1e308])
    assert huge.capability_scale() == 2.0**-1023
    forecast = stratagem.run(huge, "compromise").positions()["x"]
    assert forecast == 50.0
    # the smallest subnormal capability (2**-1074) needs more than 2**1023: it gets 2**1023
    tiny = Scenario.from_table("t", ["a", "b"], ["x"], [[10], [90]], [[1], [1]], [5e-324, 5e-324])
    assert tiny.capability_scale() == 2.0**1023
    assert (
        stratagem.run(tiny, "eum").positions()["x"] == stratagem.run(huge, "eum").positions()["x"]
    )


# ------------------------------------------------------------------ degenerate inputs


def test_all_weights_zero_warns_and_forecasts_the_plain_mean(tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.write_text(TWO_ACTORS.replace("0.5]", "0]").replace("0.7]", "0]"))
    checked = stratagem.validate(path)
    assert any("every actor on 'x' has weight 0" in w for w in checked.warnings)
    result = stratagem.forecast(checked.scenario, ["compromise"])
    assert result.forecasts[0].positions()["x"] == 50.0
    assert any("weight 0" in n for n in result.notes)
    out = CliRunner().invoke(cli, ["validate", str(path)])
    assert out.exit_code == 0
    assert "warning: every actor on 'x' has weight 0" in out.output


def test_one_actor_on_an_issue_warns() -> None:
    sc = Scenario.from_table(
        "one", ["a", "b"], ["x", "y"], [[10, np.nan], [90, 30]], [[1, np.nan], [1, 1]], [1, 1]
    )
    expected = (
        "only b takes a position on 'y': every model that forecasts from positions forecasts "
        "b's position"
    )
    assert sc.warnings() == [expected]


# ------------------------------------------------------------------ seeds and the store


def _runs(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args, "--store", url], capture_output=True, text=True, timeout=300, check=False
    )


def test_a_run_of_two_stochastic_models_reruns_exactly_from_its_export(tmp_path: Path) -> None:
    """No --seed: the run draws one seed, records it, and the export carries it with the
    parameters (SMP with stochastic state transitions, the randomized exchange model)."""
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    settings = ["--set", "smp.StateTransitions=Stochastic", "--set", "exchange.p=0.5"]
    first = _runs(
        url, "run", "toll-debate", "-m", "smp", "-m", "exchange", *settings, "--save", "--json"
    )
    assert first.returncode == 0, first.stderr
    recorded = json.loads(first.stdout)
    seeds = {f["seed"] for f in recorded["forecasts"]}
    assert len(seeds) == 1
    assert None not in seeds
    exported = tmp_path / "again.yaml"
    done = _runs(url, "runs", "export", "1", "-o", str(exported))
    assert done.returncode == 0, done.stderr
    assert f"rerun with: stratagem run {exported} -m smp -m exchange" in done.stderr
    again = io.read(exported)
    assert again.seed in seeds
    assert again.model_params["smp"]["StateTransitions"] == "Stochastic"
    rerun = subprocess.run(
        [str(EXE), "run", str(exported), "-m", "smp", "-m", "exchange", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert [f["issues"] for f in json.loads(rerun.stdout)["forecasts"]] == [
        f["issues"] for f in recorded["forecasts"]
    ]


def test_two_stochastic_models_in_one_run_share_the_recorded_seed() -> None:
    sc = stratagem.load("cop21-2015")
    result = stratagem.forecast(sc, ["smp", "exchange"], {"exchange": {"p": 0.5}})
    assert result.seed is not None
    stochastic = [f for f in result.forecasts if models.get(f.model).stochastic]
    assert len(stochastic) == 2
    assert {f.seed for f in stochastic} == {result.seed}
    again = stratagem.forecast(sc, ["smp", "exchange"], {"exchange": {"p": 0.5}}, seed=result.seed)
    assert [f.positions() for f in again.forecasts] == [f.positions() for f in result.forecasts]


def _create_store(url: str) -> int:
    db = store.Store(url)
    sc = stratagem.load("toll-debate")
    result = stratagem.forecast(sc, ["compromise"])
    return db.save(store.RunRecord.of_forecasts(result, dt.datetime.now(dt.UTC)))


def test_four_processes_creating_a_store_at_once_lose_no_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'runs.sqlite'}"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map(_create_store, [url] * 4)
    assert sorted(ids) == [1, 2, 3, 4]
    assert len(store.Store(url).list()) == 4


def test_the_largest_seed_is_stored_and_read_back(tmp_path: Path) -> None:
    db = store.Store(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    sc = stratagem.load("toll-debate")
    result = stratagem.forecast(sc, ["compromise"], seed=2**64 - 1)
    run_id = db.save(store.RunRecord.of_forecasts(result, dt.datetime.now(dt.UTC)))
    assert db.get(run_id).seed == 2**64 - 1


def test_a_forecast_the_store_cannot_hold_is_printed_and_the_error_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    original = store.RunRecord.of_forecasts

    def with_nan(result: stratagem.ForecastSet, started: dt.datetime) -> store.RunRecord:
        record = original(result, started)
        return dataclasses.replace(record, forecasts={"compromise": {"x": math.nan}})

    monkeypatch.setattr(store.RunRecord, "of_forecasts", staticmethod(with_nan))
    result = CliRunner().invoke(
        cli, ["run", "toll-debate", "-m", "compromise", "--save", "--store", url, "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["forecasts"][0]["model"] == "compromise"
    assert "the run was not saved" in result.output
    assert "not a finite number" in result.output


# ------------------------------------------------------------------ report sets


def _small_report() -> Report:
    from stratagem.report.build import build_report

    return build_report(stratagem.load("eu-emissions-1994"), models=["compromise"], draws=0)


def test_a_report_set_has_the_users_permissions(tmp_path: Path) -> None:
    from stratagem.report.build import write_report

    old = os.umask(0o022)
    try:
        path = write_report(_small_report(), tmp_path / "out")
    finally:
        os.umask(old)
    for p in (path, tmp_path / "out" / "results.json", tmp_path / "out" / "figures"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode in (0o644, 0o755), (p, oct(mode))


def test_a_failed_write_leaves_the_previous_set_and_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stratagem.report import build

    out = tmp_path / "out"
    build.write_report(_small_report(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def killed(_new: Path, _target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "replace_directory", killed)
    with pytest.raises(KeyboardInterrupt):
        build.write_report(_small_report(), out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_report_does_not_replace_a_directory_of_other_files(tmp_path: Path) -> None:
    from stratagem.report.build import write_report

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InvalidInputError, match=r"notes.txt"):
        write_report(_small_report(), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_json_is_read_fast_and_still_names_lines(tmp_path: Path) -> None:
    """A valid JSON file is read without lines; they are found when a problem needs one."""
    doc = {
        "name": "t",
        "issues": [{"id": "x"}],
        "actors": [{"id": "a", "capability": 1, "positions": {"x": [10, 0.5]}}],
        "model_params": {"eum": {"bogus": 1}},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(InvalidInputError) as err:
        stratagem.validate(path)
    (problem,) = err.value.problems
    assert (problem.field, problem.line) == ("model_params.eum.bogus", 22)
    path.write_text('{"name": "t",\n "name": "u"}')
    with pytest.raises(InvalidInputError, match="duplicate key 'name'") as dup:
        io.read(path)
    assert dup.value.problems[0].line == 2


def test_inputs_outside_their_range_are_still_named() -> None:
    sc = stratagem.load()
    positions = sc.positions.copy()
    positions[0, 0] = sc.issues[0].max + 1
    with pytest.raises(InvalidInputError) as exc:
        sc.with_inputs(positions, sc.salience, sc.capability)
    assert f"actors[{sc.actors[0].id}].positions[{sc.issues[0].id}].position" in str(exc.value)
    salience = sc.salience.copy()
    salience[sc.has_position] = np.nan
    with pytest.raises(InvalidInputError, match="salience"):
        sc.with_inputs(sc.positions, salience, sc.capability)
