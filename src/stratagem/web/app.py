"""The dashboard (Shiny for Python, the optional ``dashboard`` extra): edit, run, read.

Analysts change an estimate and watch the forecast move. Each browser session has its own
scenario (a per-session reactive value), so sessions never see each other's edits. Every
edit is validated by building the scenario with it; an invalid edit is refused with the
same ``field: reason`` message as the command line, shown on the cell and above the
table. Uploads are parsed by :mod:`stratagem.io` — nothing in them is executed or fetched —
in a separate process with a time and a memory limit (:func:`parse_upload`), so that a
hostile file cannot block or exhaust the server for other sessions; an upload is cut off
while it streams past :data:`MAX_UPLOAD` bytes (:class:`UploadLimit`) and refused with an
extension stratagem does not read. The server holds its own limits on what the browser
form sends (:data:`MAX_DRAWS`, :data:`MAX_ACTORS`). All model logic is the library's; this
module only adapts it.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from shiny import App, reactive, render, ui
from shiny.types import SafeException, SilentException

import stratagem
from stratagem import catalog, io, models
from stratagem.errors import InvalidInputError, Problem
from stratagem.scenario import Actor, Scenario, Value
from stratagem.web import whatif, worker

__all__ = [
    "MAX_ACTORS",
    "MAX_DRAWS",
    "MAX_UPLOAD",
    "PARSE_MEMORY_MB",
    "PARSE_SECONDS",
    "UploadLimit",
    "create_app",
    "parse_upload",
    "scenario_frame",
]

MAX_UPLOAD = 2 * 1024 * 1024
"""Bytes an upload may have; the rest of a larger one is dropped as it streams."""
MAX_DRAWS = 20_000
"""Monte Carlo draws a dashboard run may ask for (the form's maximum, held by the server)."""
MAX_ACTORS = 500
"""Actors a scenario in the dashboard may have (its table is one row per actor)."""
PARSE_SECONDS = 10.0
"""Time an upload's parsing may take, in its worker process, before it is killed."""
PARSE_MEMORY_MB = 1024
"""Address space (MB) of the worker process that parses an upload."""
ACCEPTED = [".yaml", ".yml", ".json", ".csv", ".tsv", ".txt", ".xml"]


def _parse_worker(data: bytes, name: str, memory_mb: int, conn: Any) -> None:
    import resource

    limit_bytes = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    try:
        conn.send(("ok", io.read_bytes(data, name)))
    except InvalidInputError as err:
        conn.send(("invalid", [p.format() for p in err.problems]))
    except MemoryError:
        conn.send(("refused", f"reading it needs more than {memory_mb} MB"))
    except Exception as exc:  # noqa: BLE001 - a reader's bug must not reach the browser as a crash
        conn.send(("refused", f"it cannot be read ({type(exc).__name__})"))
    finally:
        conn.close()


def _worker_context() -> Any:
    """The context of the workers (uploads, runs): forks of a server that has imported them.

    A worker then starts in milliseconds, without the CPU burst of a fresh interpreter
    that would slow the other sessions down.
    """
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        [
            "stratagem.io",
            "stratagem.api",
            "stratagem.uncertainty.montecarlo",
            "stratagem.web.worker",
        ]
    )
    return context


def parse_upload(
    data: bytes,
    name: str,
    seconds: float = PARSE_SECONDS,
    memory_mb: int = PARSE_MEMORY_MB,
) -> Scenario:
    """Read an uploaded file in a separate process, killed past ``seconds`` or ``memory_mb``.

    Raises
    ------
    InvalidInputError
        With the reader's problems, or saying which limit the parsing exceeded.
    """
    context = _worker_context()
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_parse_worker, args=(data, name, memory_mb, send), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise InvalidInputError(
                [Problem("file", f"refused: reading it took longer than {seconds:g} s", None, name)]
            )
        kind, payload = receive.recv()
    except EOFError:
        raise InvalidInputError(
            [Problem("file", f"refused: reading it needs more than {memory_mb} MB", None, name)]
        ) from None
    finally:
        worker.kill()
        worker.join(5)
        receive.close()
    if kind == "ok":
        scenario: Scenario = payload
        if scenario.n_actors > MAX_ACTORS:
            reason = (
                f"refused: {scenario.n_actors:,} actors; the dashboard shows up to "
                f"{MAX_ACTORS} (the command line has no such limit)"
            )
            raise InvalidInputError([Problem("file", reason, None, name)])
        return scenario
    if kind == "invalid":
        raise _ReportedError(payload)
    raise InvalidInputError([Problem("file", f"refused: {payload}", None, name)])


class _ReportedError(InvalidInputError):
    """Problems already formatted by the worker (file and line included)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__([Problem("file", line) for line in lines])
        self.lines = lines


class UploadLimit:
    """ASGI middleware: an upload's body stops reaching the app past ``max_bytes``.

    Shiny stores an upload's body in a temporary file as it arrives; past the cap the
    rest is read from the network and dropped, so at most ``max_bytes + 1`` bytes are ever
    stored and the session then refuses the file with a message. A body whose declared
    length is over eight times the cap is answered 413 at once, before it is read.
    """

    def __init__(self, app: Any, max_bytes: int = MAX_UPLOAD) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass every request on, an upload's body capped."""
        if scope.get("type") != "http" or "/upload/" not in scope.get("path", ""):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length", b"").decode() or "0"
        if declared.isdigit() and int(declared) > 8 * self.max_bytes:
            await send({"type": "http.response.start", "status": 413, "headers": []})
            await send({"type": "http.response.body", "body": b"upload too large"})
            return
        passed = 0

        async def capped_receive() -> Any:
            nonlocal passed
            message = await receive()
            if message.get("type") == "http.request":
                body = message.get("body", b"")
                room = max(0, self.max_bytes + 1 - passed)
                passed += len(body)
                if len(body) > room:
                    message = {**message, "body": body[:room]}
            return message

        await self.app(scope, capped_receive, send)


def scenario_frame(scenario: Scenario) -> pd.DataFrame:
    """The editable table: one row per actor, capability, then position and salience per issue."""
    rows = []
    for k, actor in enumerate(scenario.actors):
        row: dict[str, Any] = {"actor": actor.id, "capability": actor.capability}
        for j, issue in enumerate(scenario.issues):
            present = scenario.has_position[k, j]
            row[f"{issue.id}:position"] = scenario.positions[k, j] if present else None
            row[f"{issue.id}:salience"] = scenario.salience[k, j] if present else None
        rows.append(row)
    return pd.DataFrame(rows)


def _edit(scenario: Scenario, row: int, column: str, text: str) -> Scenario:
    """The scenario with one cell changed; InvalidInputError with the CLI's message if invalid."""
    actor = scenario.actors[row]
    if column == "actor":
        if not text.strip():
            raise InvalidInputError([Problem(f"actors[{actor.id}].id", "must not be empty")])
        return scenario.rename_actor(actor.id, text.strip())
    issue_id, _, field = column.partition(":")
    where = (
        f"actors[{actor.id}].capability"
        if column == "capability"
        else f"actors[{actor.id}].positions[{issue_id}].{field}"
    )
    try:
        number = float(text)
    except ValueError:
        raise InvalidInputError([Problem(where, f"{text!r} is not a number")]) from None
    if column == "capability":
        return scenario.with_value(actor.id, "capability", number)
    return scenario.with_value(
        actor.id, "position" if field == "position" else "salience", number, issue_id
    )


def _messages(err: InvalidInputError) -> str:
    return "\n".join(f"{p.field}: {p.reason}" for p in err.problems)


def create_app(initial: Scenario | None = None) -> App:
    """The Shiny app, starting from ``initial`` (default: the embedded default case).

    Serve it wrapped in :class:`UploadLimit` (``stratagem serve`` does).
    """
    start = initial or catalog.load()
    names = list(catalog.embedded_names())
    import multiprocessing.forkserver

    _worker_context()
    multiprocessing.forkserver.ensure_running()  # started now, not during the first upload
    model_names = list(models.names())

    app_ui = ui.page_sidebar(
        ui.sidebar(
            ui.input_select(
                "embedded", "Embedded scenario", choices=["(current)", *names], selected="(current)"
            ),
            ui.input_file("upload", "…or upload a scenario file", accept=ACCEPTED, multiple=False),
            ui.input_checkbox_group(
                "models", "Models", choices=model_names, selected=["compromise", "eum"]
            ),
            ui.input_select("branch", "Branch", choices=["(none)"]),
            ui.input_numeric("draws", "Monte Carlo draws (0: none)", value=0, min=0, max=MAX_DRAWS),
            ui.input_task_button("run", "Run", label_busy="Running…"),
            ui.input_action_button("cancel_run", "Cancel the run"),
            ui.output_text("run_status"),
            ui.hr(),
            ui.input_text("new_actor", "New actor id", value=""),
            ui.input_action_button("add_actor", "Add actor"),
            ui.input_action_button("delete_actor", "Delete selected actors"),
            ui.hr(),
            ui.download_button("download_yaml", "Download scenario (YAML)"),
            ui.download_button("download_report", "Download HTML report"),
            ui.download_button("download_json", "Download the what-if's results (JSON)"),
            ui.download_button("download_csv", "Download the what-if's forecasts (CSV)"),
            width=320,
        ),
        ui.h3(ui.output_text("title")),
        ui.output_ui("problems"),
        ui.navset_tab(
            ui.nav_panel(
                "Edit and run",
                ui.h4("What if"),
                ui.layout_columns(
                    ui.div(
                        ui.output_ui("whatif_controls"),
                        ui.input_action_button("whatif_reset", "Reset every slider"),
                    ),
                    ui.div(
                        ui.output_ui("whatif_forecasts"),
                        ui.output_ui("whatif_outcomes"),
                        ui.input_action_button(
                            "whatif_refine",
                            f"Refine the probabilities ({whatif.REFINED_DRAWS:,} draws)",
                        ),
                        ui.output_ui("whatif_bottom"),
                    ),
                    col_widths=(4, 8),
                ),
                ui.h4("The scenario (exact values)"),
                ui.output_data_frame("table"),
                ui.h4("Forecasts (Run)"),
                ui.output_table("forecasts"),
                ui.output_ui("outcomes"),
                ui.output_ui("narrative"),
                value="edit",
            ),
            ui.nav_panel(
                "Positions",
                ui.p("The what-if case: every actor on each issue, every chosen model's forecast."),
                ui.output_plot("position_map", height="720px"),
                value="positions",
            ),
            ui.nav_panel(
                "Trajectories",
                ui.input_select("trajectory_issue", "Issue", choices=[]),
                ui.output_plot("trajectories", height="900px"),
                value="trajectories",
            ),
            ui.nav_panel(
                "Ends by branch",
                ui.output_plot("outcome_bars", height="640px"),
                value="branches",
            ),
            ui.nav_panel(
                "Coalitions",
                ui.output_ui("coalitions"),
                ui.output_plot("compatibility_map", height="640px"),
                value="coalitions",
            ),
            ui.nav_panel(
                "Graph model",
                ui.output_ui("conflict_view"),
                ui.output_plot("conflict_graph", height="460px"),
                value="graph",
            ),
            ui.nav_panel(
                "Levers",
                ui.input_select("lever_target", "End to reach", choices=[]),
                ui.input_action_button("find_levers", "Find the levers"),
                ui.output_ui("levers_view"),
                value="levers",
            ),
            id="views",
        ),
        title="stratagem",
    )

    def server(input: Any, output: Any, session: Any) -> None:
        scenario: reactive.Value[Scenario] = reactive.value(start)
        results: reactive.Value[dict[str, Any] | None] = reactive.value(None)
        message: reactive.Value[str] = reactive.value("")
        generations = itertools.count()
        refined: reactive.Value[bool] = reactive.value(False)
        resets_seen: dict[str, int] = {}

        @reactive.calc
        def generation() -> int:
            scenario()  # a new scenario gets new sliders
            return next(generations)

        def _read(input_id: str) -> float | None:
            try:
                value = input[input_id]()
            except SilentException:  # not shown yet
                return None
            return None if value is None else float(value)

        @reactive.calc
        def edited() -> tuple[Scenario, list[Any]]:
            return whatif.edited_scenario(scenario(), generation(), _read)

        @reactive.calc
        def chosen() -> list[str]:
            sc = scenario()
            return [m for m in input.models() if m in stratagem.applicable_models(sc)]

        # the what-if's work runs in threads: the event loop (every other session) goes on
        @reactive.calc
        async def baseline_forecasts() -> Any:
            sc, names = scenario(), chosen()
            return await asyncio.to_thread(stratagem.forecast, sc, names, seed=0)

        @reactive.calc
        async def edited_forecasts() -> Any:
            (sc, changes), names = edited(), chosen()
            if not changes:
                return await baseline_forecasts()
            return await asyncio.to_thread(stratagem.forecast, sc, names, seed=0)

        @reactive.calc
        def probability_model() -> str | None:
            batched = [
                m
                for m in chosen()
                if models.get(m).batch is not None and models.get(m).uses_positions
            ]
            return "eum" if "eum" in batched else (batched[0] if batched else None)

        def _draws() -> int:
            return whatif.REFINED_DRAWS if refined() else whatif.FIRST_DRAWS

        @reactive.calc
        async def baseline_ensemble() -> Any:
            sc, model, draws = scenario(), probability_model(), _draws()
            if model is None:
                return None
            return await asyncio.to_thread(stratagem.simulate, sc, model, draws, 0)

        @reactive.calc
        async def edited_ensemble() -> Any:
            (sc, changes), model, draws = edited(), probability_model(), _draws()
            if model is None or not changes:
                return await baseline_ensemble()
            # the same seed: the same draws as the baseline's
            return await asyncio.to_thread(stratagem.simulate, sc, model, draws, 0)

        @reactive.effect
        def _back_to_quick_draws() -> None:
            edited()  # a slider moved: the quick count again until asked
            with reactive.isolate():
                refined.set(False)

        @reactive.effect
        @reactive.event(input.whatif_refine)
        def _refine() -> None:
            refined.set(True)

        def _reset(sc: Scenario, gen: int, actor: str | None, only: str | None = None) -> None:
            for input_id, (who, field, issue) in whatif.slider_ids(sc, gen).items():
                if (actor is None or who == actor) and only in (None, input_id):
                    value = whatif.baseline_value(sc, who, field, issue)
                    ui.update_slider(input_id, value=value)

        @reactive.effect
        @reactive.event(input.whatif_reset)
        def _reset_all() -> None:
            _reset(scenario(), generation(), None)

        def _clicked(key: str) -> bool:
            clicks = int(_read(key) or 0)
            if clicks > resets_seen.get(key, 0):
                resets_seen[key] = clicks
                return True
            return False

        @reactive.effect
        def _reset_one() -> None:
            sc, gen = scenario(), generation()
            for k, actor in enumerate(sc.actors):
                if _clicked(f"wi{gen}_reset_{k}"):
                    with reactive.isolate():
                        _reset(sc, gen, actor.id)
            for input_id in whatif.slider_ids(sc, gen):
                if _clicked(f"{input_id}_reset"):
                    with reactive.isolate():
                        _reset(sc, gen, None, only=input_id)

        @render.ui
        def whatif_controls() -> Any:
            return whatif.controls(scenario(), generation())

        @render.ui
        async def whatif_forecasts() -> Any:
            sc, (_, changes) = scenario(), edited()
            base, what = await baseline_forecasts(), await edited_forecasts()
            return whatif.comparison_table(sc, base.forecasts, what.forecasts, bool(changes))

        @render.ui
        async def whatif_outcomes() -> Any:
            sc = scenario()
            base, what = await baseline_ensemble(), await edited_ensemble()
            if base is None or not sc.outcomes:
                return ui.div(
                    "Choose a model that simulates (compromise, EUM, …) for the ends' "
                    "probabilities."
                    if sc.outcomes
                    else "The scenario names no ends.",
                    id="whatif-outcomes",
                )
            return whatif.outcome_table(sc, base, what)

        @render.ui
        async def whatif_bottom() -> Any:
            from stratagem.analysis.bottom_line import bottom_line

            forecasts, ensemble = await edited_forecasts(), await edited_ensemble()
            line = bottom_line(forecasts, ensemble=ensemble, lever_models=[])
            return ui.div(
                ui.h5("Bottom line of the what-if"),
                ui.tags.ul(*(ui.tags.li(s) for s in line.sentences)),
                id="whatif-bottom-line",
            )

        @reactive.effect
        def _branches() -> None:
            sc = scenario()
            ui.update_select("branch", choices=["(none)", *(b.name for b in sc.branches)])
            ui.update_select("trajectory_issue", choices={i.id: i.name for i in sc.issues})
            ui.update_select("lever_target", choices=[o.name for o in sc.outcomes])

        @reactive.effect
        @reactive.event(input.embedded)
        def _load_embedded() -> None:
            if input.embedded() != "(current)":
                scenario.set(catalog.load_embedded(input.embedded()))
                results.set(None)
                message.set("")

        @reactive.effect
        @reactive.event(input.upload)
        async def _upload() -> None:
            files = input.upload()
            if not files:
                return
            info = files[0]
            name, path, size = info["name"], Path(info["datapath"]), int(info.get("size") or 0)
            if Path(name).suffix.lower() not in ACCEPTED:
                message.set(f"{name}: file: refused: stratagem reads {', '.join(ACCEPTED)}")
                return
            if size > MAX_UPLOAD or path.stat().st_size > MAX_UPLOAD:
                message.set(f"{name}: file: refused: larger than {MAX_UPLOAD // (1024 * 1024)} MB")
                return
            try:
                # in a worker process, awaited in a thread: other sessions go on meanwhile
                loaded = await asyncio.to_thread(parse_upload, path.read_bytes(), name)
            except _ReportedError as err:
                message.set("\n".join(err.lines))
                return
            except InvalidInputError as err:
                message.set("\n".join(p.format() for p in err.problems))
                return
            scenario.set(loaded)
            results.set(None)
            message.set("")

        @render.text
        def title() -> str:
            sc = scenario()
            return f"{sc.title or sc.name} — {sc.n_actors} actors × {sc.n_issues} issues"

        @render.ui
        def problems() -> Any:
            text = message()
            if not text:
                return ui.div(id="problems")
            return ui.div(
                *(ui.div(line) for line in text.splitlines()),
                id="problems",
                class_="alert alert-danger",
                style="white-space: pre-wrap",
            )

        @render.data_frame
        def table() -> Any:
            return render.DataGrid(
                scenario_frame(scenario()), editable=True, selection_mode="rows", width="100%"
            )

        @table.set_patch_fn
        def _patch(*, patch: Any) -> Any:
            sc = scenario()
            column = scenario_frame(sc).columns[patch["column_index"]]
            try:
                edited = _edit(sc, patch["row_index"], column, str(patch["value"]))
            except InvalidInputError as err:
                message.set(_messages(err))
                raise SafeException(_messages(err)) from None
            message.set("")
            scenario.set(edited)
            results.set(None)
            value = scenario_frame(edited).iloc[patch["row_index"], patch["column_index"]]
            return value if not isinstance(value, float) else float(value)

        def _set_or_say(edit: Callable[[Scenario], Scenario]) -> None:
            """Apply an edit to the session's scenario, or show why it is refused."""
            try:
                edited = edit(scenario())
            except InvalidInputError as err:
                message.set(_messages(err))
                return
            scenario.set(edited)
            message.set("")

        @reactive.effect
        @reactive.event(input.add_actor)
        def _add() -> None:
            new_id = input.new_actor().strip() or f"actor-{scenario().n_actors + 1}"
            _set_or_say(
                lambda sc: sc.evolve(
                    actors=(*sc.actors, Actor(new_id, new_id, 1.0)),
                    values={
                        **sc.values,
                        **{(new_id, i.id): Value(i.midpoint, 0.5) for i in sc.issues},
                    },
                )
            )

        @reactive.effect
        @reactive.event(input.delete_actor)
        def _delete() -> None:
            sc = scenario()
            gone = {sc.actors[r].id for r in table.cell_selection()["rows"] or ()}
            if not gone:
                message.set("actors: select the rows to delete first")
                return
            _set_or_say(lambda sc: sc.without_actors(gone))

        handle = worker.RunHandle()

        @ui.bind_task_button(button_id="run")
        @reactive.extended_task
        async def run_task(job: worker.RunJob) -> tuple[str, Any]:
            # a worker process, awaited in a thread: every other session goes on meanwhile
            return await asyncio.to_thread(worker.run_in_worker, job, handle, _worker_context())

        @reactive.effect
        @reactive.event(input.run)
        def _run() -> None:
            sc = scenario()
            branch = None if input.branch() in (None, "(none)") else input.branch()
            chosen = [m for m in input.models() if m in stratagem.applicable_models(sc)]
            draws = int(input.draws() or 0)
            if not 0 <= draws <= MAX_DRAWS:
                message.set(f"draws: must be from 0 to {MAX_DRAWS:,}, got {draws:,}")
                return
            run_task.invoke(worker.RunJob(sc, tuple(chosen), branch, draws))

        @reactive.effect
        @reactive.event(input.cancel_run)
        def _cancel() -> None:
            handle.cancel()
            run_task.cancel()

        @reactive.effect
        def _finished() -> None:
            if run_task.status() != "success":
                return
            kind, payload = run_task.value()
            with reactive.isolate():
                if kind == "done":
                    results.set(payload)
                    message.set("")
                elif kind == "invalid":
                    message.set(payload)
                elif kind == "failed":
                    message.set(f"run: {payload}")

        @render.text
        def run_status() -> str:
            status = run_task.status()
            if status == "running":
                reactive.invalidate_later(0.5)
                done, total, what = handle.progress
                if total:
                    return f"running: {what}, {done:,} of {total:,} draws"
                return f"running: {what or 'the models'}"
            if status == "cancelled" or (
                status == "success" and run_task.value()[0] == "cancelled"
            ):
                return "the run was cancelled"
            return ""

        @render.table
        def forecasts() -> pd.DataFrame:
            res = results()
            sc = scenario()
            if res is None:
                return pd.DataFrame({"issue": list(sc.issue_ids)})
            frame = pd.DataFrame({"issue": list(sc.issue_ids)})
            for f in res["forecasts"]:
                frame[f.model] = [round(f.issues[i].forecast, 4) for i in sc.issue_ids]
            return frame

        @render.ui
        def outcomes() -> Any:
            res = results()
            if res is None or not res["ensembles"]:
                return ui.div()
            world = res["branch"]
            blocks = []
            for ens in res["ensembles"]:
                probs = ens.outcome_probabilities(world if world in ens.forecasts else None)
                when = {o.name: o.when for o in ens.scenario.outcomes}
                blocks += [
                    ui.h5(f"{ens.model} ({ens.draws} draws)"),
                    ui.tags.ul(
                        *(
                            ui.tags.li(f"{k}: {v:.3f}", ui.tags.code(f" when {when[k]}"))
                            if k in when
                            else ui.tags.li(f"{k}: {v:.3f}")
                            for k, v in probs.items()
                        )
                    ),
                ]
            return ui.div(ui.h4("Outcome probabilities"), *blocks, id="outcome-probabilities")

        @render.ui
        def narrative() -> Any:
            res = results()
            if res is None:
                return ui.div()
            from stratagem.analysis.findings import findings
            from stratagem.analysis.narrative import narrative as tell

            sc = scenario()
            found = findings(sc, res["forecasts"])
            sections = tell(sc, res["forecasts"], res["ensembles"], found=found)
            return ui.div(
                *(
                    ui.div(ui.h5(s.title), ui.tags.ul(*(ui.tags.li(x.text) for x in s.sentences)))
                    for s in sections
                ),
                id="narrative",
            )

        @render.plot
        async def trajectories() -> Any:
            from stratagem.report.figures import issue_trajectories_figure

            sc, _ = edited()
            issue = input.trajectory_issue()
            found = (await edited_forecasts()).forecasts
            issue = issue if issue in sc.issue_ids else sc.issue_ids[0]
            if not any(f.trajectory(issue) is not None for f in found):
                return None
            plt.close("all")
            return issue_trajectories_figure(sc, found, issue)

        @render.plot
        async def position_map() -> Any:
            from stratagem.report.figures import position_map_figure

            sc = edited()[0]
            found = (await edited_forecasts()).forecasts
            plt.close("all")
            return position_map_figure(sc, found)

        @reactive.calc
        async def branch_ensemble() -> Any:
            (sc, _), model, draws = edited(), probability_model(), _draws()
            if model is None or not sc.outcomes:
                return None
            branches = [b.name for b in sc.branches]
            return await asyncio.to_thread(
                stratagem.simulate, sc, model, draws, 0, branches=branches
            )

        @render.plot
        async def outcome_bars() -> Any:
            from stratagem.report.figures import outcome_bars_figure

            ensemble = await branch_ensemble()
            if ensemble is None:
                return None
            plt.close("all")
            return outcome_bars_figure(ensemble)

        @reactive.calc
        async def compatibility_found() -> Any:
            sc, _ = edited()
            if sc.n_actors < 2:
                return None
            return await asyncio.to_thread(stratagem.compatibility, sc)

        @render.plot
        async def compatibility_map() -> Any:
            from stratagem.report.figures import compatibility_figure

            found = await compatibility_found()
            if found is None:
                return None
            plt.close("all")
            return compatibility_figure(found.result)

        @render.ui
        async def coalitions() -> Any:
            from stratagem.analysis.narrative import tacit

            sc = edited()[0]
            found = await compatibility_found()
            if found is None:
                return ui.div("Compatibility needs two actors or more.", id="coalitions-text")
            pairs = tacit(sc, found.result)
            return ui.div(
                ui.h5("Tacit coalitions: in concert on one issue although apart on another"),
                ui.tags.ul(*(ui.tags.li(p.text) for p in pairs))
                if pairs
                else ui.p("No pair acts in concert on one issue while far apart on another."),
                id="coalitions-text",
            )

        @reactive.calc
        async def levers_found() -> Any:
            if not input.find_levers():
                return None  # searched when asked, not at every slider move
            with reactive.isolate():
                sc, _ = edited()
                target = input.lever_target()
                static = [
                    m
                    for m in chosen()
                    if models.get(m).batch is not None and not models.get(m).dynamic
                ]
            if not target or not static:
                return None
            return await asyncio.to_thread(stratagem.levers, sc, target, models=static)

        @render.ui
        async def levers_view() -> Any:
            found = await levers_found()
            if found is None:
                return ui.div(
                    "Choose an end and a model without rounds (compromise, weighted median, "
                    "Condorcet), then ask for the levers.",
                    id="levers",
                )
            sc = found.scenario
            blocks = []
            for model in found.models:
                singles = found.singles.get(model, ())[:5]
                blocks.append(ui.h5(f"{model} (now: {found.base_outcomes.get(model)})"))
                blocks.append(
                    ui.tags.ol(
                        *(
                            ui.tags.li(f"{lever.words(sc)} (size {lever.size:.2f})")
                            for lever in singles
                        )
                    )
                    if singles
                    else ui.p("No single change within the inputs' ranges reaches it.")
                )
            return ui.div(
                ui.p(
                    f"The smallest single changes that make '{found.target}' the forecast, "
                    "each checked by a plain run (size: share of the input's scale)."
                ),
                *blocks,
                id="levers",
            )

        @render.ui
        def conflict_view() -> Any:
            res = results()
            if res is None or res.get("conflict") is None:
                return ui.div(id="conflict")
            analysed = res["conflict"]
            c = analysed.conflict
            order = ", ".join(d.id for d in c.decision_makers)
            head = ui.tags.tr(
                ui.tags.th("state"),
                ui.tags.th("options taken"),
                ui.tags.th("named ends"),
                *(ui.tags.th(x) for x in analysed.concepts),
            )
            rows = [
                ui.tags.tr(
                    ui.tags.td(f"{r['state']}{' (status quo)' if r['status_quo'] else ''}"),
                    ui.tags.td(", ".join(r["taken"]) or "no option taken"),
                    ui.tags.td(", ".join(r["ends"])),
                    *(ui.tags.td(cell) for cell in r["cells"]),
                )
                for r in analysed.stability_rows()
            ]
            return ui.div(
                ui.h4("The graph model" + (f" with {res['branch']}" if res["branch"] else "")),
                ui.p(
                    f"{c.n_states} feasible states. The equilibria and the status quo; per "
                    f"concept, EQ when stable for everyone, else Y/N per decision maker "
                    f"({order})."
                ),
                ui.tags.table(head, *rows, class_="table table-sm", id="conflict-stability"),
                ui.p(
                    "What the graph model finds is in the narrative above; the figure below "
                    "is the road from the status quo."
                ),
                id="conflict",
            )

        @render.plot
        def conflict_graph() -> Any:
            res = results()
            analysed = None if res is None else res.get("conflict")
            if analysed is None or analysed.start is None:
                return None
            from stratagem.report.figures import reachability_figure

            plt.close("all")
            names = {d.id: d.label.split(" (")[0] for d in analysed.conflict.decision_makers}
            return reachability_figure(
                analysed.reachability_graph(), names, "the road from the status quo"
            )

        @render.download(filename=lambda: f"{scenario().name}.yaml")
        def download_yaml() -> Any:
            yield io.write_text(edited()[0], "yaml")  # the table's edits and the sliders'

        @render.download(filename=lambda: f"{scenario().name}-whatif.json")
        async def download_json() -> Any:
            import json

            sc, changes = edited()
            ensemble = await edited_ensemble()
            doc = {
                "scenario": sc.name,
                "changes": [
                    {"actor": c.actor, "field": c.field, "issue": c.issue, "value": c.value}
                    for c in changes
                ],
                "forecasts": (await edited_forecasts()).to_dict(),
                **({"simulation": ensemble.to_dict()} if ensemble is not None else {}),
            }
            yield json.dumps(doc, indent=2) + "\n"

        @render.download(filename=lambda: f"{scenario().name}-whatif.csv")
        async def download_csv() -> Any:
            yield (await edited_forecasts()).to_frame().to_csv(index=False)

        @render.download(filename=lambda: f"{scenario().name}-report.html")
        def download_report() -> Any:
            from stratagem.report.build import build_report, write_report

            sc = edited()[0]  # the case on screen: the table's edits and the sliders
            with tempfile.TemporaryDirectory() as out:
                path = write_report(
                    build_report(
                        sc,
                        list(input.models()) or None,
                        draws=min(max(int(input.draws() or 0), 0), MAX_DRAWS),
                    ),
                    out,
                )
                yield path.read_text(encoding="utf-8")

    return App(app_ui, server)
