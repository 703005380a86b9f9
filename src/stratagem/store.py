"""Run history: every forecast recorded with its inputs, in SQLite by default or PostgreSQL.

A run is stored in one transaction after it finishes: the scenario's content (YAML) and
its hash, the command (``run``, ``simulate``, ``backtest``), model, parameters, seed,
package version, start time, duration, the results (forecast per issue and model,
summaries and outcome probabilities for simulations, compact per-round trajectories) —
not every intermediate table.

The store is any SQLAlchemy URL: by default a SQLite file in the user's data directory
(platformdirs), in WAL mode so that readers never block the writer; ``--store URL`` or
``STRATAGEM_STORE`` selects another, PostgreSQL included. The schema is created and
migrated by the tool (:data:`MIGRATIONS`, a versioned list applied in order inside one
transaction); a store written by a newer version is refused, never silently misread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stratagem.errors import StratagemError
from stratagem.jsonable import plain

if TYPE_CHECKING:
    from stratagem.results import Ensemble, ForecastSet
    from stratagem.validation.backtest import BacktestResult

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "RunRecord",
    "Store",
    "StoreError",
    "StoredRun",
    "default_url",
    "diff",
    "scenario_hash",
    "should_save",
]


def should_save(flag: bool) -> bool:
    """``--save`` given, or ``STRATAGEM_SAVE`` set to 1/true/yes (save every run)."""
    return flag or os.environ.get("STRATAGEM_SAVE", "").lower() in ("1", "true", "yes")


class StoreError(StratagemError):
    """The run store cannot be used (unknown run, newer schema, unreachable database)."""


def default_url() -> str:
    """``STRATAGEM_STORE``, or a SQLite file in the user's data directory."""
    env = os.environ.get("STRATAGEM_STORE")
    if env:
        return env
    from platformdirs import user_data_dir

    path = Path(user_data_dir("stratagem", appauthor=False)) / "runs.sqlite"
    return f"sqlite:///{path}"


def scenario_hash(text: str) -> str:
    """SHA-256 of a scenario's YAML text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Each migration takes a connection and moves the schema one version up.
def _v1(conn: Any) -> None:
    from sqlalchemy import text

    key = "SERIAL PRIMARY KEY" if conn.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
    conn.execute(
        text(
            "CREATE TABLE runs ("
            f" id {key},"
            " created_at VARCHAR(40) NOT NULL,"
            " command VARCHAR(20) NOT NULL,"
            " scenario_name VARCHAR(200) NOT NULL,"
            " scenario_hash VARCHAR(64) NOT NULL,"
            " scenario_yaml TEXT NOT NULL,"
            " models TEXT NOT NULL,"
            " params TEXT NOT NULL,"
            " seed BIGINT,"
            " version VARCHAR(40) NOT NULL,"
            " results TEXT NOT NULL)"
        )
    )
    conn.execute(
        text(
            "CREATE TABLE forecasts ("
            " run_id INTEGER NOT NULL REFERENCES runs(id),"
            " model VARCHAR(100) NOT NULL,"
            " issue VARCHAR(200) NOT NULL,"
            " forecast DOUBLE PRECISION NOT NULL,"
            " PRIMARY KEY (run_id, model, issue))"
        )
    )


def _v2(conn: Any) -> None:
    from sqlalchemy import text

    # version 2 records timing and the branch, and indexes scenarios for `runs list`
    conn.execute(text("ALTER TABLE runs ADD COLUMN started_at VARCHAR(40)"))
    conn.execute(text("ALTER TABLE runs ADD COLUMN duration_s DOUBLE PRECISION"))
    conn.execute(text("ALTER TABLE runs ADD COLUMN branch VARCHAR(200)"))
    conn.execute(text("CREATE INDEX runs_scenario ON runs (scenario_name)"))


MIGRATIONS: tuple[Callable[[Any], None], ...] = (_v1, _v2)
SCHEMA_VERSION = len(MIGRATIONS)


_COLUMNS = (
    "created_at",
    "command",
    "scenario_name",
    "scenario_hash",
    "scenario_yaml",
    "models",
    "params",
    "seed",
    "version",
    "results",
    "started_at",
    "duration_s",
    "branch",
)

# built from the constant column names above, never from user input
_INSERT_RUN = (
    f"INSERT INTO runs ({', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}) RETURNING id"
)


@dataclass(frozen=True)
class RunRecord:
    """What the store keeps of one finished run; build one with a named constructor.

    Parameters
    ----------
    command : str
        ``run``, ``simulate`` or ``backtest``.
    scenario_name : str
        The scenario's name (or the dataset's file name).
    scenario_text : str
        The scenario exactly as run, in YAML (or the dataset's text), so that
        ``runs export`` gives back what reruns the run.
    models : tuple of str
        The models run.
    params : mapping
        Every parameter, per model and of the command.
    seed : int or None
        The run's seed.
    results : mapping
        The run's JSON document.
    started_at : datetime
        When it started (UTC).
    duration_s : float
        How long it took.
    branch : str or None
        The branch applied.
    forecasts : mapping of model to issue to float
        The forecasts, kept in their own table for ``runs diff``.
    """

    command: str
    scenario_name: str
    scenario_text: str
    models: tuple[str, ...]
    params: Mapping[str, Any]
    seed: int | None
    results: Mapping[str, Any]
    started_at: dt.datetime
    duration_s: float
    branch: str | None = None
    forecasts: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def of_forecasts(cls, result: ForecastSet, started_at: dt.datetime) -> RunRecord:
        """The record of a ``run``: every model's forecast of one scenario."""
        from stratagem.io import write_text

        return cls(
            command="run",
            scenario_name=result.scenario.name,
            scenario_text=write_text(result.scenario, "yaml"),
            models=tuple(f.model for f in result.forecasts),
            params={f.model: dict(f.params) for f in result.forecasts},
            seed=result.seed,
            results=result.to_dict(),
            started_at=started_at,
            duration_s=_since(started_at),
            branch=result.branch,
            forecasts={f.model: f.positions() for f in result.forecasts},
        )

    @classmethod
    def of_simulation(
        cls,
        ensemble: Ensemble,
        started_at: dt.datetime,
        spread: Mapping[str, float] | None = None,
    ) -> RunRecord:
        """The record of a ``simulate``: the ensemble's summary, its mean per issue."""
        from stratagem.io import write_text

        summary = ensemble.to_dict()
        return cls(
            command="simulate",
            scenario_name=ensemble.scenario.name,
            scenario_text=write_text(ensemble.scenario, "yaml"),
            models=(ensemble.model,),
            params={
                ensemble.model: dict(ensemble.params),
                "draws": ensemble.draws,
                "spread": dict(spread or {}),
                "branches": list(ensemble.branches),
            },
            seed=ensemble.seed,
            results=summary,
            started_at=started_at,
            duration_s=_since(started_at),
            forecasts={ensemble.model: {i: v["mean"] for i, v in summary["issues"].items()}},
        )

    @classmethod
    def of_backtest(
        cls, result: BacktestResult, dataset: str | Path, started_at: dt.datetime
    ) -> RunRecord:
        """The record of a ``backtest``: the dataset's text and every model's score."""
        path = Path(dataset)
        return cls(
            command="backtest",
            scenario_name=path.name,
            scenario_text=path.read_text(encoding="utf-8", errors="replace"),
            models=tuple(result.scores),
            params={
                "capability": result.capability,
                "bootstrap": result.bootstrap,
                "folds": result.folds,
                "missing_salience": result.missing_salience,
            },
            seed=result.seed,
            results=result.to_dict(),
            started_at=started_at,
            duration_s=_since(started_at),
        )


def _since(started_at: dt.datetime) -> float:
    return (dt.datetime.now(dt.UTC) - started_at).total_seconds()


@dataclass(frozen=True)
class StoredRun:
    """One stored run."""

    id: int
    created_at: str
    command: str
    scenario_name: str
    scenario_hash: str
    scenario_yaml: str
    models: list[str]
    params: dict[str, Any]
    seed: int | None
    version: str
    results: dict[str, Any]
    started_at: str | None
    duration_s: float | None
    branch: str | None

    def reproducible_scenario(self) -> str:
        """The run's scenario as YAML, carrying the run's seed and model parameters.

        Running this file with the same models (and ``--branch``) repeats the run exactly,
        stochastic models included: their seed and every parameter they used are in it.
        """
        from stratagem.io import read_text, write_text

        scenario = read_text(self.scenario_yaml, f"<run {self.id}>", "yaml")
        model_params = {k: dict(v) for k, v in scenario.model_params.items()}
        for model, params in self.params.items():
            if isinstance(params, Mapping) and model in self.models:
                model_params[model] = {**model_params.get(model, {}), **params}
        return write_text(
            scenario.evolve(
                seed=self.seed if self.seed is not None else scenario.seed,
                model_params=model_params,
            ),
            "yaml",
        )

    def rerun_command(self, path: str) -> str:
        """The command that repeats the run from :meth:`reproducible_scenario`'s file."""
        models = " ".join(f"-m {m}" for m in self.models)
        branch = f" --branch {self.branch}" if self.branch else ""
        verb = "simulate" if self.command == "simulate" else "run"
        return f"stratagem {verb} {path} {models}{branch}"

    def forecasts(self) -> dict[str, dict[str, float]]:
        """Forecast per model and issue (for ``run`` and ``simulate`` records)."""
        out: dict[str, dict[str, float]] = {}
        for f in self.results.get("forecasts", []):
            out[f["model"]] = {i: v["forecast"] for i, v in f["issues"].items()}
        if self.command == "simulate":
            out[self.results["model"]] = {i: v["mean"] for i, v in self.results["issues"].items()}
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the scenario's YAML included)."""
        return {
            "id": self.id,
            "created_at": self.created_at,
            "command": self.command,
            "scenario": self.scenario_name,
            "scenario_hash": self.scenario_hash,
            "models": self.models,
            "params": self.params,
            "seed": self.seed,
            "branch": self.branch,
            "version": self.version,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "results": self.results,
            "scenario_yaml": self.scenario_yaml,
        }


class Store:
    """A run store at an SQLAlchemy URL, migrated to :data:`SCHEMA_VERSION` when opened.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``); default
        :func:`default_url`.
    """

    def __init__(self, url: str | None = None) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        self.url = url or default_url()
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                self.engine = create_engine(self.url, connect_args={"timeout": 30})

                @event.listens_for(self.engine, "connect")
                def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
                    # the driver's own transaction handling is off: every transaction
                    # below starts with BEGIN IMMEDIATE, so that processes creating a new
                    # store at once take turns instead of racing (DDL included)
                    dbapi_conn.isolation_level = None
                    cursor = dbapi_conn.cursor()
                    cursor.execute("PRAGMA busy_timeout=30000")
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA foreign_keys=ON")
                    cursor.close()

                @event.listens_for(self.engine, "begin")
                def _sqlite_begin(conn: Any) -> None:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"cannot open the run store {self.url!r}: {exc}") from None
        self._migrate()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"the run store {self.url!r} failed: {exc.orig}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"the run store {self.url!r} failed: {exc}") from None

    def version(self) -> int:
        """The schema version the store holds (0 for an empty database)."""
        from sqlalchemy import inspect, text

        with self._transaction() as conn:
            if "schema_version" not in inspect(conn).get_table_names():
                return 0
            return int(conn.execute(text("SELECT version FROM schema_version")).scalar_one())

    def _migrate(self) -> None:
        from sqlalchemy import inspect, text

        with self._transaction() as conn:
            if conn.dialect.name == "postgresql":  # one migrator at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(715517)"))
            if "schema_version" not in inspect(conn).get_table_names():
                conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
                conn.execute(text("INSERT INTO schema_version (version) VALUES (0)"))
            current = int(conn.execute(text("SELECT version FROM schema_version")).scalar_one())
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the run store {self.url!r} has schema version {current}, written by a "
                    f"newer stratagem; this one reads up to {SCHEMA_VERSION}: upgrade stratagem"
                )
            for step in MIGRATIONS[current:]:
                step(conn)
            if current < SCHEMA_VERSION:
                conn.execute(text("UPDATE schema_version SET version = :v"), {"v": SCHEMA_VERSION})

    def save(self, record: RunRecord) -> int:
        """Record a finished run in one transaction; return its id."""
        from sqlalchemy import text

        from stratagem import __version__

        row = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": record.command,
            "scenario_name": record.scenario_name,
            "scenario_hash": scenario_hash(record.scenario_text),
            "scenario_yaml": record.scenario_text,
            "models": json.dumps(list(record.models)),
            "params": json.dumps(plain(record.params), sort_keys=True),
            "seed": _seed_to_column(record.seed),
            "version": __version__,
            "results": json.dumps(plain(record.results)),
            "started_at": record.started_at.isoformat(timespec="seconds"),
            "duration_s": record.duration_s,
            "branch": record.branch,
        }
        bad = [
            f"{m} on {i} ({v})"
            for m, per in record.forecasts.items()
            for i, v in per.items()
            if not math.isfinite(v)
        ]
        if bad:
            raise StoreError(
                f"a forecast is not a finite number, which the store cannot hold: {', '.join(bad)}"
            )
        with self._transaction() as conn:
            run_id = int(conn.execute(text(_INSERT_RUN), row).scalar_one())
            rows = [
                {"run_id": run_id, "model": m, "issue": i, "forecast": float(v)}
                for m, per in record.forecasts.items()
                for i, v in per.items()
            ]
            if rows:
                conn.execute(
                    text(
                        "INSERT INTO forecasts (run_id, model, issue, forecast) "
                        "VALUES (:run_id, :model, :issue, :forecast)"
                    ),
                    rows,
                )
        return run_id

    def list(self, scenario: str | None = None) -> list[StoredRun]:
        """Runs, newest first (optionally of one scenario)."""
        from sqlalchemy import text

        query = "SELECT * FROM runs"
        args: dict[str, Any] = {}
        if scenario:
            query += " WHERE scenario_name = :s"
            args["s"] = scenario
        with self._transaction() as conn:
            rows = conn.execute(text(query + " ORDER BY id DESC"), args).mappings().all()
        return [_record(r) for r in rows]

    def get(self, run_id: int) -> StoredRun:
        """One run.

        Raises
        ------
        InvalidInputError
            If there is no run with this id.
        """
        from sqlalchemy import text

        with self._transaction() as conn:
            row = (
                conn.execute(text("SELECT * FROM runs WHERE id = :i"), {"i": run_id})
                .mappings()
                .first()
            )
        if row is None:
            from stratagem.errors import InvalidInputError, Problem

            raise InvalidInputError([Problem("run", f"no run {run_id} in the store {self.url}")])
        return _record(row)


def _seed_to_column(seed: int | None) -> int | None:
    """A seed (0 to 2**64 - 1) as the signed 64-bit integer SQL columns hold."""
    return seed - 2**64 if seed is not None and seed >= 2**63 else seed


def _seed_from_column(value: int | None) -> int | None:
    """The seed a column holds (the inverse of :func:`_seed_to_column`)."""
    return value + 2**64 if value is not None and value < 0 else value


def _record(row: Mapping[str, Any]) -> StoredRun:
    return StoredRun(
        id=int(row["id"]),
        created_at=row["created_at"],
        command=row["command"],
        scenario_name=row["scenario_name"],
        scenario_hash=row["scenario_hash"],
        scenario_yaml=row["scenario_yaml"],
        models=json.loads(row["models"]),
        params=json.loads(row["params"]),
        seed=_seed_from_column(row["seed"]),
        version=row["version"],
        results=json.loads(row["results"]),
        started_at=row.get("started_at"),
        duration_s=row.get("duration_s"),
        branch=row.get("branch"),
    )


def diff(a: StoredRun, b: StoredRun) -> dict[str, Any]:
    """Which inputs differ between two runs, and how the forecasts moved."""
    from stratagem.io.yaml_io import read_yaml

    inputs: list[str] = []
    if a.scenario_hash != b.scenario_hash:
        sa = read_yaml(a.scenario_yaml, f"run {a.id}")
        sb = read_yaml(b.scenario_yaml, f"run {b.id}")
        inputs = sa.differences(sb) or [
            "the scenario files differ (notes, events, branches or outcomes)"
        ]
    settings = {
        k: (a.params.get(k), b.params.get(k))
        for k in sorted(set(a.params) | set(b.params))
        if a.params.get(k) != b.params.get(k)
    }
    for name, x, y in (
        ("seed", a.seed, b.seed),
        ("branch", a.branch, b.branch),
        ("models", a.models, b.models),
        ("version", a.version, b.version),
    ):
        if x != y:
            settings[name] = (x, y)
    fa, fb = a.forecasts(), b.forecasts()
    moved = {}
    for model in sorted(set(fa) & set(fb)):
        for issue in sorted(set(fa[model]) & set(fb[model])):
            moved[f"{model}.{issue}"] = {
                "from": fa[model][issue],
                "to": fb[model][issue],
                "change": fb[model][issue] - fa[model][issue],
            }
    return {
        "runs": [a.id, b.id],
        "inputs": inputs,
        "settings": {k: list(v) for k, v in settings.items()},
        "forecasts": moved,
    }
