"""The run store on SQLite (always) and on a real PostgreSQL server (STRATAGEM_TEST_PG)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import stratagem
import stratagem.io
from stratagem import InvalidInputError, store

EXE = Path(sys.executable).with_name("stratagem")
PG = os.environ.get("STRATAGEM_TEST_PG")
URLS = ["sqlite"] + (["postgres"] if PG else [])


def fresh_postgres() -> str:
    from sqlalchemy import create_engine, text

    assert PG is not None
    engine = create_engine(PG)
    with engine.begin() as conn:
        for table in ("forecasts", "runs", "schema_version"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return PG


@pytest.fixture(params=URLS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return fresh_postgres()
    return f"sqlite:///{tmp_path / 'runs.sqlite'}"


def test_postgres_is_tested_in_ci() -> None:
    if os.environ.get("CI"):
        assert PG, ".ci/run starts PostgreSQL and sets STRATAGEM_TEST_PG"


def save_one(db: store.Store, name: str = "iraq-2020", seed: int | None = 1) -> int:
    sc = stratagem.load(name)
    result = stratagem.forecast(sc, ["compromise"], seed=seed)
    return db.save(store.RunRecord.of_forecasts(result, dt.datetime.now(dt.UTC)))


def test_save_list_show_and_schema(url: str) -> None:
    db = store.Store(url)
    assert db.version() == store.SCHEMA_VERSION
    first = save_one(db)
    second = save_one(db, "eu-emissions-1994")
    assert [r.id for r in db.list()] == [second, first]
    assert [r.id for r in db.list("iraq-2020")] == [first]
    record = db.get(first)
    assert record.scenario_hash == store.scenario_hash(record.scenario_yaml)
    expected = stratagem.run(stratagem.load(), "compromise").positions()["iraq_order"]
    assert record.forecasts()["compromise"]["iraq_order"] == pytest.approx(expected, abs=1e-12)
    assert record.version == stratagem.__version__
    with pytest.raises(InvalidInputError, match="no run 999"):
        db.get(999)
    again = store.Store(url)  # reopening migrates nothing and keeps everything
    assert [r.id for r in again.list()] == [second, first]


def test_older_store_is_upgraded_and_newer_refused(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO schema_version (version) VALUES (1)"))
        store.MIGRATIONS[0](conn)
        conn.execute(
            text(
                "INSERT INTO runs (created_at, command, scenario_name, scenario_hash,"
                " scenario_yaml, models, params, seed, version, results) VALUES"
                " ('2026-01-01', 'run', 'old', 'h', 'name: old', '[\"compromise\"]', '{}', 3,"
                " '0.0.1', '{\"forecasts\": []}')"
            )
        )
    engine.dispose()
    db = store.Store(url)
    assert db.version() == store.SCHEMA_VERSION
    (old,) = db.list()
    assert old.scenario_name == "old"
    assert old.duration_s is None
    save_one(db)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(store.StoreError, match="schema version 99, written by a newer stratagem"):
        store.Store(url)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_cli_save_show_diff_export_and_reproduce(url: str, tmp_path: Path) -> None:
    a = cli("run", "-m", "eum", "--seed", "3", "--save", "--store", url, "--json")
    assert a.returncode == 0, a.stderr
    b = cli("run", "-m", "eum", "-b", "western-movement-rises", "--save", "--store", url)
    assert b.returncode == 0, b.stderr
    c = cli("simulate", "-m", "compromise", "--draws", "50", "--json", "--save", "--store", url)
    assert c.returncode == 0, c.stderr
    listed = cli("runs", "list", "--store", url).stdout.splitlines()
    assert len(listed) == 3
    assert listed[0].split("\t")[2] == "simulate"
    shown = json.loads(cli("runs", "show", "1", "--json", "--store", url).stdout)
    assert shown["models"] == ["eum"]
    assert shown["seed"] == 3
    assert shown["results"] == json.loads(a.stdout)
    diff = json.loads(cli("runs", "diff", "1", "2", "--json", "--store", url).stdout)
    assert diff["settings"]["branch"] == [None, "western-movement-rises"]
    assert "eum.iraq_order" in diff["forecasts"]
    exported = tmp_path / "again.yaml"
    assert cli("runs", "export", "1", "-o", str(exported), "--store", url).returncode == 0
    rerun = cli("run", str(exported), "-m", "eum", "--seed", "3", "--json")
    assert json.loads(rerun.stdout)["forecasts"] == json.loads(a.stdout)["forecasts"]
    missing = cli("runs", "show", "42", "--store", url)
    assert missing.returncode == 3
    assert "no run 42" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_save_always_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    result = cli("run", "-m", "compromise", env={"STRATAGEM_SAVE": "1", "STRATAGEM_STORE": url})
    assert result.returncode == 0, result.stderr
    assert "saved as run 1" in result.stderr
    assert len(store.Store(url).list()) == 1


def test_changed_inputs_are_listed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    path = tmp_path / "case.yaml"
    case = stratagem.load()
    path.write_text(stratagem.io.write_text(case, "yaml"))
    assert cli("run", str(path), "-m", "compromise", "--save", "--store", url).returncode == 0
    path.write_text(stratagem.io.write_text(case.with_value("revolt", "capability", 45), "yaml"))
    assert cli("run", str(path), "-m", "compromise", "--save", "--store", url).returncode == 0
    out = cli("runs", "diff", "1", "2", "--store", url).stdout
    assert "revolt.capability: 20.0 → 45.0" in out
    assert "compromise.iraq_order" in out


WRITER = """
import sys, time, datetime as dt
from sqlalchemy import text
from stratagem import store
db = store.Store(sys.argv[1])
mode = sys.argv[2]
if mode == "hold":
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO runs (created_at, command, scenario_name, scenario_hash,"
                          " scenario_yaml, models, params, version, results) VALUES"
                          " ('x', 'run', 'half', 'h', 'y', '[]', '{}', 'v', '{}')"))
        print("inside", flush=True)
        time.sleep(60)
else:
    for k in range(int(mode)):
        db.save(store.RunRecord("run", "concurrent", "name: c", ("compromise",), {}, k,
                                {"forecasts": []}, dt.datetime.now(dt.UTC), 0.0))
    print("done", flush=True)
"""


def test_killed_writer_leaves_the_store_consistent(url: str, tmp_path: Path) -> None:
    store.Store(url)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    proc = subprocess.Popen(
        [sys.executable, str(script), url, "hold"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = store.Store(url)
    assert [r.scenario_name for r in db.list()] == []  # the half-written run never landed
    save_one(db)
    assert len(db.list()) == 1


def test_two_processes_saving_at_once_both_succeed(url: str, tmp_path: Path) -> None:
    store.Store(url)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, "15"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    time.sleep(0.1)
    assert len(store.Store(url).list("concurrent")) == 30
